"""The on-premises network plan: racks as zones, a subnet per tier and rack, the entry segment.

On premises the network, gateway and broadcast addresses of a subnet are reserved, subnets
go down to /30, and the site's routers (not planned here) carry egress. An active-passive
NGINX entry pair with a virtual IP is addressed in one segment stretched over its racks
(``entry_segment``), carved from the top of the network.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from tiered import model
from tiered.placement.networks.base import NetworkBase, Subnet
from tiered.placement.networks.carving import Carver, Key, PlanError
from tiered.placement.networks.entry_segment import SegmentSpec, segment_spec
from tiered.placement.services import ServicePlan


@dataclass(frozen=True, slots=True, kw_only=True)
class OnPremNetwork(NetworkBase):
    """The network of an on-premises plan (``provider: generic``)."""

    provider: Literal["generic"] = field(default="generic", init=False)

    @property
    def entry_segment(self) -> Subnet | None:
        """The one segment the VRRP entry pair and its VIP share, if any."""
        return next((s for s in self.subnets if s.stretched), None)


class OnPremCarver(Carver):
    """Carving with the entry segment of a VRRP pair on top of the network."""

    RESERVED = (2, 1)
    SMALLEST_SUBNET = 30

    def __init__(self, topology: model.Topology, services: dict[str, ServicePlan]) -> None:
        super().__init__(topology, services)
        self.segment = segment_spec(topology, services)

    def _fit(
        self, layout: list[Key], demand: dict[Key, int], width: int
    ) -> tuple[dict[str | None, int], Subnet | None]:
        """Prefixes of the per-zone subnets, and the entry segment in what is left on top."""
        if self.segment is None:
            return super()._fit(layout, demand, width)
        error: PlanError | None = None
        # First the subnets as they would be without the segment, beside the largest
        # segment that fits on top: adding the segment then moves nothing.
        try:
            alone = self._prefixes(layout, demand, self.network.num_addresses, width)
        except PlanError as failed:
            error = failed
        else:
            used = self._used(alone, width)
            for prefix in self.segment.prefixes():
                if prefix >= self.network.prefixlen and (
                    used + (1 << (32 - prefix)) <= self.network.num_addresses
                ):
                    return alone, self.segment.subnet(self.network, prefix)
        # A tight network: the per-zone subnets shrink to make room.
        for prefix in self.segment.prefixes():
            if prefix < self.network.prefixlen:
                continue
            budget = self.network.num_addresses - (1 << (32 - prefix))
            try:
                prefixes = self._prefixes(layout, demand, budget, width)
            except PlanError as failed:
                error = failed
                continue
            return prefixes, self.segment.subnet(self.network, prefix)
        raise _segment_error(self.segment, self.network, error)


def _segment_error(segment: SegmentSpec, network: object, error: PlanError | None) -> PlanError:
    """Why no entry segment fits beside the per-zone subnets."""
    smallest = max(segment.prefixes())
    message = (
        f"network {network} has no room for the entry segment of {segment.service} "
        f"(a /{smallest} at least) beside the per-zone subnets"
    )
    if error is not None:
        message += f": {error.message}"
    return PlanError(
        message,
        error.hint if error is not None else "use a larger network",
        ("network", "cidr"),
    )


def plan_onprem(topology: model.Topology, services: dict[str, ServicePlan]) -> OnPremNetwork:
    """The network of a valid on-premises topology; raises PlanError when it does not fit."""
    carver = OnPremCarver(topology, services)
    carved = carver.run()
    return OnPremNetwork(
        cidr=carver.network,
        subnets=carved.subnets,
        blocks=carved.blocks,
        addressing=carved.addressing,
        zone_slots=carved.zone_slots,
        nat=topology.network.nat,
        endpoints=carved.endpoints,
    )
