"""Text output follows --width (the terminal's width by default); pipes get whole lines."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tests.conftest import ALL_TOPOLOGIES, run_tiered
from tiered.cli.main import app
from tiered.renderers.report.width import hanging


@pytest.mark.parametrize("command", ["validate", "report"])
def test_every_line_fits_the_width(command: str) -> None:
    for path in ALL_TOPOLOGIES:
        done = CliRunner().invoke(app, [command, str(path), "--width", "80"])
        assert done.exit_code in (0, 1), done.output
        # Shell commands (How to test this) are printed whole, to be copied as they are.
        lines = [line for line in done.stdout.splitlines() if "aws fis " not in line]
        long = [line for line in lines if len(line) > 80]
        assert not long, (path.name, long)


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


def test_hanging_keeps_short_lines_and_words() -> None:
    assert hanging("  short", 80) == "  short"
    assert hanging("  a " + "x" * 100, 40) == "  a\n      " + "x" * 100  # no word is cut


def test_width_below_40_is_a_usage_error() -> None:
    done = run_tiered("validate", "topology.yaml", "--width", "10")
    assert done.returncode == 2 and "Traceback" not in done.stderr
