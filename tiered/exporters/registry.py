"""The exporter registry: the ``tiered.exporters`` entry points, by kind and name.

Entry points are named ``KIND.NAME`` (``render.cloudformation``, ``report.markdown``,
``plan.table``); the command line takes its choices, its error hints and its shell
completion from here, so a third-party exporter works in ``tiered render`` and
``--format`` like a built-in one.

Built-in exporters are registered in pyproject.toml like any plugin, and nowhere else:
``built_in()`` reads them from tiered's own distribution metadata, one small file, so
looking one of them up costs no scan of every installed package's entry points.
"""

from __future__ import annotations

import difflib
from functools import cache
from importlib.metadata import EntryPoint, PackageNotFoundError, distribution, entry_points
from typing import TYPE_CHECKING, Any, Literal, overload

from tiered.exporters.base import Exporter, Kind

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tiered.changes.model import Diff
    from tiered.pipeline import Result
    from tiered.rules.base import Rule

#: The kinds whose exporters read one pipeline Result.
ResultKind = Literal["render", "report", "plan", "validate", "diagram"]

GROUP = "tiered.exporters"

#: The distribution whose entry points are the built-in exporters.
DISTRIBUTION = "tiered"


class UnknownExporter(Exception):
    """No exporter of that kind and name is installed."""

    def __init__(self, kind: Kind, name: str, known: list[str]) -> None:
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"use one of: {', '.join(known)}"
        if not known:
            hint = "tiered's package metadata is missing or stale: reinstall tiered"
        what = "renderer" if kind == "render" else f"{kind} format"
        self.message, self.hint = f"unknown {what} '{name}'", hint
        super().__init__(self.message)


@cache
def built_in() -> dict[str, EntryPoint]:
    """The exporters shipped with tiered, as pyproject.toml registers them (read from the
    installed metadata of tiered alone); empty when that metadata is missing."""
    try:
        shipped = distribution(DISTRIBUTION).entry_points
    except PackageNotFoundError:
        return {}
    return {ep.name: ep for ep in shipped.select(group=GROUP)}


@cache
def _entries() -> dict[str, EntryPoint]:
    """Every exporter entry point: built-in ones first, installed plugins over them."""
    found = dict(built_in())
    found.update({ep.name: ep for ep in entry_points(group=GROUP)})
    return found


def names(kind: Kind) -> list[str]:
    """Names of the installed exporters of ``kind``, sorted."""
    prefix = f"{kind}."
    return sorted(key.removeprefix(prefix) for key in _entries() if key.startswith(prefix))


@overload
def get(kind: Literal["diff"], name: str) -> Exporter[Diff]: ...
@overload
def get(kind: Literal["rules"], name: str) -> Exporter[Sequence[Rule]]: ...
@overload
def get(kind: ResultKind, name: str) -> Exporter[Result]: ...
def get(kind: Kind, name: str) -> Exporter[Any]:
    """The exporter registered as ``KIND.NAME``; raises UnknownExporter with a suggestion."""
    key = f"{kind}.{name}"
    entry = built_in().get(key) or _entries().get(key)
    if entry is None:
        raise UnknownExporter(kind, name, names(kind))
    loaded = entry.load()
    exporter = loaded() if isinstance(loaded, type) else loaded
    if not isinstance(exporter, Exporter):
        raise TypeError(f"entry point {entry.name} = {entry.value} is not a tiered Exporter")
    return exporter


def every(kind: ResultKind) -> list[Exporter[Result]]:
    """Every installed exporter of ``kind``, in name order."""
    return [get(kind, name) for name in names(kind)]
