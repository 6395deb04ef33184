"""The importer registry: the ``tiered.importers`` entry points, by name.

An importer plugin is a package that registers an ``Importer`` subclass (or instance)
under ``[project.entry-points."tiered.importers"]``; ``tiered validate FILE`` and every
other command then read such files through it, and ``--from NAME`` forces it.

Built-in importers are registered in pyproject.toml like any plugin, and also listed in
``BUILT_IN`` (a test holds the two equal): detecting a template or a topology then costs
no scan of every installed package's entry points. Installed plugins are scanned only
for a file that neither a built-in importer claims nor looks like a topology.
"""

from __future__ import annotations

import difflib
import re
from functools import cache
from typing import TYPE_CHECKING

from tiered.importers.base import Importer

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

GROUP = "tiered.importers"

#: The importers shipped with tiered, as registered in pyproject.toml.
BUILT_IN: dict[str, str] = {
    "cloudformation": "tiered.importers.cloudformation:CloudFormationImporter",
}

#: A topology file's own top-level key: such a file is read by no importer.
_TOPOLOGY_KEY = re.compile(rb"(?m)^tiers[ \t]*:")

_registered: dict[str, Importer] = {}


class UnknownImporter(Exception):
    """No importer of that name is installed."""

    def __init__(self, name: str, known: list[str]) -> None:
        close = difflib.get_close_matches(name, known, n=1)
        self.hint = f"did you mean '{close[0]}'?" if close else f"use one of: {', '.join(known)}"
        self.message = f"'{name}' is not a format tiered reads"
        super().__init__(self.message)


def register(importer: Importer) -> None:
    """Add an importer for this process (tests, embedding applications); it is consulted
    before installed plugins and after the built-in ones."""
    _registered[importer.name] = importer


def unregister(name: str) -> None:
    """Remove an importer added with ``register``."""
    _registered.pop(name, None)


@cache
def _plugins() -> dict[str, EntryPoint]:
    """Installed importer entry points that are not built in."""
    from importlib.metadata import entry_points

    return {ep.name: ep for ep in entry_points(group=GROUP) if ep.name not in BUILT_IN}


@cache
def _load(name: str, value: str) -> Importer:
    """The importer an entry point's ``module:attribute`` names (a class is instantiated)."""
    import importlib

    module, _, attribute = value.partition(":")
    loaded: object = importlib.import_module(module.strip())
    for part in attribute.strip().split(".") if attribute.strip() else []:
        loaded = getattr(loaded, part)
    importer = loaded() if isinstance(loaded, type) else loaded
    if not isinstance(importer, Importer):
        raise TypeError(f"entry point {name} = {value} is not a tiered Importer")
    return importer


def names() -> list[str]:
    """Names of every importer: built-in, registered and installed, sorted."""
    return sorted({*BUILT_IN, *_registered, *_plugins()})


def get(name: str) -> Importer:
    """The importer called ``name``; raises UnknownImporter with a suggestion."""
    if name in BUILT_IN:
        return _load(name, BUILT_IN[name])
    if name in _registered:
        return _registered[name]
    entry = _plugins().get(name)
    if entry is None:
        raise UnknownImporter(name, names())
    return _load(name, entry.value)


def claiming(path: str, head: bytes) -> Importer | None:
    """The importer whose ``sniff`` claims the file (its bytes ``head``), or None.

    Built-in importers first, then registered ones; installed plugins only when the file
    does not look like a topology (so reading a topology scans no entry points)."""
    for name, value in BUILT_IN.items():
        importer = _load(name, value)
        if importer.sniff(head):
            return importer
    for importer in _registered.values():
        if importer.sniff(head):
            return importer
    if _TOPOLOGY_KEY.search(head):
        return None
    for name, entry in _plugins().items():
        importer = _load(name, entry.value)
        if importer.sniff(head):
            return importer
    return None
