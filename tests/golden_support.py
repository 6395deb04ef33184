"""Golden files: rendered outputs compared with the copies checked in under tests/golden/."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from tests.conftest import REGEN_GOLDEN


def check_goldens(folder: Path, files: Mapping[str, str], under: str) -> None:
    """Each file equals its golden copy in ``folder`` (rewritten with TIERED_REGEN_GOLDEN=1),
    and ``folder/under`` holds no golden file that the renderer no longer writes."""
    for name, text in files.items():
        golden = folder / name
        if REGEN_GOLDEN:
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(text, encoding="utf-8")
        assert golden.read_text(encoding="utf-8") == text, f"{golden} differs: make golden"
    written = {str(p.relative_to(folder)) for p in (folder / under).rglob("*") if p.is_file()}
    assert written == set(files), f"stale golden files under {folder / under}: remove them"
