"""TR002 single-zone-service: all replicas of a service in one zone.

Replicas protect against instance failures, not against the zone they share: when that
zone fails, every replica fails with it. (Single-zone topologies are reported once by
TR007 instead; single-replica services by TR001.)

*Anti-pattern*::

    zones: [us-east-1b, us-east-1c]
    ...
      search:
        count: 2
        zones: [us-east-1b]

*Best practice*: spread the replicas over at least two zones (drop the ``zones``
restriction, or give a ``placement`` that uses several zones).
"""

from __future__ import annotations

from collections.abc import Iterator

from tiered.findings import Finding, Severity
from tiered.placement.planner import round_robin
from tiered.rules.base import Context, placement_text

ID = "TR002"
NAME = "single-zone-service"
SEVERITY = Severity.ERROR


def check(context: Context) -> Iterator[Finding]:
    plan = context.plan
    if len(plan.zones) < 2:
        return
    for name, service in plan.services.items():
        if len(service.per_zone) != 1 or (service.kind != "filesystem" and service.count < 2):
            continue
        (zone,) = service.per_zone
        if service.kind == "filesystem":
            message = f"the file system has a mount target in {zone} only"
            fix = f"list more zones: `zones: [{', '.join(plan.zones)}]` (or drop `zones`)"
        else:
            message = f"all {service.count} replicas are in {zone}: losing that zone takes it down"
            if service.kind == "database":
                fix = f"place the standby in another zone: `zones: [{', '.join(plan.zones[:2])}]`"
            else:
                spread = round_robin(service.count, list(plan.zones))
                fix = f"spread the replicas: placement {placement_text(spread)}"
        yield context.finding(ID, SEVERITY, name, (zone,), message, fix)
