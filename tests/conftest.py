"""Shared fixtures: paths of the repository, its examples and the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
ALL_TOPOLOGIES = [*EXAMPLES, ROOT / "topology.yaml"]
TIERED = [sys.executable, "-m", "tiered"]
REGEN_GOLDEN = os.environ.get("TIERED_REGEN_GOLDEN") == "1"


def run_tiered(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a fresh process and capture its output."""
    return subprocess.run(
        [*TIERED, *args],
        cwd=cwd or ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(params=ALL_TOPOLOGIES, ids=lambda p: p.stem)
def topology_path(request: pytest.FixtureRequest) -> Path:
    """Every example and the reference topology."""
    return Path(request.param)
