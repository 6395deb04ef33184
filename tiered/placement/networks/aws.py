"""The AWS network plan: a VPC with a subnet per tier and zone, NAT gateways, RDS subnets.

AWS reserves the first four and the last address of every subnet, allows subnets from /16
to /28, routes the private subnets' egress through NAT gateways in a public subnet (an
egress-only one per zone when no tier is public) and needs a DB subnet group over two zones
(``rds_subnets``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from tiered import model
from tiered.placement.networks.base import NetworkBase, Subnet
from tiered.placement.networks.carving import Carver, Key, PlanError
from tiered.placement.networks.rds_subnets import (
    NoRoomForRdsSubnet,
    rds_only_addresses,
    rds_only_subnets,
)
from tiered.placement.services import ServicePlan


@dataclass(frozen=True, slots=True, kw_only=True)
class AwsNetwork(NetworkBase):
    """The VPC of an AWS plan in one region."""

    provider: Literal["aws"] = field(default="aws", init=False)
    region: str | None = None

    @property
    def entry_segment(self) -> Subnet | None:
        """None: a VPC has no stretched segment (VRRP does not work in one)."""
        return None


class AwsCarver(Carver):
    """Carving with AWS's reserved addresses, NAT gateways and RDS-only subnets."""

    RESERVED = (4, 1)
    SMALLEST_SUBNET = 28
    LARGEST_SUBNET = 16

    def _layout(self) -> list[Key]:
        """Egress subnets first when no tier is public (the NAT gateways need one)."""
        keys: list[Key] = []
        if not self.public_tiers:
            keys.extend((None, zone) for zone in self.zones)
        return keys + super()._layout()

    def _nat_zones(self) -> list[tuple[str, tuple[str, ...]]]:
        if self.topology.network.nat == "single":
            return [(self.zones[0], self.zones)]
        return [(zone, (zone,)) for zone in self.zones]

    def _kept_free(self) -> int:
        return rds_only_addresses(self.topology, self.services)

    def _extra_subnets(self, cursor: int) -> list[Subnet]:
        try:
            return rds_only_subnets(self.topology, self.services, self.network, cursor)
        except NoRoomForRdsSubnet as error:
            raise PlanError(
                f"network {self.network} has no room left for the second subnet RDS needs "
                f"in the DB subnet group of tier '{error.args[0]}' (a /28 in another zone)",
                "use a larger network",
                ("network", "cidr"),
            ) from None


def plan_aws(topology: model.Topology, services: dict[str, ServicePlan]) -> AwsNetwork:
    """The VPC of a valid AWS topology; raises PlanError when it does not fit."""
    carver = AwsCarver(topology, services)
    carved = carver.run()
    return AwsNetwork(
        cidr=carver.network,
        region=topology.region,
        subnets=carved.subnets,
        blocks=carved.blocks,
        addressing=carved.addressing,
        nat=topology.network.nat,
        nat_gateways=carved.nat_gateways,
        endpoints=carved.endpoints,
    )
