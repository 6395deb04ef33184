"""mypy on tiered, with the top-level ``renderers/`` checked under its import name.

The modules of ``renderers/x.py`` are imported as ``tiered.renderers.x``: the wheel puts the
folder inside ``tiered/`` (pyproject.toml) and a checkout finds it through
``tiered/__init__.py``. mypy names a module after its path and has no option that renames a
folder, so plain ``mypy`` cannot reach them. This script runs mypy as pyproject.toml
configures it (``[tool.mypy]``: strict, the pydantic plugin, the overrides) and adds every
module of ``renderers/`` to the sources under its ``tiered.renderers`` name, as the symlink
that used to join the two did. Arguments are passed to mypy; the exit code is mypy's.

Usage: ``python scripts/typecheck.py`` (``make typecheck``).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from mypy import util
from mypy.fscache import FileSystemCache
from mypy.main import process_options, run_build
from mypy.modulefinder import BuildSource

ROOT = Path(__file__).resolve().parent.parent
RENDERERS = "renderers"
IMPORT_NAME = "tiered.renderers"


def renderers_sources(root: Path = ROOT) -> list[BuildSource]:
    """Every module of ``root/renderers`` as a source named ``tiered.renderers...``."""
    folder = root / RENDERERS
    sources = []
    for path in sorted(folder.rglob("*.py")):
        parts = path.relative_to(folder).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        module = ".".join((IMPORT_NAME, *parts))
        shown = path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path
        sources.append(BuildSource(str(shown), module, base_dir=str(root)))
    return sources


def main(args: list[str]) -> int:
    """Type-check tiered and renderers; mypy's exit code (0 clean, 1 errors, 2 blocking)."""
    started = time.time()
    fscache = FileSystemCache()
    sources, options = process_options(args, fscache=fscache)
    named = {source.module for source in sources}
    sources += [s for s in renderers_sources() if s.module not in named]
    _result, messages, blocked = run_build(
        sources, options, fscache, started, sys.stdout, sys.stderr
    )
    errors, notes, files = util.count_stats(messages)
    color = options.color_output
    formatter = util.FancyFormatter(sys.stdout, sys.stderr, options.hide_error_codes)
    if errors:
        print(
            formatter.format_error(errors, files, len(sources), blockers=blocked, use_color=color)
        )
    elif notes == len(messages):
        print(formatter.format_success(len(sources), color))
    if len(messages) > notes:
        return 2 if blocked else 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
