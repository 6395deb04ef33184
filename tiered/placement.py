"""The placement plan: every replica as an instance with a zone, a subnet and an address.

The plan is the one truth every analysis and renderer reads. It is computed once from a
valid topology, is deterministic (same topology, same plan) and frozen.

Addressing: one subnet per tier per zone, carved from the network CIDR in a fixed order
(largest first, then tiers in file order, zones in topology order). A tier's subnets all
have one size: the smallest that fits its busiest zone, grown to /24 when the network has
room. In each subnet the addresses the
provider reserves are skipped (AWS: the first four and the last; on premises: the network,
gateway and broadcast addresses); instances take addresses from the bottom in service order,
and NAT gateways and file-system mount targets from the top, so adding one never moves
the other.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from tiered import model
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


@dataclass(frozen=True, slots=True)
class Subnet:
    """A subnet of one tier (``tier`` None: an egress-only public subnet) in one zone."""

    name: str
    tier: str | None
    zone: str
    cidr: ipaddress.IPv4Network
    public: bool


class Instance(NamedTuple):
    """One replica of a compute service (a named tuple: plans hold tens of thousands)."""

    name: str
    service: str
    tier: str
    zone: str
    subnet: str
    ip: ipaddress.IPv4Address
    ordinal: int  # 1 for the first replica: the number in its name
    role: str  # "active" / "passive" (active-passive), "primary" / "standby", else "member"


class Block(NamedTuple):
    """The replicas of one service in one zone: ``size`` consecutive addresses of a subnet.

    Blocks are what planning computes; instances are derived from them on demand, so
    that validating and analysing a plan never costs anything per replica.
    """

    service: str
    zone: str
    subnet: str
    first_ip: int
    size: int


@dataclass(frozen=True, slots=True)
class ManagedEndpoint:
    """Where a managed service lives: a database primary or standby, or a mount target."""

    name: str
    service: str
    kind: str
    zone: str
    subnet: str
    role: str  # "primary", "standby" or "mount-target"
    ip: ipaddress.IPv4Address | None


@dataclass(frozen=True, slots=True)
class NatGateway:
    """An egress gateway of the private subnets of one or more zones."""

    name: str
    zone: str
    subnet: str
    ip: ipaddress.IPv4Address
    serves: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ServicePlan:
    """A service with every default resolved: what the analysis and renderers read."""

    name: str
    tier: str
    kind: str
    software: str
    failover: str
    count: int
    min_healthy: int
    survivors_needed: int
    port: int | None
    listen: tuple[int, ...]
    zones: tuple[str, ...]
    per_zone: dict[str, int]
    depends_on: tuple[str, ...]
    routes: tuple[model.Route, ...]
    health_check: model.HealthCheck | None
    accept: tuple[model.Accept, ...]
    instance_type: str | None
    engine: str | None
    balance: str
    tls: model.Tls | None
    entry: bool
    path: tuple[str, ...]

    @property
    def managed(self) -> bool:
        return self.kind != "compute"

    @property
    def instances(self) -> tuple[str, ...]:
        """Names of the replicas in order: ``name-1`` ... (none for managed services)."""
        if self.kind != "compute":
            return ()
        return tuple(f"{self.name}-{ordinal}" for ordinal in range(1, self.count + 1))

    @property
    def calls(self) -> tuple[str, ...]:
        """Services this one reaches: its dependencies and its route targets, in order."""
        targets = [route.to for route in self.routes]
        return tuple(dict.fromkeys([*self.depends_on, *targets]))


@dataclass(frozen=True, slots=True)
class TierPlan:
    name: str
    role: str
    public: bool
    services: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Plan:
    """The placement plan of a topology."""

    name: str
    description: str
    provider: str
    region: str | None
    zones: tuple[str, ...]
    network: ipaddress.IPv4Network
    nat: str
    entry: model.Entry | None
    assumptions: model.Assumptions
    tiers: tuple[TierPlan, ...]
    services: dict[str, ServicePlan]
    subnets: tuple[Subnet, ...]
    blocks: tuple[Block, ...]
    managed: tuple[ManagedEndpoint, ...]
    nat_gateways: tuple[NatGateway, ...]
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def instance_count(self) -> int:
        """How many compute instances the plan holds, without building them."""
        return sum(block.size for block in self.blocks)

    @property
    def instances(self) -> tuple[Instance, ...]:
        """Every compute instance, service by service in replica order (built on first use)."""
        if "instances" not in self._cache:
            self._cache["instances"] = tuple(
                instance
                for name, service in self.services.items()
                if service.kind == "compute"
                for instance in self.instances_of(name)
            )
        return self._cache["instances"]  # type: ignore[no-any-return]

    def instance(self, name: str) -> Instance:
        """The instance called ``name``; raises KeyError if there is none."""
        if "by_name" not in self._cache:
            self._cache["by_name"] = {i.name: i for i in self.instances}
        return self._cache["by_name"][name]  # type: ignore[no-any-return]

    def instances_of(self, service: str) -> list[Instance]:
        """The instances of one service in replica order, built from its blocks."""
        return list(self.first_instances(service))

    def first_instances(
        self, service: str, zone: str | None = None, limit: int = -1
    ) -> list[Instance]:
        """The first ``limit`` instances of ``service`` (in ``zone`` if given), in order.

        Costs only as many steps as the instances asked for: the analysis reads a few
        replicas per zone, whatever the replica counts.
        """
        plan = self.services[service]
        if plan.kind != "compute" or limit == 0:
            return []
        blocks = self._blocks_of(service)
        used = dict.fromkeys(blocks, 0)
        found: list[Instance] = []
        for ordinal, where in enumerate(iter_zone_sequence(plan.per_zone), start=1):
            block = blocks[where]
            offset = used[where]
            used[where] = offset + 1
            if zone is not None and where != zone:
                continue
            found.append(
                Instance(
                    f"{service}-{ordinal}",
                    service,
                    plan.tier,
                    where,
                    block.subnet,
                    ipaddress.IPv4Address(block.first_ip + offset),
                    ordinal,
                    _role(plan.failover, ordinal),
                )
            )
            if len(found) == limit:
                break
        return found

    def _blocks_of(self, service: str) -> dict[str, Block]:
        if "blocks" not in self._cache:
            index: dict[str, dict[str, Block]] = {}
            for block in self.blocks:
                index.setdefault(block.service, {})[block.zone] = block
            self._cache["blocks"] = index
        return self._cache["blocks"].get(service, {})  # type: ignore[no-any-return]

    def subnet_of(self, tier: str, zone: str) -> Subnet:
        return next(s for s in self.subnets if s.tier == tier and s.zone == zone)

    @property
    def entry_services(self) -> tuple[str, ...]:
        """The services clients reach first: those of the first tier."""
        return self.tiers[0].services

    def to_dict(self) -> dict[str, Any]:
        """Plain data of the whole plan, for JSON output and golden files."""
        return {
            "name": self.name,
            "provider": self.provider,
            "region": self.region,
            "zones": list(self.zones),
            "network": {"cidr": str(self.network), "nat": self.nat},
            "subnets": [
                {
                    "name": s.name,
                    "tier": s.tier,
                    "zone": s.zone,
                    "cidr": str(s.cidr),
                    "public": s.public,
                }
                for s in self.subnets
            ],
            "services": [_service_dict(s) for s in self.services.values()],
            "instances": [
                {
                    "name": i.name,
                    "service": i.service,
                    "tier": i.tier,
                    "zone": i.zone,
                    "subnet": i.subnet,
                    "ip": str(i.ip),
                    "role": i.role,
                }
                for i in self.instances
            ],
            "managed": [
                {
                    "name": m.name,
                    "service": m.service,
                    "kind": m.kind,
                    "zone": m.zone,
                    "subnet": m.subnet,
                    "role": m.role,
                    "ip": str(m.ip) if m.ip else None,
                }
                for m in self.managed
            ],
            "nat_gateways": [
                {
                    "name": n.name,
                    "zone": n.zone,
                    "subnet": n.subnet,
                    "ip": str(n.ip),
                    "serves": list(n.serves),
                }
                for n in self.nat_gateways
            ],
        }


def _service_dict(s: ServicePlan) -> dict[str, Any]:
    return {
        "name": s.name,
        "tier": s.tier,
        "kind": s.kind,
        "software": s.software,
        "failover": s.failover,
        "count": s.count,
        "min_healthy": s.min_healthy,
        "survivors_needed": s.survivors_needed,
        "port": s.port,
        "listen": list(s.listen),
        "zones": list(s.zones),
        "per_zone": s.per_zone,
        "instances": list(s.instances),
        "depends_on": list(s.depends_on),
        "routes": [r.to for r in s.routes],
        "entry": s.entry,
    }


def resolve_service(topology: model.Topology, tier: str, name: str, entry: bool) -> ServicePlan:
    """A service's declaration with every default filled in (counts, zones, port, failover)."""
    service = topology.tiers[tier].services[name]
    zones = tuple(service.zones or topology.zones)
    software: str
    failover: str
    engine: str | None
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
    base, extra = divmod(count, len(zones))
    return {zone: base + (i < extra) for i, zone in enumerate(zones) if base + (i < extra)}


