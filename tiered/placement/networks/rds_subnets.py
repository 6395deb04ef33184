"""The RDS-only subnet: a one-zone AWS topology's database still gets a valid subnet group.

RDS requires a DB subnet group over at least two availability zones, even for a single-AZ
instance that never leaves its zone. When an AWS topology declares one zone and holds a
database, each tier with a database gets one more subnet in another zone of the region. It
is planned like any subnet of the tier, in that zone's slot (``zone_slots``), so that
declaring the zone later turns it into the tier's subnet there without moving it; it is
shown by ``tiered plan`` and rendered, but marked ``rds_only``: nothing is placed there, no
route table is associated with it, and the analysis does not count its zone (the database
stays in the zone the topology put it in).
"""

from __future__ import annotations

from tiered import model
from tiered.placement.services import DatabaseService, ServicePlan

#: Regions whose zone letters skip ``b`` (``ap-northeast-1a``, ``-1c``, ``-1d``).
WITHOUT_B = frozenset({"ap-northeast-1"})


def second_zone(region: str, zone: str) -> str:
    """Another availability zone of ``region`` than ``zone``: ``a``, or ``b`` (``c``) after it.

    The CloudFormation template takes every zone as a parameter, so where the account's
    zone letters differ, the stack is deployed with another value, not another template.
    """
    letter = zone.removeprefix(region)
    if letter != "a":
        return f"{region}a"
    return f"{region}{'c' if region in WITHOUT_B else 'b'}"


def _rds_tiers(topology: model.Topology, services: dict[str, ServicePlan]) -> list[str]:
    if topology.provider != "aws" or len(topology.zones) != 1 or topology.region is None:
        return []
    return list(dict.fromkeys(s.tier for s in services.values() if isinstance(s, DatabaseService)))


def rds_only_keys(
    topology: model.Topology, services: dict[str, ServicePlan]
) -> list[tuple[str, str]]:
    """(tier, zone) of each RDS-only subnet the topology needs."""
    tiers = _rds_tiers(topology, services)
    if not tiers or topology.region is None:
        return []
    zone = second_zone(topology.region, topology.zones[0])
    return [(tier, zone) for tier in tiers]
