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
from tiered.placement.networks import zone_slots
from tiered.placement.networks.base import NetworkBase, Subnet
from tiered.placement.networks.carving import Carver, Key
from tiered.placement.networks.rds_subnets import rds_only_keys
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

    def _zone_slots(self, zones: list[str]) -> dict[str, int]:
        """The zone's letter: the same slot in every topology of the region."""
        if self.topology.region is None:
            return super()._zone_slots(zones)
        return zone_slots.letter_slots(zones, self.topology.region)

    def _extra_keys(self) -> list[Key]:
        return [(tier, zone) for tier, zone in rds_only_keys(self.topology, self.services)]


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
        zone_slots=carved.zone_slots,
        nat=topology.network.nat,
        nat_gateways=carved.nat_gateways,
        endpoints=carved.endpoints,
    )
