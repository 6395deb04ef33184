"""The diff benchmark runs (its figures are printed, never asserted)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.slow
def test_the_diff_benchmark_runs_on_a_small_topology() -> None:
    done = subprocess.run(
        [sys.executable, "benchmarks/diff.py", "--services", "60", "--zones", "3", "--runs", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "moved instances:" in done.stdout
    assert done.stdout.count("x\n") == 3  # the three whole-process ratios
