"""TR001 single-point-of-failure: a service that one instance failure takes down.

A compute service with a single replica, a ``failover: none`` service, or an active-active
service whose ``min_healthy`` equals its count has no spare: losing any one instance takes
it down. A managed database with one instance (single-AZ RDS) has no standby to promote.

*Anti-pattern*::

    app:
      count: 1

*Best practice*: run at least two replicas in different zones with a failover mode that
survives the loss of one (``active-passive``, ``active-active`` with headroom, a
``quorum`` of three), or a Multi-AZ database (``count: 2``, ``primary-standby``).
"""

from __future__ import annotations

from collections.abc import Iterator

from tiered.findings import Finding, Severity
from tiered.placement.plan import Plan, ServicePlan
from tiered.placement.planner import round_robin
from tiered.rules.base import Context
from tiered.rules.edits import Edit, add_zones, place, zones_with

ID = "TR001"
NAME = "single-point-of-failure"
SEVERITY = Severity.ERROR


def check(context: Context) -> Iterator[Finding]:
    plan = context.plan
    for name, service in plan.services.items():
        if service.kind == "filesystem" or service.count - 1 >= service.survivors_needed:
            continue
        message, fix, edits = _advice(plan, service)
        yield context.finding(
            ID, SEVERITY, name, tuple(service.per_zone), message, fix, edits=edits
        )


def _advice(plan: Plan, service: ServicePlan) -> tuple[str, str, tuple[Edit, ...]]:
    """The message, the fix and the fix as edits of the file."""
    path = service.path
    if service.kind == "database":
        zones, added = zones_with(plan, 2)
        first, edits = add_zones(plan, added)
        zone = next(iter(service.per_zone))
        other = next(z for z in zones if z != zone)
        edits += (
            Edit((*path, "count"), 2),
            Edit((*path, "failover"), "primary-standby"),
            Edit((*path, "zones"), [zone, other]),
        )
        return (
            "a single-instance database: no standby to take over when it fails",
            first + f"set `count: 2`, `failover: primary-standby` (Multi-AZ) and "
            f"`zones: [{zone}, {other}]`",
            edits,
        )
    if service.count == 1 or service.failover == "quorum":
        quorum = service.failover == "quorum"
        count = 3 if quorum else 2
        spread = list(plan.zones[:count])
        text, edits = place(plan, service, round_robin(count, spread), count)
        text = text.removeprefix(f"count: {count}").removeprefix(", ")  # said by "run N"
        if service.count == 1:
            message = "a single replica: when its instance fails, the service is down"
        else:
            message = "a quorum of 2 needs both members: neither may fail"
        if quorum:
            return message, "run 3 members" + (f": {text}" if text else ""), edits
        mode = (
            "active-passive" if service.failover in ("none", "active-passive") else service.failover
        )
        edits += (Edit((*path, "failover"), mode),)
        return (
            message,
            f"run 2 replicas with `failover: {mode}`" + (f", {text}" if text else ""),
            edits,
        )
    if service.failover == "none":
        return (
            f"failover none over {service.count} replicas: any one failing takes it down",
            "use `failover: active-active` (or active-passive): any one replica may then fail",
            (Edit((*path, "failover"), "active-active"),),
        )
    layout = {zone: service.per_zone.get(zone, 0) for zone in plan.zones}
    emptiest = min(layout, key=lambda z: (layout[z], plan.zones.index(z)))
    layout[emptiest] += 1
    text, edits = place(plan, service, layout, service.count + 1)
    return (
        f"min_healthy {service.min_healthy} equals the count {service.count}: no replica may fail",
        f"add a replica in {emptiest} ({text}), or lower min_healthy",
        edits,
    )
