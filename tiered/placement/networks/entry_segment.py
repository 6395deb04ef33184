"""The entry segment: one L2 segment (a VLAN stretched over the racks) for the VRRP pair.

On ``provider: generic`` the active-passive entry pair moves ``entry.vip`` with keepalived
(VRRP). Both halves of that protocol stay inside one broadcast domain: the adverts the
nodes exchange, and the gratuitous ARP with which the new holder of the virtual IP tells
its neighbours (the router first) where the address now lives. Per-zone subnets are
routed from one another, so a pair split over two of them cannot fail over: the router
keeps sending the VIP's traffic to the old rack. The pair therefore gets a segment of its
own that spans its zones: both nodes and the VIP are addressed inside it, and the VIP
carries its prefix.

The per-zone subnets are carved from the bottom of the network (``carving``), each tier's run
with its zone slots, and the segment is carved *around the VIP* the user gave (usually
already in DNS): the /24 that holds it, or the largest block that still fits, down to the
smallest that holds its reserved addresses, the pair and the VIP, above every per-zone
subnet and zone slot. Room for the segment is made as if it sat at the top of the network,
so adding or dropping it moves no other subnet whenever the network has room for it beside
them; only in a network too tight for even that do the per-zone subnets shrink. A VIP that
no such segment can hold as a host address (inside a subnet or a zone slot, or the network,
gateway or broadcast address of its segment) is refused by ``onprem``, never moved.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass

from tiered import model
from tiered.placement.networks.base import Subnet
from tiered.placement.services import ComputeService, ServicePlan
from tiered.software import software

#: Addresses reserved in the segment: network, gateway (the router's leg) and broadcast.
RESERVED = (2, 1)
#: The segment is not made smaller than this when the network has room.
PREFERRED_PREFIX = 24
#: The smallest segment: /30 holds no pair; /29 holds gateway, two nodes and the VIP.
SMALLEST_PREFIX = 29
#: What the plan, the report and ``tiered validate`` say about the segment, once.
L2_ASSUMPTION = (
    "{service}: {nodes} and the virtual IP {vip} share the entry segment {name} {cidr}, "
    "one L2 segment (a VLAN stretched over {zones}): VRRP adverts and the gratuitous ARP "
    "that moves the virtual IP do not cross a router, so the network must carry this VLAN "
    "to every node of the pair."
)


@dataclass(frozen=True, slots=True)
class SegmentSpec:
    """What planning needs to carve the segment: its name, owner and size."""

    name: str
    tier: str
    service: str
    zones: tuple[str, ...]
    count: int
    public: bool
    #: The virtual IP the segment is carved around (None: not an IPv4 address).
    vip: ipaddress.IPv4Address | None = None

    @property
    def need(self) -> int:
        """Addresses the segment must hold: reserved ones, the nodes and the VIP."""
        return sum(RESERVED) + self.count + 1

    def prefixes(self) -> Iterator[int]:
        """Prefix lengths to try, largest segment first: /24 (or the fit), down to the fit."""
        fit = min(32 - (self.need - 1).bit_length(), SMALLEST_PREFIX)
        yield from range(min(fit, PREFERRED_PREFIX), fit + 1)

    def subnet(self, network: ipaddress.IPv4Network, prefix: int) -> Subnet:
        """The segment as a subnet of ``prefix`` at the top of ``network``."""
        top = int(network.broadcast_address) + 1 - (1 << (32 - prefix))
        return self.subnet_at(ipaddress.IPv4Network((top, prefix)))

    def subnet_at(self, cidr: ipaddress.IPv4Network) -> Subnet:
        """The segment as the subnet ``cidr``."""
        return Subnet(
            name=self.name,
            tier=self.tier,
            zone="+".join(self.zones),
            cidr=cidr,
            public=self.public,
            zones=self.zones,
        )

    def candidates(self, network: ipaddress.IPv4Network) -> Iterator[ipaddress.IPv4Network]:
        """The blocks that hold the VIP, largest first, that the segment could be."""
        if self.vip is None:
            return
        for prefix in self.prefixes():
            if prefix >= network.prefixlen:
                yield ipaddress.IPv4Network((self.vip, prefix), strict=False)

    def around_vip(self, network: ipaddress.IPv4Network, free_from: int) -> Subnet | None:
        """The largest segment that holds the VIP as a host address and starts at or above
        ``free_from`` (the first address no per-zone subnet or zone slot takes), if any."""
        assert self.vip is not None
        for cidr in self.candidates(network):
            if int(cidr.network_address) >= free_from and reserved_role(self.vip, cidr) is None:
                return self.subnet_at(cidr)
        return None


def reserved_role(ip: ipaddress.IPv4Address, cidr: ipaddress.IPv4Network) -> str | None:
    """What ``ip`` is in ``cidr`` when it is not a host address there: "network", "gateway",
    "broadcast" (or "outside"); None for a host address."""
    if ip not in cidr:
        return "outside"
    if ip == cidr.network_address:
        return "network"
    if ip == cidr.network_address + 1:
        return "gateway"
    if ip == cidr.broadcast_address:
        return "broadcast"
    return None


def segment_spec(topology: model.Topology, services: dict[str, ServicePlan]) -> SegmentSpec | None:
    """The entry segment the topology needs, or None (not generic, no VIP, no VRRP pair)."""
    if topology.provider != "generic" or topology.entry is None or topology.entry.vip is None:
        return None
    pair = vrrp_pair(services)
    if pair is None:
        return None
    try:
        vip: ipaddress.IPv4Address | None = ipaddress.IPv4Address(topology.entry.vip)
    except ValueError:
        vip = None  # validation reports it (bad-vip)
    return SegmentSpec(
        name=f"{pair.tier}-{pair.name}-segment",
        tier=pair.tier,
        service=pair.name,
        zones=tuple(pair.per_zone),
        count=pair.count,
        public=topology.tiers[pair.tier].public,
        vip=vip,
    )


def vrrp_pair(services: dict[str, ServicePlan]) -> ComputeService | None:
    """The entry service keepalived fails over: the first active-passive NGINX of tier 1."""
    for service in services.values():
        if (
            service.entry
            and isinstance(service, ComputeService)
            and software(service.software).holds_vip
            and service.failover == "active-passive"
            and service.count >= 2
        ):
            return service
    return None


def assumption(subnet: Subnet, service: ServicePlan, vip: str, nodes: list[str]) -> str:
    """The L2 requirement of the segment in one sentence."""
    return L2_ASSUMPTION.format(
        service=service.name,
        nodes=", ".join(nodes),
        vip=vip,
        name=subnet.name,
        cidr=subnet.cidr,
        zones=", ".join(subnet.zones),
    )
