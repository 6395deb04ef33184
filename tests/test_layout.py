"""The text layouts that fit a width: listings, plain tables and shell commands."""

from __future__ import annotations

import subprocess

from tiered.renderers.report.layout import listing, shell_lines, stacked, table

HEADERS = ["instance", "zone", "role"]
ROWS = [["nginx-1", "us-east-1b", "active"], ["zookeeper-12", "us-east-1c", "member"]]


def test_a_table_that_fits_is_aligned_with_two_spaces() -> None:
    out = table(HEADERS, ROWS, 80)
    assert out == table(HEADERS, ROWS, None)
    assert out.splitlines()[0] == "instance      zone        role"
    assert out.splitlines()[2] == "nginx-1       us-east-1b  active"


def test_a_table_closes_its_columns_then_wraps_prose_cells_then_stacks() -> None:
    natural = len(table(HEADERS, ROWS).splitlines()[1])  # the rule: 12 + 10 + 6 and gaps
    closer = table(HEADERS, ROWS, natural - 1)
    assert closer.splitlines()[2] == "nginx-1      us-east-1b active"
    prose = [["a", "one two three four"], ["b", "five"]]
    wrapped = table(["x", "words"], prose, 12)
    assert wrapped.splitlines() == [
        "x words",
        "- ----------",
        "a one two",
        "  three four",
        "b five",
    ]
    narrow = table(HEADERS, ROWS, 26)  # 12 + 10 + 6 + 2 > 26: records
    assert narrow == stacked(HEADERS, ROWS, 26)
    assert narrow.splitlines()[:2] == ["nginx-1: zone us-east-1b;", "    role active"]
    assert all(len(line) <= 26 for line in narrow.splitlines())


def test_a_listing_wraps_its_prose_in_its_column_or_under_the_row() -> None:
    rows = [["TR001", "error", "a service that one instance failure takes down."]]
    assert listing(rows, None) == ["TR001  error  a service that one instance failure takes down."]
    assert listing(rows, 50) == [
        "TR001  error  a service that one instance failure",
        "              takes down.",
    ]
    assert listing(rows, 30) == [
        "TR001 error",
        "    a service that one",
        "    instance failure takes",
        "    down.",
    ]


COMMAND = (
    'aws fis start-experiment --experiment-template-id "$(aws cloudformation describe-stacks '
    "--stack-name web-fis --query \"Stacks[0].Outputs[?OutputKey=='ExperimentZoneA'].OutputValue\" "
    '--output text)"'
)


def test_a_shell_command_continues_where_the_shell_splits_words() -> None:
    assert shell_lines(COMMAND, None, 6) == ["      " + COMMAND]
    lines = shell_lines(COMMAND, 80, 6)
    assert all(line.endswith(" \\") for line in lines[:-1])
    assert all(line.startswith("          ") for line in lines[1:])
    assert all(len(line) <= 80 for line in lines)
    assert len(lines) == 4
    joined = "\n".join(lines)

    def argv(command: str) -> str:
        script = f'aws() {{ printf "<%s>" "$@"; echo; }}\n{command}\n'
        return subprocess.run(
            ["bash", "-c", script], capture_output=True, text=True, check=True
        ).stdout

    assert argv(joined) == argv(COMMAND)
    assert "<Stacks[0].Outputs[?OutputKey=='ExperimentZoneA'].OutputValue>" in argv(COMMAND)
