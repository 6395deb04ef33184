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
from tiered.rules.base import Context, number_word, shape
from tiered.rules.edits import Edit, add_zones, place, zones_with

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
        fix, edits = _fix(context, name)
        yield context.finding(ID, SEVERITY, name, tuple(lost_with), message, fix, edits=edits)


def _fix(context: Context, name: str) -> tuple[str, tuple[Edit, ...]]:
    """An odd ensemble over enough zones that no zone holds more than it may lose.

    The first option (the same count, made odd) comes with its edits; the second (two
    members more) is described only.
    """
    plan = context.plan
    service = plan.services[name]
    options: list[str] = []
    edits: tuple[Edit, ...] = ()
    first = ""
    for count in (service.count, service.count + 2):
        count = max(count, 3) | 1  # an odd ensemble of three or more
        spare = count - (count // 2 + 1)
        zones, added = zones_with(plan, ceil(count / spare))
        zones = zones[: ceil(count / spare)]
        layout = round_robin(count, zones)
        placed, place_edits = place(plan, service, layout)
        over = f"{shape(layout)} over {number_word(len(zones))} zones ({placed})"
        text = f"run {count} as {over}" if count != service.count else f"place {over}"
        if not options:
            first, zone_edits = add_zones(plan, added)
            edits = zone_edits + place_edits
        elif added and not first:
            text += f" after adding {', '.join(added)} to the topology's `zones`"
        if text not in options:
            options.append(text)
    return first + ", or ".join(options), edits
