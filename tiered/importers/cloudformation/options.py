"""What the user tells an import that the template cannot: parameters, region, zones.

The command line sets the options once per process (``tiered --param K=V validate
stack.yaml``, or the options of ``tiered import cloudformation``); the loading hook reads
them, so every command that reads a topology reads a template the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """Parameter values, region, subnet → zone mapping and where nested templates are."""

    parameters: dict[str, str] = field(default_factory=dict)
    region: str | None = None
    zones: dict[str, str] = field(default_factory=dict)
    template_dir: str | None = None
    #: Read every file as a template (``--from cloudformation``), not only detected ones.
    forced: bool = False


_current = ImportOptions()


def current() -> ImportOptions:
    """The options in force for this process."""
    return _current


def use(options: ImportOptions) -> None:
    """Set the options every later import of this process reads."""
    global _current
    _current = options
