"""Golden diffs: the reference → the three-zone fix, in every format, byte for byte.

Regenerate with `make golden` (TIERED_REGEN_GOLDEN=1) and review the diff.
"""

from __future__ import annotations

import pytest

from .conftest import REGEN_GOLDEN, ROOT, run_tiered

GOLDEN = ROOT / "tests" / "golden" / "diff"
FORMATS = {
    "text": "reference-to-three-zones.txt",
    "markdown": "reference-to-three-zones.md",
    "json": "reference-to-three-zones.json",
    "sarif": "reference-to-three-zones.sarif",
}


@pytest.mark.parametrize("output_format", sorted(FORMATS))
def test_diff_golden(output_format: str) -> None:
    args = ("diff", "topology.yaml", "examples/reference-three-zones.yaml")
    done = run_tiered(*args, "--format", output_format)
    assert done.returncode == 0, done.stderr
    again = run_tiered(*args, "--format", output_format)
    assert again.stdout == done.stdout  # deterministic
    golden = GOLDEN / FORMATS[output_format]
    if REGEN_GOLDEN:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(done.stdout, encoding="utf-8")
    assert done.stdout == golden.read_text(encoding="utf-8")
