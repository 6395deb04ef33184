"""The RDS-only subnet: a one-zone AWS topology's database still gets a valid subnet group.

RDS requires a DB subnet group over at least two availability zones, even for a single-AZ
instance that never leaves its zone. When an AWS topology declares one zone and holds a
database, each tier with a database gets one more, smallest (/28) subnet in another zone
of the region. It is planned like any subnet (carved after all the others, so no other
address moves), shown by ``tiered plan`` and rendered, but marked ``rds_only``: nothing
is placed there, no route table is associated with it, and the analysis does not count
its zone (the database stays in the zone the topology put it in).
"""

from __future__ import annotations

import ipaddress

from tiered import model
from tiered.placement.networks.base import Subnet
from tiered.placement.services import DatabaseService, ServicePlan

#: An RDS-only subnet is as small as AWS allows: nothing but RDS ever takes an address.
RDS_ONLY_PREFIX = 28
#: Regions whose zone letters skip ``b`` (``ap-northeast-1a``, ``-1c``, ``-1d``).
WITHOUT_B = frozenset({"ap-northeast-1"})


class NoRoomForRdsSubnet(Exception):
    """The network has no /28 left after the planned subnets."""


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


def rds_only_addresses(topology: model.Topology, services: dict[str, ServicePlan]) -> int:
    """Addresses the RDS-only subnets take: what the planner keeps free when sizing subnets."""
    return len(_rds_tiers(topology, services)) << (32 - RDS_ONLY_PREFIX)


def rds_only_subnets(
    topology: model.Topology,
    services: dict[str, ServicePlan],
    network: ipaddress.IPv4Network,
    cursor: int,
) -> list[Subnet]:
    """The RDS-only subnets a topology needs, carved from ``cursor`` (the first free address).

    Raises NoRoomForRdsSubnet when they do not fit in the network.
    """
    tiers = _rds_tiers(topology, services)
    if not tiers or topology.region is None:
        return []
    zone = second_zone(topology.region, topology.zones[0])
    subnets = []
    size = 1 << (32 - RDS_ONLY_PREFIX)
    for tier in tiers:
        if cursor + size > int(network.broadcast_address) + 1:
            raise NoRoomForRdsSubnet(tier)
        subnets.append(
            Subnet(
                name=f"{tier}-{zone}",
                tier=tier,
                zone=zone,
                cidr=ipaddress.IPv4Network((cursor, RDS_ONLY_PREFIX)),
                public=False,
                rds_only=True,
            )
        )
        cursor += size
    return subnets
