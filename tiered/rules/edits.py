"""Suggested fixes as edits of the topology file, so that they can be applied and checked.

A finding's ``edits`` are what its ``fix`` says, as data: set a key under a path (or drop
it). Applied to the file as written, they validate and remove the finding: the tests check
this over generated topologies. Rules build them with the helpers here, so that a fix
that spreads replicas always says (and does) what else it needs: the count that matches
the placement, dropping a service's ``zones`` restriction, adding a zone to the topology.
"""

from __future__ import annotations

import copy
from typing import Any, NamedTuple

from tiered.loading.loader import Path
from tiered.placement.plan import Plan, ServicePlan
from tiered.rules.base import new_zones, placement_text


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


def zones_with(plan: Plan, wanted: int) -> tuple[list[str], list[str]]:
    """At least ``wanted`` zones: the topology's, then new ones; and the new ones alone."""
    added = new_zones(plan, max(0, wanted - len(plan.zones)))
    return [*plan.zones, *added], added


def add_zones(plan: Plan, added: list[str]) -> tuple[str, tuple[Edit, ...]]:
    """Text and edit adding zones to the topology ('' and none when nothing is added)."""
    if not added:
        return "", ()
    zones = [*plan.zones, *added]
    return (
        f"add {'a zone' if len(added) == 1 else 'zones'} to the topology "
        f"(`zones: [{', '.join(zones)}]`), then ",
        (Edit(("zones",), zones),),
    )


def place(
    plan: Plan, service: ServicePlan, per_zone: dict[str, int], count: int | None = None
) -> tuple[str, tuple[Edit, ...]]:
    """Text and edits placing ``per_zone`` (count follows; a ``zones`` restriction goes)."""
    total = sum(per_zone.values())
    placement = {zone: n for zone, n in per_zone.items() if n}
    text = f"placement {placement_text(placement)}" if len(placement) > 1 else ""
    if count is not None or total != service.count or not text:
        text = f"count: {total}" + (f", {text}" if text else "")
    edits = [
        Edit((*service.path, "count"), total),
        Edit((*service.path, "placement"), placement),
        Edit((*service.path, "zones"), DROP),
    ]
    if service.zones != plan.zones and set(placement) - set(service.zones):
        text += "; drop the service's `zones`"
    return text, tuple(edits)
