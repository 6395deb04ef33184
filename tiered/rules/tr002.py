"""TR002 single-zone-service: all replicas of a service in one zone.

Replicas protect against instance failures, not against the zone they share: when that
zone fails, every replica fails with it. This holds whatever the number of zones the
topology declares: in a one-zone topology every replicated service is reported, each
naming the zone (an error, so that ``tiered validate`` fails whenever the loss of one
zone takes a service down), and TR007 adds one topology-wide warning. Single-replica
services are reported by TR001 instead. To run in one zone on purpose, accept the
finding on each service with a reason (``accept: [{rule: TR002, reason: ...}]``).

*Anti-pattern*::

    zones: [us-east-1b, us-east-1c]
    ...
      search:
        count: 2
        zones: [us-east-1b]

*Best practice*: spread the replicas over at least two zones (drop the ``zones``
restriction, or give a ``placement`` that uses several zones); in a one-zone topology,
add a zone first.
"""

from __future__ import annotations

from collections.abc import Iterator

from tiered.findings import Finding, Severity
from tiered.placement.services import ComputeService, FilesystemService
from tiered.rules.base import Context
from tiered.rules.edits import DROP, Edit, add_zones, changes, then, written, zones_to_add
from tiered.rules.spread import spread_fix

ID = "TR002"
NAME = "single-zone-service"
SEVERITY = Severity.ERROR


def check(context: Context) -> Iterator[Finding]:
    plan = context.plan
    for name, service in plan.services.items():
        if len(service.per_zone) != 1 or (
            not isinstance(service, FilesystemService) and service.count < 2
        ):
            continue
        (zone,) = service.per_zone
        where = f"{zone}, the topology's only zone" if len(plan.zones) < 2 else zone
        if isinstance(service, ComputeService):
            message = f"all {service.count} replicas are in {where}: losing that zone takes it down"
            fix, edits = spread_fix(context, name)
            yield context.finding(ID, SEVERITY, name, (zone,), message, fix, edits=edits)
            continue
        added = zones_to_add(plan, 2)
        first, zone_edits = add_zones(plan, added)
        pinned = written(context, (*service.path, "zones"), fallback=True)
        if isinstance(service, FilesystemService):
            message = f"the file system has a mount target in {where} only"
            own: tuple[Edit, ...] = (Edit((*service.path, "zones"), DROP),) if pinned else ()
            edited = then(first, changes(own))
            fix = (
                f"{edited}, for a mount target in each zone"
                if edited
                else f"add a mount target in each zone ({', '.join(plan.zones)})"
            )
        else:
            message = f"all {service.count} replicas are in {where}: losing that zone takes it down"
            other = next(z for z in [*plan.zones, *added] if z != zone)
            own = (Edit((*service.path, "zones"), [zone, other]),)
            fix = then(first, f"place the standby in another zone: {changes(own)}")
        edits = (*zone_edits, *own)
        yield context.finding(ID, SEVERITY, name, (zone,), message, fix, edits=edits)
