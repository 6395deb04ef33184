"""TR005 active-active-below-min-healthy: a zone failure leaves too few replicas to carry the load.

``min_healthy`` says how many replicas the load needs. When a zone fails, the replicas
in the other zones must still number ``min_healthy`` or more, or the service is down (or
overloaded, which comes to the same thing).

*Anti-pattern*::

    zones: [us-east-1b, us-east-1c]
    ...
      api:
        count: 4          # 2 + 2
        min_healthy: 3    # losing a zone leaves 2

*Best practice*: size each zone's share so that the others carry ``min_healthy`` alone:
``count - max(replicas in a zone) >= min_healthy``; add replicas (or zones) until it holds.
"""

from __future__ import annotations

from collections.abc import Iterator

from tiered.findings import Finding, Severity
from tiered.rules.base import Context
from tiered.rules.spread import spread_fix

ID = "TR005"
NAME = "active-active-below-min-healthy"
SEVERITY = Severity.ERROR


def check(context: Context) -> Iterator[Finding]:
    plan = context.plan
    if len(plan.zones) < 2:
        return  # nothing survives a zone loss in one zone: TR007
    for name, service in plan.services.items():
        if service.failover != "active-active" or len(service.per_zone) < 2:
            continue  # single-zone services: TR002
        short = [z for z in service.per_zone if name in context.down_when_zone_fails(z)]
        if not short:
            continue
        zone = max(short, key=lambda z: service.per_zone[z])
        left = service.count - service.per_zone[zone]
        message = (
            f"losing {zone} leaves {left} of {service.count} replicas, "
            f"below min_healthy {service.min_healthy}"
        )
        fix, edits = spread_fix(context, name)
        yield context.finding(ID, SEVERITY, name, tuple(short), message, fix, edits=edits)
