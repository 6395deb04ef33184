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
from math import ceil

from tiered.findings import Finding, Severity
from tiered.placement.planner import round_robin
from tiered.rules.base import Context, new_zones, number_word, placement_text, shape

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
        yield context.finding(ID, SEVERITY, name, tuple(lost_with), message, _fix(context, name))


def _fix(context: Context, name: str) -> str:
    plan = context.plan
    service = plan.services[name]
    options: list[str] = []
    for count in (service.count, service.count + 2):
        count = max(count, 3) | 1  # an odd ensemble of three or more
        spare = count - (count // 2 + 1)
        zones_needed = ceil(count / spare)
        zones = list(plan.zones[:zones_needed])
        added = new_zones(plan, zones_needed - len(zones))
        layout = round_robin(count, [*zones, *added])
        text = f"{shape(layout)} over {number_word(zones_needed)} zones"
        if count != service.count:
            text = f"run {count} as {text}"
        elif added:
            noun = "zone" if len(added) == 1 else "zones"
            which = "a third" if zones_needed == 3 and len(added) == 1 else str(len(added))
            text = (
                f"add {which} {noun} ({', '.join(added)}) to `zones` and place "
                f"{shape(layout)} (placement: {placement_text(layout)})"
            )
        else:
            text = f"place {shape(layout)} (placement: {placement_text(layout)})"
        if text not in options:
            options.append(text)
    return ", or ".join(options)
