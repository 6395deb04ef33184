"""Carving: subnet sizes and positions in the network, and every replica's address.

One subnet per tier per zone. A tier's subnets all have one size: the smallest that fits
its busiest zone, grown to /24 when the network has room. Each tier reserves a run of
``width`` subnets, one per zone slot (``zone_slots``: on AWS the zone's letter), and a
zone's subnet sits in its slot, so that its CIDR depends on its tier and zone only: adding
a zone adds its subnets and moves nothing else, removing one removes only its own. The runs
are laid out largest first, then in the tiers' order; ``width`` leaves room for zones not
used yet when the network has room, else covers just the zones in use.

In each subnet the addresses the provider reserves are skipped; NAT gateways and
file-system mount targets take addresses from the top. Each compute service gets an address
block of its own at a position derived from its name (``addressing``), so that adding a
service or a replica moves no other instance. When the network has no room for blocks with
headroom, the plan falls back to compact addressing (instances packed from the bottom in
service order) and says so in ``addressing``. When nothing fits, planning fails with the
addresses needed and a network that would hold them.

``Carver`` does what every provider shares; ``aws.AwsCarver`` and ``onprem.OnPremCarver``
add theirs (zone letters, egress subnets, NAT gateways, RDS-only subnets; the entry segment).
"""

from __future__ import annotations

import ipaddress
import itertools
from typing import NamedTuple

from tiered import model
from tiered.placement.networks import addressing, zone_slots
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
    """The topology does not fit its network; ``path`` says which field to blame.

    ``code`` is the problem's rule: ``network-too-small`` (planning tries a tighter layout
    before giving up) or a refusal no layout changes, such as ``vip-outside-segment``.
    """

    def __init__(
        self,
        message: str,
        hint: str,
        path: tuple[str | int, ...],
        code: str = "network-too-small",
    ) -> None:
        super().__init__(message)
        self.message, self.hint, self.path, self.code = message, hint, path, code

    @property
    def retryable(self) -> bool:
        """Whether a tighter layout may fit where this one did not."""
        return self.code == "network-too-small"


class Carved(NamedTuple):
    """What carving yields, for a provider's network plan to hold."""

    subnets: tuple[Subnet, ...]
    blocks: tuple[Block, ...]
    endpoints: dict[str, EndpointAddress]
    nat_gateways: tuple[NatGateway, ...]
    addressing: Addressing
    zone_slots: int


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
        #: Each zone's slot in the layout being tried (``_sizes``).
        self.slots: dict[str, int] = {}
        self.block_sizes: dict[str, dict[str, int]] = {}  # tier → service → block size

    # -- the provider's hooks --

    def _layout(self) -> list[Key]:
        """Subnet keys (tier, zone) in carving order."""
        return [(tier, zone) for tier in self.topology.tiers for zone in self.zones]

    def _nat_zones(self) -> list[tuple[str, tuple[str, ...]]]:
        """Each egress gateway's zone and the zones it serves."""
        return []

    def _extra_keys(self) -> list[Key]:
        """Subnets in zones the topology does not list, where nothing is placed (RDS-only)."""
        return []

    def _zone_slots(self, zones: list[str]) -> dict[str, int]:
        """Each zone's slot in its tier's run of subnets."""
        return zone_slots.ordinal_slots(zones)

    def _fit(
        self, layout: list[Key], demand: dict[Key, int], width: int
    ) -> tuple[dict[str | None, int], Subnet | None]:
        """Prefixes of the per-zone subnets, and a segment of their own if any."""
        return self._prefixes(layout, demand, self.network.num_addresses, width), None

    def _used(self, prefixes: dict[str | None, int], width: int) -> int:
        """Addresses the tiers' runs of subnets take."""
        return sum(width << (32 - prefix) for prefix in prefixes.values())

    # -- carving --

    def run(self) -> Carved:
        extra = self._extra_keys()
        layout = self._layout() + extra
        self._demands(layout)
        slots = self._zone_slots(list(dict.fromkeys(zone for _, zone in layout)))
        mode, slots, width, prefixes, segment = self._sizes(layout, slots)
        runs = self._runs(prefixes, width)
        subnets: dict[Key, Subnet] = {}
        for key in layout:
            tier, zone = key
            prefix = prefixes[tier]
            subnets[key] = Subnet(
                name=f"{tier or 'egress'}-{zone}",
                tier=tier,
                zone=zone,
                cidr=ipaddress.IPv4Network((runs[tier] + (slots[zone] << (32 - prefix)), prefix)),
                public=tier is None or tier in self.public_tiers,
                rds_only=key in extra,
            )
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
            tuple(subnets.values()), tuple(blocks), endpoints, tuple(nat_gateways), mode, width
        )

    def _sizes(
        self, layout: list[Key], slots: dict[str, int]
    ) -> tuple[Addressing, dict[str, int], int, dict[str | None, int], Subnet | None]:
        """The addressing, zone slots, slots per tier, subnet prefixes and segment that fit:
        blocks before compact addressing, room for more zones before just the zones in use,
        before the zones packed."""
        demands: list[tuple[Addressing, dict[Key, int]]] = [
            ("blocks", self.block_demand),
            ("compact", self.compact_demand),  # no room for a block per service
        ]
        error: PlanError | None = None
        for (mode, demand), (tried, width) in itertools.product(demands, zone_slots.layouts(slots)):
            self.slots = tried
            try:
                return (mode, tried, width, *self._fit(layout, demand, width))
            except PlanError as failed:
                if not failed.retryable:
                    raise
                error = failed
        assert error is not None
        raise error

    def _runs(self, prefixes: dict[str | None, int], width: int) -> dict[str | None, int]:
        """The first address of each tier's run of subnets: largest subnets first, then the
        tiers' order, so that every run and subnet stays aligned to its size."""
        starts: dict[str | None, int] = {}
        cursor = int(self.network.network_address)
        for tier in sorted(prefixes, key=lambda tier: prefixes[tier]):
            starts[tier] = cursor
            cursor += width << (32 - prefixes[tier])
        return starts

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
        self, layout: list[Key], demand: dict[Key, int], budget: int, width: int
    ) -> dict[str | None, int]:
        """Prefix length of each tier's subnets: its busiest zone fits, /24 when there is room.

        ``budget``: the addresses of the network left to the per-zone subnets; ``width``:
        the subnets (zone slots) each tier reserves.
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
        for ceiling in range(PREFERRED_PREFIX, 33):  # shrink step by step until it fits
            prefixes = {t: min(p, ceiling) for t, p in fit.items()}
            total = self._used(prefixes, width)
            if total <= budget and all(p >= self.network.prefixlen for p in prefixes.values()):
                return prefixes
        tier = max(busiest, key=lambda t: busiest[t][0])
        need, zone = busiest[tier]
        where = f"tier '{tier}' in zone {zone}" if tier else f"the egress subnet of {zone}"
        total = self._used(fit, width) + self.network.num_addresses - budget
        suggestion = 32 - (total - 1).bit_length()
        runs = f"{len(fit)} tier{'s' if len(fit) > 1 else ''}"
        slots = f"{width} zone slot{'s' if width > 1 else ''}"
        raise PlanError(
            f"network {self.network} is too small: the subnets of {runs}, {slots} each, need "
            f"{total:,} addresses ({need:,} in {where} alone)",
            f"use a larger network, e.g. {self.network.network_address}/{suggestion} or wider",
            ("network", "cidr"),
        )
