"""Planning: resolves every service's defaults, carves the subnets, assigns the addresses.

Addressing: one subnet per tier per zone, carved from the network CIDR in a fixed order
(largest first, then tiers in file order, zones in topology order). A tier's subnets all
have one size: the smallest that fits its busiest zone, grown to /24 when the network has
room. In each subnet the addresses the provider reserves are skipped (AWS: the first four
and the last; on premises: the network, gateway and broadcast addresses); NAT gateways and
file-system mount targets take addresses from the top. Each compute service gets an address
block of its own at a position derived from its name (``tiered.placement.addressing``), so
that adding a service or a replica moves no other instance. When the network has no room
for blocks with headroom, the plan falls back to compact addressing (instances packed from
the bottom in service order) and says so in ``Plan.addressing``.

On premises, an active-passive entry pair with a virtual IP is addressed in its own entry
segment instead (one VLAN over its zones, carved from the top of the network: see
``tiered.placement.entry_segment``).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from tiered import model
from tiered.placement import addressing
from tiered.placement.entry_segment import SegmentSpec, segment_spec
from tiered.placement.plan import (
    Block,
    EndpointRole,
    FailoverMode,
    ManagedEndpoint,
    NatGateway,
    Plan,
    ServicePlan,
    Subnet,
    TierPlan,
)
from tiered.placement.rds_subnets import NoRoomForRdsSubnet, rds_only_addresses, rds_only_subnets
from tiered.software import ENGINE_PORTS, NFS_PORT, SOFTWARE, survivors_needed

#: Addresses reserved at the start and the end of every subnet, per provider.
RESERVED = {"aws": (4, 1), "generic": (2, 1)}
#: Addresses set aside for each database instance's network interfaces.
DATABASE_ADDRESSES = 2
#: The largest subnet prefix length a provider allows (AWS: /28).
SMALLEST_SUBNET = {"aws": 28, "generic": 30}
#: Subnets are not made smaller than this when the network has room.
PREFERRED_PREFIX = 24


class PlanError(Exception):
    """The topology does not fit its network; ``path`` says which field to blame."""

    def __init__(self, message: str, hint: str, path: tuple[str | int, ...]) -> None:
        super().__init__(message)
        self.message, self.hint, self.path = message, hint, path


def resolve_service(topology: model.Topology, tier: str, name: str, entry: bool) -> ServicePlan:
    """A service's declaration with every default filled in (counts, zones, port, failover)."""
    service = topology.tiers[tier].services[name]
    zones = tuple(service.zones or topology.zones)
    software: str
    failover: FailoverMode
    engine: model.Engine | None
    if service.kind == "database":
        engine = service.engine or "postgres"
        software, port = engine, service.port or ENGINE_PORTS[engine]
        count = service.count or 1
        failover = service.failover or ("primary-standby" if count > 1 else "none")
        zones = zones[:count]
        listen: tuple[int, ...] = ()
    elif service.kind == "filesystem":  # one mount target per zone; survives while one does
        software, port, count, failover = "efs", NFS_PORT, len(zones), "managed"
        engine, listen = None, ()
    else:
        software = service.software or "generic"
        defaults = SOFTWARE.get(software, SOFTWARE["generic"])
        port = service.port or defaults.port
        count = service.count or 1
        failover = service.failover or defaults.failover
        engine = None
        listen = (
            tuple(service.listen)
            if service.listen is not None
            else (defaults.listen if entry else ())
        )
    per_zone = spread(count, zones, service.placement)
    min_healthy = service.min_healthy or 1
    needed = 1 if failover == "managed" else survivors_needed(failover, count, min_healthy)
    return ServicePlan(
        name=name,
        tier=tier,
        kind=service.kind,
        software=software,
        failover=failover,
        count=count,
        min_healthy=min_healthy,
        survivors_needed=needed,
        port=port,
        listen=listen,
        zones=zones,
        per_zone=per_zone,
        depends_on=tuple(service.depends_on),
        routes=tuple(service.routes),
        health_check=service.health_check,
        accept=tuple(service.accept),
        instance_type=service.instance_type or service.instance_class,
        engine=engine,
        balance=service.balance,
        tls=service.tls,
        entry=entry,
        path=("tiers", tier, "services", name),
    )


def spread(count: int, zones: tuple[str, ...], placement: dict[str, int] | None) -> dict[str, int]:
    """Replicas per zone: the explicit placement, or round-robin in the zones' order."""
    if placement is not None:
        return {zone: placement.get(zone, 0) for zone in zones if placement.get(zone, 0)}
    return round_robin(count, zones)


def round_robin(count: int, zones: Sequence[str]) -> dict[str, int]:
    """``count`` replicas dealt round-robin over ``zones``; zones left empty are omitted."""
    base, extra = divmod(count, len(zones))
    return {zone: base + (i < extra) for i, zone in enumerate(zones) if base + (i < extra)}


