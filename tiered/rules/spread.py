"""The fix shared by a compute service's findings: a layout that survives any single failure.

TR001, TR002, TR003, TR004 and TR005 all ask one thing of a compute service: that it
stays up when any one instance or any one zone fails (and, for a quorum, that its
count is odd). Each finding suggests the same target, so that fixing one never trades
it for another on the same service:

* the fewest zones: the service's own ``zones`` when they are enough (two, three for a
  quorum, since a quorum over two zones always puts a majority in one), else all the
  topology's zones (the service's ``zones`` are removed), else the topology gains zones;
* ``failover: none`` becomes active-passive for a single replica, else active-active;
* then the smallest count (not below the current one) whose balanced spread leaves enough
  replicas when the fullest zone fails: ``min_healthy`` for active-active, one for
  active-passive, a strict majority (of an odd count) for a quorum;
* a service with a ``placement`` gets the balanced one (extra replicas where it has the
  most today); one without gets only a new count, which the planner spreads round-robin.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from tiered.placement.plan import ServicePlan
from tiered.placement.planner import round_robin
from tiered.rules.base import Context, number_word, plural
from tiered.rules.edits import DROP, Edit, add_zones, changes, then, written, zones_to_add
from tiered.software import survivors_needed

#: Zones a failover mode needs so that one zone's loss leaves enough replicas.
MIN_ZONES = {"quorum": 3}


@dataclass(frozen=True, slots=True)
class Target:
    """Where a service ends up: its count, replicas per zone, failover and zones added."""

    count: int
    layout: dict[str, int]
    failover: str
    added: list[str]


def survives(failover: str, count: int, min_healthy: int, zones: int) -> bool:
    """Whether ``count`` replicas spread evenly over ``zones`` survive any single failure."""
    if zones < 2 or count < 2 or (failover == "quorum" and count % 2 == 0):
        return False
    needed = survivors_needed(failover, count, min_healthy)
    return count - ceil(count / zones) >= needed  # implies count - 1 >= needed


def target(context: Context, service: ServicePlan) -> Target:
    """The layout the fix of a compute service aims at (see the module's documentation)."""
    plan = context.plan
    mode = service.failover
    if mode == "none":  # no replica may fail: one failover mode or the other
        mode = "active-passive" if service.count == 1 else "active-active"
    wanted = MIN_ZONES.get(mode, 2)
    added = zones_to_add(plan, wanted)
    scopes = [list(service.zones), list(plan.zones), [*plan.zones, *added]]
    zones = next(scope for scope in scopes if len(scope) >= wanted)
    if zones is not scopes[2]:
        added = []
    low = max(service.count, 2)
    count = next(
        n
        for n in range(low, low + 2 * service.min_healthy + 4)
        if survives(mode, n, service.min_healthy, len(zones))
    )
    if written(context, (*service.path, "placement"), fallback=True):
        # Balanced, the extra replicas in the zones that hold the most today.
        base, extra = divmod(count, len(zones))
        fullest = sorted(zones, key=lambda z: (-service.per_zone.get(z, 0), zones.index(z)))
        heavy = set(fullest[:extra])
        layout = {z: base + (z in heavy) for z in zones if base + (z in heavy)}
    else:
        layout = round_robin(count, zones)
    return Target(count, layout, mode, added)


def spread_fix(context: Context, name: str) -> tuple[str, tuple[Edit, ...]]:
    """The fix text and edits moving compute service ``name`` to its target."""
    plan = context.plan
    service = plan.services[name]
    goal = target(context, service)
    path = service.path
    edits: list[Edit] = []
    if goal.count != service.count:
        edits.append(Edit((*path, "count"), goal.count))
    if goal.failover != service.failover:
        edits.append(Edit((*path, "failover"), goal.failover))
    placed = written(context, (*path, "placement"), fallback=True)
    if placed and goal.layout != service.per_zone:
        edits.append(Edit((*path, "placement"), goal.layout))
    widened = not set(goal.layout) <= set(service.zones)
    if widened and written(context, (*path, "zones"), fallback=True):
        edits.append(Edit((*path, "zones"), DROP))
    first, zone_edits = add_zones(plan, goal.added)
    said = changes(tuple(edits))
    noun = "member" if goal.failover == "quorum" else "replica"
    shape = "+".join(str(n) for n in goal.layout.values())
    over = f"{shape} over {number_word(len(goal.layout))} zones"
    if goal.layout == service.per_zone:  # only the failover mode changes
        text = f"{said}: any one replica may then fail"
    elif not said:
        text = f"the {plural(goal.count, noun)} run as {over}"
    else:
        verb = "spread the" if goal.count == service.count else "run"
        text = f"{verb} {plural(goal.count, noun)} as {over}: {said}"
    return then(first, text), (*zone_edits, *edits)
