"""The on-premises network plan: racks as zones, a subnet per tier and rack, the entry segment.

On premises the network, gateway and broadcast addresses of a subnet are reserved, subnets
go down to /30, and the site's routers (not planned here) carry egress. An active-passive
NGINX entry pair with a virtual IP is addressed in one segment stretched over its racks
(``entry_segment``), carved around the VIP above the per-zone subnets and their zone slots;
a VIP where no such segment fits is refused with what it collides with.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Literal

from tiered import model
from tiered.placement.networks.base import NetworkBase, Subnet
from tiered.placement.networks.carving import Carver, Key, PlanError
from tiered.placement.networks.entry_segment import SegmentSpec, reserved_role, segment_spec
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
        """Prefixes of the per-zone subnets, and the entry segment around the VIP above them."""
        if self.segment is None:
            return super()._fit(layout, demand, width)
        prefixes, on_top = self._fit_on_top(layout, demand, width)
        if self.segment.vip is None:
            return prefixes, on_top
        free_from = int(self.network.network_address) + self._used(prefixes, width)
        around = self.segment.around_vip(self.network, free_from)
        if around is None:
            raise self._vip_collision(self.segment, prefixes, width, free_from, on_top)
        return prefixes, around

    def _fit_on_top(
        self, layout: list[Key], demand: dict[Key, int], width: int
    ) -> tuple[dict[str | None, int], Subnet]:
        """Prefixes of the per-zone subnets with room for the entry segment on top of the
        network, and that segment: the sizes the segment around the VIP gets too."""
        assert self.segment is not None
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

    def _vip_collision(
        self,
        segment: SegmentSpec,
        prefixes: dict[str | None, int],
        width: int,
        free_from: int,
        on_top: Subnet,
    ) -> PlanError:
        """Why no entry segment can be carved around the VIP, and where the VIP could go."""
        assert segment.vip is not None
        vip = segment.vip
        pair = f"the entry segment of {segment.service} (one VLAN over {', '.join(segment.zones)})"
        last = on_top.cidr.broadcast_address - 1
        above = (
            f"pick a host address above {ipaddress.IPv4Address(free_from - 1)}, where the "
            f"per-zone subnets and their zone slots end, e.g. `vip: {last}`"
        )
        if int(vip) < free_from:
            return self._refusal(f"vip {vip} is {self._slot_of(vip, prefixes, width)}", pair, above)
        largest = next(segment.candidates(self.network))
        role = reserved_role(vip, largest)
        if int(largest.network_address) >= free_from and role is not None:
            return PlanError(
                f"vip {vip} is the {role} address of the entry segment {segment.name} "
                f"{largest} that would be carved around it (network, gateway and broadcast "
                "addresses are reserved)",
                f"pick a host address of {largest} above the pair's "
                f"{segment.count} nodes, e.g. `vip: {largest.broadcast_address - 1}`",
                ("entry", "vip"),
                code="vip-outside-segment",
            )
        smallest = max(segment.prefixes())
        return self._refusal(
            f"vip {vip} is too close to the per-zone subnets and their zone slots, which end at "
            f"{ipaddress.IPv4Address(free_from - 1)}: a segment around it (a /{smallest} at "
            "least) would overlap them",
            pair,
            above,
        )

    @staticmethod
    def _refusal(what: str, pair: str, hint: str) -> PlanError:
        return PlanError(
            f"{what}, so {pair} cannot be carved around it",
            hint,
            ("entry", "vip"),
            code="vip-outside-segment",
        )

    def _slot_of(
        self, ip: ipaddress.IPv4Address, prefixes: dict[str | None, int], width: int
    ) -> str:
        """The per-zone subnet, or the zone slot kept for a later zone, that holds ``ip``."""
        for tier, start in self._runs(prefixes, width).items():
            size = 1 << (32 - prefixes[tier])
            if not start <= int(ip) < start + width * size:
                continue
            slot = (int(ip) - start) // size
            cidr = ipaddress.IPv4Network((start + slot * size, prefixes[tier]))
            zone = next((z for z in self.zones if self.slots.get(z) == slot), None)
            if zone is not None:
                return f"inside the subnet {tier}-{zone} {cidr} (tier '{tier}', zone {zone})"
            return (
                f"inside {cidr}, the zone slot {slot} that tier '{tier}' keeps for a zone added "
                "later (so that adding a zone moves no subnet)"
            )
        return "inside the per-zone subnets"  # not reached: the runs cover every address below


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