def build_plan(topology: model.Topology) -> Plan:
    """Place and address every replica of a valid topology; raises PlanError if it cannot fit."""
    first_tier = next(iter(topology.tiers))
    services: dict[str, ServicePlan] = {}
    for tier_name, tier in topology.tiers.items():
        for name in tier.services:
            services[name] = resolve_service(topology, tier_name, name, tier_name == first_tier)
    return _Planner(topology, services).run()


class _Planner:
    """Carves subnets and assigns addresses; one instance per ``build_plan`` call."""

    def __init__(self, topology: model.Topology, services: dict[str, ServicePlan]) -> None:
        self.topology = topology
        self.services = services
        self.provider = topology.provider
        self.network = ipaddress.IPv4Network(topology.network.cidr)
        self.zones = tuple(topology.zones)
        self.public_tiers = [name for name, tier in topology.tiers.items() if tier.public]
        self.segment = segment_spec(topology, services)
        # Filled by _demands: addresses per subnet, compact and with blocks; top areas.
        self.compact_demand: dict[tuple[str | None, str], int] = {}
        self.block_demand: dict[tuple[str | None, str], int] = {}
        self.tops: dict[str | None, int] = {}
        self.block_sizes: dict[str, dict[str, int]] = {}  # tier → service → block size

    def run(self) -> Plan:
        layout = self._layout()
        self._demands(layout)
        mode = "blocks"
        try:
            prefixes, segment = self._fit(layout, self.block_demand)
        except PlanError:  # no room for a block per service: pack the addresses
            mode = "compact"
            prefixes, segment = self._fit(layout, self.compact_demand)
        subnets: dict[tuple[str | None, str], Subnet] = {}
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
        rds_only = self._rds_only(cursor)
        if segment is not None:
            subnets[self._segment_key()] = segment
        low, high = RESERVED[self.provider]
        next_low = {key: int(s.cidr.network_address) + low for key, s in subnets.items()}
        next_high = {key: int(s.cidr.broadcast_address) - high for key, s in subnets.items()}
        addr = ipaddress.IPv4Address
        placed = self._allocate(prefixes) if mode == "blocks" else {}
        starts = {key: int(s.cidr.network_address) for key, s in subnets.items()}
        names = {key: s.name for key, s in subnets.items()}

        blocks: list[Block] = []
        managed: list[ManagedEndpoint] = []
        for name, service in self.services.items():
            if service.kind == "compute" and name in placed:
                base, size, anchor = placed[name]
                for zone, count in service.per_zone.items():
                    key = (service.tier, zone)
                    start = starts[key]
                    blocks.append(
                        Block(name, zone, names[key], start + anchor, count, start + base, size)
                    )
            elif service.kind == "compute":
                for zone, count in service.per_zone.items():
                    key = self._compute_key(service, zone)
                    first = next_low[key]
                    blocks.append(Block(name, zone, names[key], first, count, first, count))
                    next_low[key] += count
            elif service.kind == "database":
                for index, zone in enumerate(service.zones, start=1):
                    role: EndpointRole = "primary" if index == 1 else "standby"
                    managed.append(
                        ManagedEndpoint(
                            name=f"{name}-{role}",
                            service=name,
                            kind="database",
                            zone=zone,
                            subnet=subnets[(service.tier, zone)].name,
                            role=role,
                            ip=None,
                        )
                    )
            else:
                for zone in service.zones:
                    key = (service.tier, zone)
                    ip = next_high[key]
                    next_high[key] -= 1
                    managed.append(
                        ManagedEndpoint(
                            name=f"{name}-{zone}",
                            service=name,
                            kind="filesystem",
                            zone=zone,
                            subnet=subnets[key].name,
                            role="mount-target",
                            ip=addr(ip),
                        )
                    )

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

        tiers = tuple(
            TierPlan(name, tier.role, tier.public, tuple(tier.services))
            for name, tier in self.topology.tiers.items()
        )
        return Plan(
            name=self.topology.name,
            description=self.topology.description,
            provider=self.provider,
            region=self.topology.region,
            zones=self.zones,
            network=self.network,
            nat=self.topology.network.nat,
            entry=self.topology.entry,
            assumptions=self.topology.assumptions,
            tiers=tiers,
            services=self.services,
            subnets=(*subnets.values(), *rds_only),
            blocks=tuple(blocks),
            managed=tuple(managed),
            nat_gateways=tuple(nat_gateways),
            addressing=mode,
        )

    def _rds_only(self, cursor: int) -> list[Subnet]:
        try:
            return rds_only_subnets(self.topology, self.services, self.network, cursor)
        except NoRoomForRdsSubnet as error:
            raise PlanError(
                f"network {self.network} has no room left for the second subnet RDS needs "
                f"in the DB subnet group of tier '{error.args[0]}' (a /28 in another zone)",
                "use a larger network",
                ("network", "cidr"),
            ) from None

    # -- the entry segment (tiered.placement.entry_segment), carved from the network's top --

    def _segment_key(self) -> tuple[str | None, str]:
        assert self.segment is not None
        return (self.segment.tier, self.segment.name)

    def _compute_key(self, service: ServicePlan, zone: str) -> tuple[str | None, str]:
        """The subnet a compute replica is addressed in: its zone's, or the entry segment."""
        if self.segment is not None and service.name == self.segment.service:
            return self._segment_key()
        return (service.tier, zone)

    def _fit(
        self, layout: list[tuple[str | None, str]], demand: dict[tuple[str | None, str], int]
    ) -> tuple[dict[str | None, int], Subnet | None]:
        """Prefixes of the per-zone subnets, and the entry segment in what is left on top."""
        if self.segment is None:
            return self._prefixes(layout, demand, self.network.num_addresses), None
        error: PlanError | None = None
        # First the subnets as they would be without the segment, beside the largest
        # segment that fits on top: adding the segment then moves nothing.
        try:
            alone = self._prefixes(layout, demand, self.network.num_addresses)
        except PlanError as failed:
            error = failed
        else:
            used = sum(1 << (32 - alone[key[0]]) for key in layout)
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
                prefixes = self._prefixes(layout, demand, budget)
            except PlanError as failed:
                error = failed
                continue
            return prefixes, self.segment.subnet(self.network, prefix)
        raise _segment_error(self.segment, self.network, error)

    def _egress_tier(self) -> str | None:
        return self.public_tiers[0] if self.public_tiers else None

    def _layout(self) -> list[tuple[str | None, str]]:
        """Subnet keys (tier, zone) in carving order; egress subnets first when needed."""
        keys: list[tuple[str | None, str]] = []
        if self.provider == "aws" and not self.public_tiers:
            keys.extend((None, zone) for zone in self.zones)
        keys.extend((tier, zone) for tier in self.topology.tiers for zone in self.zones)
        return keys

    def _nat_zones(self) -> list[tuple[str, tuple[str, ...]]]:
        if self.provider != "aws":
            return []
        if self.topology.network.nat == "single":
            return [(self.zones[0], self.zones)]
        return [(zone, (zone,)) for zone in self.zones]

    def _demands(self, layout: list[tuple[str | None, str]]) -> None:
        """Addresses each subnet needs, in one pass over the services (reserved ones included).

        ``compact``: the replicas packed; ``blocks``: a block per compute service with its
        headroom, at one offset in every zone of the tier (``tiered.addressing.demand``);
        ``tops``: each tier's managed area at the top of its subnets (NAT, mount targets);
        ``block_sizes``: each compute service's block, by tier.
        """
        low, high = RESERVED[self.provider]
        compact = dict.fromkeys(layout, low + high)
        top = dict.fromkeys(layout, high)
        databases = dict.fromkeys(layout, 0)
        block_sum: dict[str | None, int] = {}
        block_max: dict[str | None, int] = {}
        block_size = addressing.block_size
        sizes: dict[str, dict[str, int]] = {}
        for service in self.services.values():
            if self.segment is not None and service.name == self.segment.service:
                continue  # addressed in the entry segment
            tier = service.tier
            if service.kind == "compute":
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
            elif service.kind == "database":
                for zone in service.zones:
                    compact[(tier, zone)] += DATABASE_ADDRESSES
                    databases[(tier, zone)] += DATABASE_ADDRESSES
            else:
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
        self,
        layout: list[tuple[str | None, str]],
        demand: dict[tuple[str | None, str], int],
        budget: int,
    ) -> dict[str | None, int]:
        """Prefix length of each tier's subnets: its busiest zone fits, /24 when there is room.

        ``budget``: the addresses of the network left to the per-zone subnets.
        """
        busiest: dict[str | None, tuple[int, str]] = {}
        for tier, zone in layout:
            if demand[(tier, zone)] > busiest.get(tier, (0, ""))[0]:
                busiest[tier] = (demand[(tier, zone)], zone)
        fit = {
            tier: min(32 - (need - 1).bit_length(), SMALLEST_SUBNET[self.provider])
            for tier, (need, _) in busiest.items()
        }
        for tier, prefix in fit.items():
            if self.provider == "aws" and prefix < 16:
                need, zone = busiest[tier]
                raise PlanError(
                    f"tier '{tier}' needs {need:,} addresses in zone {zone}, more than an AWS "
                    "subnet (/16) can hold",
                    "spread the replicas over more zones or split the tier",
                    ("network", "cidr"),
                )
        zones = len(self.zones)
        for ceiling in range(PREFERRED_PREFIX, 33):  # shrink step by step until it fits
            prefixes = {t: min(p, ceiling) for t, p in fit.items()}
            total = sum(zones << (32 - p) for p in prefixes.values())
            total += rds_only_addresses(self.topology, self.services)
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


def _segment_error(
    segment: SegmentSpec, network: ipaddress.IPv4Network, error: PlanError | None
) -> PlanError:
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
