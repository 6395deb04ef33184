"""The example topologies, shipped inside the package: what ``tiered init`` writes.

The wheel carries ``examples/*.yaml`` and the reference ``topology.yaml`` as
``tiered/examples/`` (pyproject.toml, force-include), so a pip user has every file the
help texts mention. In a source checkout (editable install) they are read from the
repository instead. Names are the file stems; ``topology`` is the reference.

Every example opens with a one-sentence summary (what ``tiered init --list`` shows), then a
blank comment line, and its comments never point at files of the repository: written under
any name in an empty folder, they still make sense.
"""

from __future__ import annotations

from pathlib import Path

#: What ``tiered init`` writes without --example: the reference architecture, the file the
#: README's tour runs on (deliberately imperfect; its comments name the fixed example).
DEFAULT = "topology"


def _folders() -> list[Path]:
    package = Path(__file__).parent
    return [package / "examples", package.parent / "examples"]


def examples() -> dict[str, Path]:
    """Example name → file, sorted by name."""
    found: dict[str, Path] = {}
    for folder in _folders():
        if folder.is_dir():
            for path in sorted(folder.glob("*.yaml")):
                found.setdefault(path.stem, path)
            reference = folder / "topology.yaml"
            if not reference.exists():
                reference = folder.parent / "topology.yaml"
            if reference.exists():
                found.setdefault("topology", reference)
            break
    return dict(sorted(found.items()))


def example_text(name: str) -> str:
    """The text of example ``name``; KeyError for an unknown one."""
    return examples()[name].read_text(encoding="utf-8")


def summary(name: str) -> str:
    """The one-sentence summary example ``name`` opens with (its first comment line)."""
    first = example_text(name).split("\n", 1)[0]
    return first.removeprefix("#").strip()
