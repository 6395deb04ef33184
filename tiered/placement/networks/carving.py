"""Carving: subnet sizes and positions in the network, and every replica's address.

One subnet per tier per zone, carved from the network CIDR in a fixed order (largest
first, then tiers in file order, zones in topology order). A tier's subnets all have one
size: the smallest that fits its busiest zone, grown to /24 when the network has room. In
each subnet the addresses the provider reserves are skipped; NAT gateways and file-system
mount targets take addresses from the top. Each compute service gets an address block of
its own at a position derived from its name (``addressing``), so that adding a service or a
replica moves no other instance. When the network has no room for blocks with headroom,
the plan falls back to compact addressing (instances packed from the bottom in service
order) and says so in ``addressing``.

``Carver`` does what every provider shares; ``aws.AwsCarver`` and ``onprem.OnPremCarver``
add theirs (egress subnets, NAT gateways, RDS-only subnets; the entry segment).
"""

from __future__ import annotations

import ipaddress
from typing import NamedTuple

from tiered import model
from tiered.placement.networks import addressing
from tiered.placement.networks.base import (
    Addressing,
    Block,
    EndpointAddress,
    NatGateway,
    Subnet,
)
from tiered.placement.networks.entry_segment import SegmentSpec
from tiered.placement.services import (
    ComputeService,
    DatabaseService,
    FilesystemService,
    ServicePlan,
)

#: Addresses set aside for each database instance's network interfaces.
DATABASE_ADDRESSES = 2
#: Subnets are not made smaller than this when the network has room.
PREFERRED_PREFIX = 24

#: A subnet's key: its tier (None: an egress-only subnet) and its zone.
Key = tuple[str | None, str]


class PlanError(Exception):
    """The topology does not fit its network; ``path`` says which field to blame."""

    def __init__(self, message: str, hint: str, path: tuple[str | int, ...]) -> None:
        super().__init__(message)
        self.message, self.hint, self.path = message, hint, path


class Carved(NamedTuple):
    """What carving yields, for a provider's network plan to hold."""

    subnets: tuple[Subnet, ...]
    blocks: tuple[Block, ...]
    endpoints: dict[str, EndpointAddress]
    nat_gateways: tuple[NatGateway, ...]
    addressing: Addressing


