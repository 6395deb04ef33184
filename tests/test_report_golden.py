"""Golden reports: every topology's Markdown review (depth 2), JSON report and fault tree.

Regenerate with `make golden` (TIERED_REGEN_GOLDEN=1) and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import REGEN_GOLDEN, ROOT, run_tiered

GOLDEN = ROOT / "tests" / "golden"
OUTPUTS = {
    "report.md": ["--format", "markdown", "--depth", "2"],
    "report.json": ["--format", "json"],
    "fault-tree.xml": ["--format", "mef"],
}


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_report_golden(topology_path: Path, name: str) -> None:
    relative = topology_path.relative_to(ROOT).as_posix()
    done = run_tiered("report", relative, *OUTPUTS[name])
    assert done.returncode == 0, done.stderr
    golden = GOLDEN / topology_path.stem / "report" / name
    if REGEN_GOLDEN:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(done.stdout, encoding="utf-8")
    assert done.stdout == golden.read_text(encoding="utf-8")
