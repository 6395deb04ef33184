"""TR003 quorum-lost-with-zone: a quorum ensemble loses its majority when one zone fails.

A quorum (ZooKeeper, etcd, Consul) needs a strict majority of its members. When one zone
holds as many members as the ensemble can lose plus one, that zone's failure takes the
quorum, and everything that depends on it, down: three members over two zones always put
two in one zone.

*Anti-pattern*::

    zones: [us-east-1b, us-east-1c]
    ...
      zookeeper:
        count: 3          # 2 + 1: losing us-east-1b loses the quorum
        failover: quorum

*Best practice*: at most ``count - majority`` members per zone, which takes three zones
or more: 1+1+1 over three zones, or five members as 2+2+1.
"""

from __future__ import annotations

from collections.abc import Iterator

from tiered.findings import Finding, Severity
from tiered.rules.base import Context
from tiered.rules.spread import spread_fix

ID = "TR003"
NAME = "quorum-lost-with-zone"
SEVERITY = Severity.ERROR


def check(context: Context) -> Iterator[Finding]:
    plan = context.plan
    for name, service in plan.services.items():
        if service.failover != "quorum" or len(service.per_zone) < 2:
            continue  # single-zone ensembles: TR002 (or TR007)
        majority = service.survivors_needed
        lost_with = [z for z in service.per_zone if name in context.down_when_zone_fails(z)]
        if not lost_with:
            continue
        zone = lost_with[0]
        held = service.per_zone[zone]
        message = (
            f"losing {zone} (holding {held} of {service.count}) loses the quorum: "
            f"{service.count - held} left, a majority needs {majority}"
        )
        fix, edits = spread_fix(context, name)
        yield context.finding(ID, SEVERITY, name, tuple(lost_with), message, fix, edits=edits)