def iter_zone_sequence(per_zone: dict[str, int]) -> Iterator[str]:
    """The zone of each replica in order: one per zone per round, like dealing cards."""
    remaining = dict(per_zone)
    while remaining:
        for zone in list(remaining):
            yield zone
            remaining[zone] -= 1
            if not remaining[zone]:
                del remaining[zone]


def zone_sequence(per_zone: dict[str, int]) -> list[str]:
    """``iter_zone_sequence`` as a list."""
    return list(iter_zone_sequence(per_zone))


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

    def run(self) -> Plan:
        layout = self._layout()
        prefixes = self._prefixes(layout, self._demand(layout))
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
        low, high = RESERVED[self.provider]
        next_low = {key: int(s.cidr.network_address) + low for key, s in subnets.items()}
        next_high = {key: int(s.cidr.broadcast_address) - high for key, s in subnets.items()}
        addr = ipaddress.IPv4Address

        blocks: list[Block] = []
        managed: list[ManagedEndpoint] = []
        for name, service in self.services.items():
            if service.kind == "compute":
                for zone, count in service.per_zone.items():
                    key = (service.tier, zone)
                    blocks.append(Block(name, zone, subnets[key].name, next_low[key], count))
                    next_low[key] += count
            elif service.kind == "database":
                for index, zone in enumerate(service.zones, start=1):
                    role = "primary" if index == 1 else "standby"
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
            subnets=tuple(subnets.values()),
            blocks=tuple(blocks),
            managed=tuple(managed),
            nat_gateways=tuple(nat_gateways),
        )

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

    def _demand(self, layout: list[tuple[str | None, str]]) -> dict[tuple[str | None, str], int]:
        """Addresses each subnet needs, reserved ones included."""
        low, high = RESERVED[self.provider]
        demand = dict.fromkeys(layout, low + high)
        for service in self.services.values():
            if service.kind == "compute":
                for zone, count in service.per_zone.items():
                    demand[(service.tier, zone)] += count
            elif service.kind == "database":
                for zone in service.zones:
                    demand[(service.tier, zone)] += DATABASE_ADDRESSES
            else:
                for zone in service.zones:
                    demand[(service.tier, zone)] += 1
        for zone, _ in self._nat_zones():
            demand[(self._egress_tier(), zone)] += 1
        return demand

    def _prefixes(
        self, layout: list[tuple[str | None, str]], demand: dict[tuple[str | None, str], int]
    ) -> dict[str | None, int]:
        """Prefix length of each tier's subnets: its busiest zone fits, /24 when there is room."""
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
            if total <= self.network.num_addresses and all(
                p >= self.network.prefixlen for p in prefixes.values()
            ):
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


def _role(failover: str, index: int) -> str:
    if failover == "active-passive":
        return "active" if index == 1 else "passive"
    if failover == "primary-standby":
        return "primary" if index == 1 else "standby"
    return "member"
