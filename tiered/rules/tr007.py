"""TR007 single-zone-topology: one zone for everything, or every zone's egress through one NAT.

With a single zone, no amount of replicas survives the loss of the zone: the whole system
shares one failure domain. With ``network.nat: single``, the private subnets of every zone
reach the internet through one NAT gateway in one zone: losing that zone cuts the egress
of the others.

*Anti-pattern*::

    zones: [us-east-1a]

*Best practice*: two zones or more (three for quorum ensembles), and ``nat: per-zone``
(the default): each zone's egress stays in the zone.
"""

from __future__ import annotations

from collections.abc import Iterator

from tiered.findings import Finding, Severity
from tiered.rules.base import Context, new_zones
from tiered.rules.edits import Edit

ID = "TR007"
NAME = "single-zone-topology"
SEVERITY = Severity.WARNING


def check(context: Context) -> Iterator[Finding]:
    plan = context.plan
    if len(plan.zones) == 1:
        zone = plan.zones[0]
        (more,) = new_zones(plan, 1) or ["a second zone"]
        yield context.finding(
            ID,
            SEVERITY,
            None,
            (zone,),
            f"the topology uses one zone ({zone}): its loss takes everything down",
            f"add a zone: `zones: [{zone}, {more}]` and spread the replicas over both",
            location=context.locate(None, "zones"),
            edits=(Edit(("zones",), [zone, more]),),
        )
    if plan.provider == "aws" and plan.nat == "single" and len(plan.zones) > 1:
        gateway = plan.nat_gateways[0]
        yield context.finding(
            ID,
            SEVERITY,
            None,
            plan.zones,
            f"egress of {len(plan.zones)} zones goes through one NAT gateway in "
            f"{gateway.zone}: losing it cuts the internet access of the others",
            "use `nat: per-zone` (one NAT gateway per zone)",
            location=context.locate(None, "network", "nat", key=False),
            edits=(Edit(("network", "nat"), "per-zone"),),
        )
