"""The placement plan: every replica as an instance with a zone, a subnet and an address.

The plan is the one truth every analysis and renderer reads. It is computed once from a
valid topology by ``tiered.placement.planner``, is deterministic (same topology, same plan) and
frozen. Instances are derived on demand from blocks of consecutive addresses, so that
validating and analysing a plan costs nothing per replica.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from tiered import model

#: A service's failover mode in the plan: the model's modes, or ``managed`` (a file system).
FailoverMode = model.Failover | Literal["managed"]
#: What a compute replica does for its service.
InstanceRole = Literal["active", "passive", "primary", "standby", "member"]
#: What a managed endpoint is.
EndpointRole = Literal["primary", "standby", "mount-target"]


@dataclass(frozen=True, slots=True)
class Subnet:
    """A subnet of one tier (``tier`` None: an egress-only public subnet) in one zone.

    ``rds_only``: the second zone of a one-zone topology's DB subnet group (tiered.rds_subnets).

    A stretched segment (``tiered.placement.entry_segment``: one VLAN for a VRRP pair) spans several
    zones: ``zones`` lists them and ``zone`` joins them with ``+``.
    """

    name: str
    tier: str | None
    zone: str
    cidr: ipaddress.IPv4Network
    public: bool
    rds_only: bool = False
    zones: tuple[str, ...] = ()

    @property
    def stretched(self) -> bool:
        return bool(self.zones)


class Instance(NamedTuple):
    """One replica of a compute service (a named tuple: plans hold tens of thousands)."""

    name: str
    service: str
    tier: str
    zone: str
    subnet: str
    ip: ipaddress.IPv4Address
    ordinal: int  # 1 for the first replica: the number in its name
    role: InstanceRole  # active / passive (active-passive), primary / standby, else member


class Block(NamedTuple):
    """The replicas of one service in one zone, inside the addresses reserved for them.

    ``capacity`` addresses from ``base`` belong to the service (``tiered.addressing``);
    replica ``j`` of the zone (0-based) is at ``base + ((first_ip - base) XOR j)``, so the
    first one is at ``first_ip``. A compact plan reserves no headroom: ``base`` is
    ``first_ip``, ``capacity`` is ``size`` and the addresses are consecutive. Blocks are
    what planning computes; instances are derived from them on demand, so that validating
    and analysing a plan never costs anything per replica.
    """

    service: str
    zone: str
    subnet: str
    first_ip: int
    size: int
    base: int
    capacity: int

    def address(self, offset: int) -> int:
        """The address of the zone's replica number ``offset`` (0-based)."""
        return self.base + ((self.first_ip - self.base) ^ offset)

    def offset_of(self, ip: int) -> int | None:
        """Which replica of the block holds ``ip``, if any."""
        if not self.base <= ip < self.base + self.capacity:
            return None
        offset = (ip - self.base) ^ (self.first_ip - self.base)
        return offset if offset < self.size else None

    @property
    def cidr(self) -> str:
        """The reserved addresses as a CIDR block, or a range when they are not one."""
        if self.capacity & (self.capacity - 1) == 0 and self.base % self.capacity == 0:
            return f"{ipaddress.IPv4Address(self.base)}/{33 - self.capacity.bit_length()}"
        last = ipaddress.IPv4Address(self.base + self.capacity - 1)
        return f"{ipaddress.IPv4Address(self.base)}-{last}"


@dataclass(frozen=True, slots=True)
class ManagedEndpoint:
    """Where a managed service lives: a database primary or standby, or a mount target."""

    name: str
    service: str
    kind: model.Kind
    zone: str
    subnet: str
    role: EndpointRole
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
    kind: model.Kind
    software: str
    failover: FailoverMode
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
    engine: model.Engine | None
    balance: model.Balance
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
    role: model.Role
    public: bool
    services: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Plan:
    """The placement plan of a topology."""

    name: str
    description: str
    provider: model.Provider
    region: str | None
    zones: tuple[str, ...]
    network: ipaddress.IPv4Network
    nat: model.Nat
    entry: model.Entry | None
    assumptions: model.Assumptions
    tiers: tuple[TierPlan, ...]
    services: dict[str, ServicePlan]
    subnets: tuple[Subnet, ...]
    blocks: tuple[Block, ...]
    managed: tuple[ManagedEndpoint, ...]
    nat_gateways: tuple[NatGateway, ...]
    #: "blocks": every service has its own block with headroom (``tiered.addressing``);
    #: "compact": the network had no room for that, addresses are packed in service order.
    addressing: str = "blocks"
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
                    ipaddress.IPv4Address(block.address(offset)),
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
        """The subnet of ``tier`` in ``zone`` (never the stretched entry segment)."""
        return next(s for s in self.subnets if s.tier == tier and s.zone == zone)

    def _segment_dict(self) -> dict[str, Any] | None:
        return _segment_dict_of(self)

    @property
    def entry_segment(self) -> Subnet | None:
        """The one segment the on-premises VRRP entry pair and its VIP share, if any."""
        return next((s for s in self.subnets if s.stretched), None)

    @property
    def subnet_zones(self) -> tuple[str, ...]:
        """Every zone holding a subnet: the topology's, then those of RDS-only subnets."""
        return tuple(dict.fromkeys([*self.zones, *(s.zone for s in self.subnets)]))

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
            "addressing": self.addressing,
            "subnets": [
                {
                    "name": s.name,
                    "tier": s.tier,
                    "zone": s.zone,
                    "cidr": str(s.cidr),
                    "public": s.public,
                    **({"rds_only": True} if s.rds_only else {}),
                    "zones": list(s.zones or (s.zone,)),
                    "stretched": s.stretched,
                }
                for s in self.subnets
            ],
            "entry_segment": self._segment_dict(),
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
            "blocks": [
                {
                    "service": b.service,
                    "zone": b.zone,
                    "subnet": b.subnet,
                    "block": b.cidr,
                    "first": str(ipaddress.IPv4Address(b.first_ip)),
                    "replicas": b.size,
                    "capacity": b.capacity,
                }
                for b in self.blocks
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


def _segment_dict_of(plan: Plan) -> dict[str, Any] | None:
    segment = plan.entry_segment
    if segment is None or plan.entry is None:
        return None
    return {
        "name": segment.name,
        "cidr": str(segment.cidr),
        "zones": list(segment.zones),
        "vip": f"{plan.entry.vip}/{segment.cidr.prefixlen}",
        "instances": [i.name for i in plan.instances if i.subnet == segment.name],
        "why": "one VLAN stretched over its zones: VRRP and gratuitous ARP stay in one segment",
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


def iter_zone_sequence(per_zone: dict[str, int]) -> Iterator[str]:
    """The zone of each replica in order: one per zone per round, like dealing cards."""
    remaining = dict(per_zone)
    while remaining:
        for zone in list(remaining):
            yield zone
            remaining[zone] -= 1
            if not remaining[zone]:
                del remaining[zone]


def _role(failover: FailoverMode, index: int) -> InstanceRole:
    if failover == "active-passive":
        return "active" if index == 1 else "passive"
    if failover == "primary-standby":
        return "primary" if index == 1 else "standby"
    return "member"
