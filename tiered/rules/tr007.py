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
from tiered.rules.base import Context
from tiered.rules.edits import Edit, add_zones, changes, zones_to_add

ID = "TR007"
NAME = "single-zone-topology"
SEVERITY = Severity.WARNING
NAT_PER_ZONE = (Edit(("network", "nat"), "per-zone"),)


def check(context: Context) -> Iterator[Finding]:
    plan = context.plan
    if len(plan.zones) == 1:
        zone = plan.zones[0]
        fix, edits = add_zones(plan, zones_to_add(plan, 2))
        if plan.provider == "aws" and plan.network.nat == "single":  # else a second finding follows
            fix, edits = f"{fix} and {changes(NAT_PER_ZONE)}", (*edits, *NAT_PER_ZONE)
        yield context.finding(
            ID,
            SEVERITY,
            None,
            (zone,),
            f"the topology uses one zone ({zone}): its loss takes everything down",
            f"{fix}; the services' own findings say how to spread them",
            location=context.locate(None, "zones"),
            edits=edits,
        )
    if plan.provider == "aws" and plan.network.nat == "single" and len(plan.zones) > 1:
        gateway = plan.network.nat_gateways[0]
        yield context.finding(
            ID,
            SEVERITY,
            None,
            plan.zones,
            f"egress of {len(plan.zones)} zones goes through one NAT gateway in "
            f"{gateway.zone}: losing it cuts the internet access of the others",
            changes(NAT_PER_ZONE) + " (one NAT gateway per zone)",
            location=context.locate(None, "network", "nat", key=False),
            edits=NAT_PER_ZONE,
        )
