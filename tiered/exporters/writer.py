"""The one writer of output files: everything lands inside the output folder, atomically.

Renderers return their files as data; nothing touches the disk until every file of a
command has been produced, so an error never leaves partial output behind. Each file is
written to a temporary file beside its target and renamed over it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath


class UnsafeOutputPath(Exception):
    """A renderer asked to write outside its output folder."""


def safe_target(out_dir: Path, relative: str) -> Path:
    """The absolute target of ``relative`` inside ``out_dir``; refuses escapes."""
    pure = PurePosixPath(relative)
    if pure.is_absolute() or not pure.parts or any(p in ("..", "") for p in pure.parts):
        raise UnsafeOutputPath(f"refusing to write '{relative}': outside the output folder")
    root = out_dir.resolve()
    target = (root / pure).resolve()
    if root != target and root not in target.parents:
        raise UnsafeOutputPath(f"refusing to write '{relative}': it resolves outside {root}")
    return target


def write_files(out_dir: str | Path, files: Mapping[str, str | bytes]) -> list[Path]:
    """Write ``files`` (relative path → content) under ``out_dir``; returns the paths written."""
    root = Path(out_dir)
    targets = [(safe_target(root, name), content) for name, content in sorted(files.items())]
    written: list[Path] = []
    for target, content in targets:
        target.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode("utf-8") if isinstance(content, str) else content
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            Path(temp).chmod(0o644)
            Path(temp).replace(target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        written.append(target)
    return written