class Carver:
    """Carves subnets and assigns addresses; one instance per plan.

    Subclasses set the provider's ``RESERVED`` addresses per subnet, its ``SMALLEST_SUBNET``
    and ``LARGEST_SUBNET`` prefixes, and override the hooks below.
    """

    #: Addresses reserved at the start and the end of every subnet.
    RESERVED: tuple[int, int] = (2, 1)
    #: The largest prefix length (smallest subnet) the provider allows.
    SMALLEST_SUBNET = 30
    #: The smallest prefix length (largest subnet) the provider allows, if it has a limit.
    LARGEST_SUBNET: int | None = None

    def __init__(self, topology: model.Topology, services: dict[str, ServicePlan]) -> None:
        self.topology = topology
        self.services = services
        self.network = ipaddress.IPv4Network(topology.network.cidr)
        self.zones = tuple(topology.zones)
        self.public_tiers = [name for name, tier in topology.tiers.items() if tier.public]
        #: A service addressed in a segment of its own instead of its zones' subnets.
        self.segment: SegmentSpec | None = None
        # Filled by _demands: addresses per subnet, compact and with blocks; top areas.
        self.compact_demand: dict[Key, int] = {}
        self.block_demand: dict[Key, int] = {}
        self.tops: dict[str | None, int] = {}
        self.block_sizes: dict[str, dict[str, int]] = {}  # tier → service → block size

    # -- the provider's hooks --

    def _layout(self) -> list[Key]:
        """Subnet keys (tier, zone) in carving order."""
        return [(tier, zone) for tier in self.topology.tiers for zone in self.zones]

    def _nat_zones(self) -> list[tuple[str, tuple[str, ...]]]:
        """Each egress gateway's zone and the zones it serves."""
        return []

    def _kept_free(self) -> int:
        """Addresses to leave free after the per-zone subnets (for ``_extra_subnets``)."""
        return 0

    def _extra_subnets(self, cursor: int) -> list[Subnet]:
        """Subnets carved after the per-zone ones, from ``cursor``."""
        return []

    def _fit(
        self, layout: list[Key], demand: dict[Key, int]
    ) -> tuple[dict[str | None, int], Subnet | None]:
        """Prefixes of the per-zone subnets, and a segment of their own if any."""
        return self._prefixes(layout, demand, self.network.num_addresses), None

    # -- carving --

    def run(self) -> Carved:
        layout = self._layout()
        self._demands(layout)
        mode: Addressing = "blocks"
        try:
            prefixes, segment = self._fit(layout, self.block_demand)
        except PlanError:  # no room for a block per service: pack the addresses
            mode = "compact"
            prefixes, segment = self._fit(layout, self.compact_demand)
        subnets: dict[Key, Subnet] = {}
        cursor = int(self.network.network_address)
        # Largest subnets first (then tier and zone order): every subnet stays aligned to
        # its size with no gaps between them.
        for key in sorted(layout, key=lambda key: prefixes[key[0]]):
            prefix = prefixes[key[0]]
            subnets[key] = Subnet(
                name=f"{key[0] or 'egress'}-{key[1]}",
                tier=key[0],
                zone=key[1],
                cidr=ipaddress.IPv4Network((cursor, prefix)),
                public=key[0] is None or key[0] in self.public_tiers,
            )
            cursor += 1 << (32 - prefix)
        subnets = {key: subnets[key] for key in layout}
        extra = self._extra_subnets(cursor)
        if segment is not None:
            subnets[self._segment_key()] = segment
        low, high = self.RESERVED
        next_low = {key: int(s.cidr.network_address) + low for key, s in subnets.items()}
        next_high = {key: int(s.cidr.broadcast_address) - high for key, s in subnets.items()}
        addr = ipaddress.IPv4Address
        placed = self._allocate(prefixes) if mode == "blocks" else {}
        starts = {key: int(s.cidr.network_address) for key, s in subnets.items()}
        names = {key: s.name for key, s in subnets.items()}

        blocks: list[Block] = []
        endpoints: dict[str, EndpointAddress] = {}
        for name, service in self.services.items():
            match service:
                case ComputeService() if name in placed:
                    base, size, anchor = placed[name]
                    for zone, count in service.per_zone.items():
                        key = (service.tier, zone)
                        start = starts[key]
                        blocks.append(
                            Block(name, zone, names[key], start + anchor, count, start + base, size)
                        )
                case ComputeService():
                    for zone, count in service.per_zone.items():
                        key = self._compute_key(service, zone)
                        first = next_low[key]
                        blocks.append(Block(name, zone, names[key], first, count, first, count))
                        next_low[key] += count
                case DatabaseService():  # RDS gives the addresses
                    for spec in service.endpoints:
                        subnet = names[(service.tier, spec.zone)]
                        endpoints[spec.name] = EndpointAddress(subnet, None)
                case FilesystemService():  # mount targets from the top
                    for spec in service.endpoints:
                        key = (service.tier, spec.zone)
                        endpoints[spec.name] = EndpointAddress(names[key], addr(next_high[key]))
                        next_high[key] -= 1

        nat_gateways: list[NatGateway] = []
        for zone, serves in self._nat_zones():
            egress = (self._egress_tier(), zone)
            ip = next_high[egress]
            next_high[egress] -= 1
            nat_gateways.append(
                NatGateway(
                    name=f"nat-{zone}",
                    zone=zone,
                    subnet=subnets[egress].name,
                    ip=addr(ip),
                    serves=serves,
                )
            )
        return Carved(
            (*subnets.values(), *extra), tuple(blocks), endpoints, tuple(nat_gateways), mode
        )

    def _segment_key(self) -> Key:
        assert self.segment is not None
        return (self.segment.tier, self.segment.name)

    def _compute_key(self, service: ServicePlan, zone: str) -> Key:
        """The subnet a compute replica is addressed in: its zone's, or its segment."""
        if self.segment is not None and service.name == self.segment.service:
            return self._segment_key()
        return (service.tier, zone)

    def _egress_tier(self) -> str | None:
        return self.public_tiers[0] if self.public_tiers else None

    def _demands(self, layout: list[Key]) -> None:
        """Addresses each subnet needs, in one pass over the services (reserved ones included).

        ``compact``: the replicas packed; ``blocks``: a block per compute service with its
        headroom, at one offset in every zone of the tier (``addressing.demand``);
        ``tops``: each tier's managed area at the top of its subnets (NAT, mount targets);
        ``block_sizes``: each compute service's block, by tier.
        """
        low, high = self.RESERVED
        compact = dict.fromkeys(layout, low + high)
        top = dict.fromkeys(layout, high)
        databases = dict.fromkeys(layout, 0)
        block_sum: dict[str | None, int] = {}
        block_max: dict[str | None, int] = {}
        block_size = addressing.block_size
        sizes: dict[str, dict[str, int]] = {}
        for service in self.services.values():
            if self.segment is not None and service.name == self.segment.service:
                continue  # addressed in its own segment
            tier = service.tier
            match service:
                case ComputeService():
                    busiest = 0
                    for zone, count in service.per_zone.items():
                        compact[(tier, zone)] += count
                        if count > busiest:
                            busiest = count
                    size = block_size(busiest)
                    sizes.setdefault(tier, {})[service.name] = size
                    block_sum[tier] = block_sum.get(tier, 0) + size
                    if size > block_max.get(tier, 0):
                        block_max[tier] = size
                case DatabaseService():
                    for zone in service.zones:
                        compact[(tier, zone)] += DATABASE_ADDRESSES
                        databases[(tier, zone)] += DATABASE_ADDRESSES
                case FilesystemService():
                    for zone in service.zones:
                        compact[(tier, zone)] += 1
                        top[(tier, zone)] += 1
        for zone, _ in self._nat_zones():
            compact[(self._egress_tier(), zone)] += 1
            top[(self._egress_tier(), zone)] += 1
        tops: dict[str | None, int] = {}
        for key, count in top.items():
            tops[key[0]] = max(tops.get(key[0], 0), addressing.top_size(count))
        self.compact_demand = compact
        self.block_demand = {
            key: addressing.footprint(
                block_sum.get(key[0], 0), block_max.get(key[0], addressing.MIN_BLOCK), tops[key[0]]
            )
            + databases[key]
            for key in layout
        }
        self.tops = tops
        self.block_sizes = sizes

    def _allocate(self, prefixes: dict[str | None, int]) -> dict[str, addressing.Placed]:
        """Every compute service's block, tier by tier."""
        placed: dict[str, addressing.Placed] = {}
        for tier, blocks in self.block_sizes.items():
            subnet_size = 1 << (32 - prefixes[tier])
            placed.update(addressing.allocate(blocks, subnet_size, self.tops[tier]))
        return placed

    def _prefixes(
        self, layout: list[Key], demand: dict[Key, int], budget: int
    ) -> dict[str | None, int]:
        """Prefix length of each tier's subnets: its busiest zone fits, /24 when there is room.

        ``budget``: the addresses of the network left to the per-zone subnets.
        """
        busiest: dict[str | None, tuple[int, str]] = {}
        for tier, zone in layout:
            if demand[(tier, zone)] > busiest.get(tier, (0, ""))[0]:
                busiest[tier] = (demand[(tier, zone)], zone)
        fit = {
            tier: min(32 - (need - 1).bit_length(), self.SMALLEST_SUBNET)
            for tier, (need, _) in busiest.items()
        }
        for tier, prefix in fit.items():
            if self.LARGEST_SUBNET is not None and prefix < self.LARGEST_SUBNET:
                need, zone = busiest[tier]
                raise PlanError(
                    f"tier '{tier}' needs {need:,} addresses in zone {zone}, more than an AWS "
                    f"subnet (/{self.LARGEST_SUBNET}) can hold",
                    "spread the replicas over more zones or split the tier",
                    ("network", "cidr"),
                )
        zones = len(self.zones)
        for ceiling in range(PREFERRED_PREFIX, 33):  # shrink step by step until it fits
            prefixes = {t: min(p, ceiling) for t, p in fit.items()}
            total = sum(zones << (32 - p) for p in prefixes.values())
            total += self._kept_free()
            if total <= budget and all(p >= self.network.prefixlen for p in prefixes.values()):
                return prefixes
        tier = max(busiest, key=lambda t: busiest[t][0])
        need, zone = busiest[tier]
        where = f"tier '{tier}' in zone {zone}" if tier else f"the egress subnet of {zone}"
        total = sum(zones << (32 - p) for p in fit.values())
        suggestion = 32 - (total - 1).bit_length()
        raise PlanError(
            f"network {self.network} is too small: {len(layout)} subnets need {total:,} "
            f"addresses ({need:,} in {where} alone)",
            f"use a larger network, e.g. {self.network.network_address}/{suggestion} or wider",
            ("network", "cidr"),
        )
