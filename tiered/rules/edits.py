"""Suggested fixes as edits of the topology file, so that they can be applied and checked.

A finding's ``edits`` are its fix as data: set a key under a path (or remove it). The fix's
text is written from the same edits (``changes``, ``add_zones``), so that it states every
change the edits make and nothing drifts: a placement always comes with the count that
matches it, widening a service's zones is said, adding a zone to the topology is said (on
premises, with the new zone's name marked as a stand-in for the user's own). Applied to
the file as written, the edits validate and remove the finding without another error on
the service: the tests check this over generated topologies.
"""

from __future__ import annotations

import copy
from typing import Any, NamedTuple

from tiered.loading.loader import Path
from tiered.placement.plan import Plan
from tiered.rules.base import Context, new_zones, number_word


class Edit(NamedTuple):
    """Set ``path`` to ``value``; ``value`` DROP removes the key."""

    path: Path
    value: Any


DROP = object()


def apply_edits(data: dict[str, Any], edits: tuple[Edit, ...]) -> dict[str, Any]:
    """A copy of the topology data with ``edits`` applied."""
    changed = copy.deepcopy(data)
    for path, value in edits:
        node: Any = changed
        for key in path[:-1]:
            node = node[key]
        if value is DROP:
            node.pop(path[-1], None)
        else:
            node[path[-1]] = copy.deepcopy(value)
    return changed


def written(context: Context, path: Path, fallback: bool) -> bool:
    """Whether the file writes the key at ``path``; without a source map, ``fallback``."""
    if context.source is None:
        return fallback
    return tuple(path) in context.source.keys


def flow(value: object) -> str:
    """A value as YAML flow text: ``[a, b]``, ``{a: 1, b: 2}``, ``3``."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return str(value)


def listing(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def changes(edits: tuple[Edit, ...]) -> str:
    """What ``edits`` of one service do, in words: ``set `count: 3` and remove `zones```."""
    sets = [f"`{path[-1]}: {flow(value)}`" for path, value in edits if value is not DROP]
    drops = [f"`{path[-1]}`" for path, value in edits if value is DROP]
    parts = [f"set {listing(sets)}"] if sets else []
    parts += [f"remove {listing(drops)}"] if drops else []
    return " and ".join(parts)


def zones_to_add(plan: Plan, wanted: int) -> list[str]:
    """Names for the zones to add so that the topology has ``wanted`` (none if it has)."""
    return new_zones(plan, max(0, wanted - len(plan.zones)))


def add_zones(plan: Plan, added: list[str]) -> tuple[str, tuple[Edit, ...]]:
    """Text and edit adding zones to the topology ('' and none when nothing is added).

    On AWS the names are the region's next availability zones; on premises they stand in
    for the user's own names, and the text says so.
    """
    if not added:
        return "", ()
    zones = [*plan.zones, *added]
    what = "a zone" if len(added) == 1 else f"{number_word(len(added))} zones"
    text = f"add {what} to the topology: `zones: {flow(zones)}`"
    if plan.provider != "aws":
        if len(added) == 1:
            text += f" ({added[0]} stands for your new zone's name)"
        else:
            text += f" ({listing(added)} stand for your new zones' names)"
    return text, (Edit(("zones",), zones),)


def then(first: str, rest: str) -> str:
    """``first, then rest``, or either alone."""
    return f"{first}, then {rest}" if first and rest else first or rest
