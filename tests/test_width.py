"""Text output follows --width (the terminal's width by default); pipes get whole lines.

Every command with text output takes the same --width. Within a width, lines break only
at spaces: no name, address, path or option is ever cut (the words of a wrapped output
are those of the unwrapped one), and a line is longer than the width only when it holds
one word that is longer by itself.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import termios
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import ALL_TOPOLOGIES, ROOT, TIERED, run_tiered
from tiered.cli.main import app
from tiered.renderers.report.width import hanging

#: The commands with text output, as run on one topology (``{file}``, ``{zone}``).
TEXT_COMMANDS = [
    ["validate", "{file}"],
    ["report", "{file}", "--depth", "2"],
    ["plan", "{file}"],
    ["whatif", "{file}", "--fail", "{zone}"],
]
#: The commands whose text does not depend on a topology.
FIXED_COMMANDS = [
    ["rules"],
    ["explain"],
    ["explain", "E0111"],
    ["init", "--list"],
    ["diff", "examples/reference-three-zones.yaml", "topology.yaml", "--no-cloudformation"],
]
#: What a word may carry around it that wrapping may move (punctuation, a shell's \).
EDGES = ",;:()[]`'\"\\"


def _zone(path: Path) -> str:
    from tiered.pipeline import plan_file

    return plan_file(str(path)).zones[0]


def _invoke(args: list[str], *extra: str) -> str:
    done = CliRunner().invoke(app, [*args, *extra])
    crashed = done.exception is not None and not isinstance(done.exception, SystemExit)
    assert done.exit_code in (0, 1) and not crashed, (args, done.output, done.exception)
    return done.stdout


def _runs(path: Path) -> list[list[str]]:
    relative = path.relative_to(ROOT).as_posix()
    zone = _zone(path)
    return [[a.format(file=relative, zone=zone) for a in args] for args in TEXT_COMMANDS]


def _too_long(text: str, width: int) -> list[str]:
    """Lines longer than ``width``, except one word alone (a continued command's ``\\``)."""
    return [
        line
        for line in text.splitlines()
        if len(line) > width and len(line.removesuffix(" \\").split()) > 1
    ]


def _words(text: str) -> Counter[str]:
    """The words that name something (a digit, a dash, a dot, a slash in them), counted."""
    words = (w.strip(EDGES) for w in text.split())
    return Counter(w for w in words if re.search(r"[0-9./_-]", w) and w.strip("-─"))


def _check(args: list[str], widths: tuple[int, ...] = (80, 50)) -> None:
    whole = _invoke(args)
    for width in widths:
        wrapped = _invoke(args, "--width", str(width))
        assert not _too_long(wrapped, width), (args, width, _too_long(wrapped, width))
        assert _words(wrapped) == _words(whole), (args, width, _words(wrapped) - _words(whole))
        assert all(not line.endswith(" ") for line in wrapped.splitlines()), args
        # A `quoted` command or setting stays on one line when it fits one.
        spans = {span for span in re.findall(r"`[^`\n]+`", whole) if len(span) <= width // 2}
        assert all(span in wrapped for span in spans), (args, width, spans)


@pytest.mark.parametrize("args", FIXED_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_fixed_text_fits_every_width_and_keeps_every_word(args: list[str]) -> None:
    _check(args, (80, 60, 40))


@pytest.mark.parametrize("rule", [f"TR{n:03d}" for n in range(1, 12)])
def test_rule_documentation_fits_80_columns(rule: str) -> None:
    """Prose refills to the width; a YAML example moves its comments and continues its
    flow collections, so it is the same YAML."""
    _check(["explain", rule], (80, 50))


@pytest.mark.parametrize("path", ALL_TOPOLOGIES, ids=lambda p: p.stem)
def test_every_topology_fits_every_width(path: Path) -> None:
    for args in _runs(path):
        _check(args, (100, 80, 60, 40))


def test_report_how_to_test_and_double_failures_keep_a_hanging_indent() -> None:
    out = _invoke(["report", "--depth", "2", "--width", "80"])
    lines = out.splitlines()
    start = lines.index("How to test this")
    end = next(i for i, line in enumerate(lines) if line.startswith("Double failures"))
    section = lines[start + 1 : end]
    assert all(line.startswith("  ") for line in section if line), section
    assert "    CloudFormation; deploy it as stack toro-integrate-ha-fis beside the main" in lines
    assert "      (ExperimentZoneUsEast1b)" in lines  # the logical id whole, indented
    double = next(i for i, line in enumerate(lines) if line.startswith("Double failures"))
    assert lines[double + 1].startswith("  ") and not lines[double + 1].startswith("  us-")


def test_wrapped_commands_are_the_same_command_to_a_shell() -> None:
    """The backslash-continued lines of How to test this parse into the words of the
    one-line command (aws is replaced by a function printing its arguments)."""
    whole = _invoke(["report"])
    wrapped = _invoke(["report", "--width", "60"])
    one_line = [line.strip() for line in whole.splitlines() if "aws fis " in line]
    continued = re.findall(r"^ +(aws fis .*?[^\\])$", wrapped, re.M | re.S)
    assert len(continued) == len(one_line) > 0
    assert all("\\\n" in command for command in continued)

    def argv(command: str) -> str:
        script = f'aws() {{ printf "<%s>" "$@"; echo; }}\n{command}\n'
        done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True)
        return done.stdout

    for single, multi in zip(one_line, continued, strict=True):
        assert argv(multi) == argv(single)
        assert "--stack-name" in argv(single)


def _on_a_terminal(columns: int, *args: str) -> str:
    """The output of tiered run on a pseudo-terminal ``columns`` wide (COLUMNS unset)."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    process = subprocess.Popen(
        [*TIERED, *args], cwd=ROOT, stdin=follower, stdout=follower, stderr=follower, env=env
    )
    os.close(follower)
    chunks = []
    try:
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: the process has ended
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        process.wait(timeout=60)
        os.close(leader)
    text = b"".join(chunks).decode("utf-8").replace("\r\n", "\n")
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


@pytest.mark.parametrize(
    "args",
    [["report"], ["plan"], ["rules"], ["validate"], ["whatif", "--fail", "us-east-1b"]],
    ids=lambda a: a[0],
)
def test_a_terminal_80_columns_wide_gets_80_columns(args: list[str]) -> None:
    out = _on_a_terminal(80, *args)
    assert len(out.splitlines()) > 3, out
    assert not _too_long(out, 80), _too_long(out, 80)
    assert any(len(line) > 60 for line in out.splitlines())  # the width is used


def test_piped_output_is_unwrapped_unless_width_is_given() -> None:
    for args in (["report"], ["plan"], ["rules"], ["validate"]):
        piped = run_tiered(*args).stdout
        assert piped == _invoke(args), args  # the same as with no terminal at all
    report = run_tiered("report").stdout
    assert (
        "  • Fault tolerance: 1 — the smallest set of simultaneous failures that takes the "
        "system down has 1 (e.g. us-east-1b)." in report.splitlines()
    )
    assert any(
        line.startswith("      aws fis ") and line.endswith('--output text)"')
        for line in report.splitlines()
    )
    assert max(len(line) for line in run_tiered("rules").stdout.splitlines()) > 100
    narrow = run_tiered("report", "--width", "80").stdout
    assert not _too_long(narrow, 80)


def test_findings_wrap_with_a_hanging_indent_never_at_column_0() -> None:
    done = run_tiered("validate", "topology.yaml", "--width", "80")
    lines = done.stdout.splitlines()
    body = lines[1:-1]
    assert all(line.startswith(("  ", "errors", "warnings")) for line in body), body
    continued = [line for line in body if line.startswith("      ")]
    assert continued  # the long findings did wrap
    assert all(not line.rstrip().endswith(" ") for line in lines)


def test_piped_findings_stay_on_one_line() -> None:
    done = run_tiered("validate", "topology.yaml")
    findings = [line for line in done.stdout.splitlines() if ": TR0" in line]
    assert len(findings) == 6
    assert all(" — " in line for line in findings)  # message and fix on the same line


def test_hanging_keeps_short_lines_words_and_quoted_spans() -> None:
    assert hanging("  short", 80) == "  short"
    assert hanging("  a " + "x" * 100, 40) == "  a\n      " + "x" * 100  # no word is cut
    line = "  then accept it: `accept: [{rule: TR011, reason: ...}]`"
    assert hanging(line, 50) == "  then accept it:\n      `accept: [{rule: TR011, reason: ...}]`"
    paired = "  modes (`active-passive`, `active-active` with headroom, `count: 2`) or more"
    # Each span is paired with its own closing backquote: `count: 2` stays whole.
    assert hanging(paired, 40).splitlines()[-1] == "      `count: 2`) or more"
    long = "  see `" + " ".join(["word"] * 20) + "`"  # longer than a line: it wraps
    assert max(len(x) for x in hanging(long, 40).splitlines()) <= 40


@pytest.mark.parametrize(
    "command", ["validate", "plan", "report", "whatif", "rules", "explain", "init", "diff"]
)
def test_every_text_command_takes_the_same_width_option(command: str) -> None:
    done = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "200"})
    assert "--width COLUMNS" in done.output, done.output
    assert "unwrapped lines in pipes and files" in " ".join(done.output.split())


def test_width_below_40_is_a_usage_error() -> None:
    done = run_tiered("validate", "topology.yaml", "--width", "10")
    assert done.returncode == 2 and "Traceback" not in done.stderr
