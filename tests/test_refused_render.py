"""A renderer that does not apply to the file's content points at the key that is the
reason: ``file:line:col: what — how to fix it``, exit 2, nothing written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_tiered


def _line_of(path: Path, key: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(f"{key}:"))


@pytest.mark.parametrize(
    ("renderer", "example", "hint"),
    [
        ("keepalived", "topology.yaml", "keepalived is for `provider: generic`"),
        ("cloudformation", "examples/onprem-generic.yaml", "set provider: aws"),
        ("fis", "examples/onprem-generic.yaml", "tiered whatif --fail NAME"),
    ],
)
def test_a_renderer_for_another_provider_is_located_at_provider(
    tmp_path: Path, renderer: str, example: str, hint: str
) -> None:
    source = ROOT / example
    shutil.copy(source, tmp_path / "topo.yaml")
    done = run_tiered("render", renderer, "topo.yaml", "--out", "out", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    line = _line_of(source, "provider")
    first = done.stderr.splitlines()[0]
    assert first.startswith(f"topo.yaml:{line}:1: "), first
    assert " — " in first and hint in first.split(" — ", 1)[1], first
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()
