"""The placement plan: every replica of every service in its zone, with its role.

The plan is the one truth every analysis and renderer reads. It is computed once from a
valid topology by ``tiered.placement.planner``, is deterministic (same topology, same plan) and
frozen. It has two parts: the provider-neutral placement (services of each kind with their
replicas per zone, roles and members: what the analysis reads) and the provider's network
plan (``tiered.placement.networks``: subnets, address blocks, gateways). Instances join the
two: they are derived on demand from the placement's zone sequence and the network's blocks,
so that validating and analysing a plan costs nothing per replica.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from tiered import model
from tiered.placement.networks.aws import AwsNetwork
from tiered.placement.networks.base import Block, NatGateway, Subnet
from tiered.placement.networks.onprem import OnPremNetwork
from tiered.placement.services import (
    ComputeService,
    DatabaseService,
    EndpointRole,
    FailoverMode,
    FilesystemService,
    ServicePlan,
)

__all__ = [
    "Block",
    "ComputeService",
    "DatabaseService",
    "EndpointRole",
    "FailoverMode",
    "FilesystemService",
    "Instance",
    "ManagedEndpoint",
    "NatGateway",
    "NetworkPlan",
    "Plan",
    "ServicePlan",
    "Subnet",
    "TierPlan",
    "iter_zone_sequence",
]

#: What a compute replica does for its service.
InstanceRole = Literal["active", "passive", "primary", "standby", "member"]
#: A provider's network plan, discriminated by ``provider``.
NetworkPlan = AwsNetwork | OnPremNetwork


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
class TierPlan:
    name: str
    role: model.Role
    public: bool
    services: tuple[str, ...]
    #: True for a tier clients reach first (``tiered.placement.canonical.entry_tiers``).
    entry: bool = False


@dataclass(slots=True)
class _Memo:
    """What a plan builds on first use and keeps (a plan is read far more often)."""

    instances: tuple[Instance, ...] | None = None
    by_name: dict[str, Instance] | None = None
    entry_services: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    """The placement plan of a topology: the neutral placement and its network plan."""

    name: str
    description: str
    provider: model.Provider
    region: str | None
    zones: tuple[str, ...]
    entry: model.Entry | None
    assumptions: model.Assumptions
    tiers: tuple[TierPlan, ...]
    services: dict[str, ServicePlan]
    #: Every managed endpoint (database primaries and standbys, mount targets).
    managed: tuple[ManagedEndpoint, ...]
    network: NetworkPlan
    _memo: _Memo = field(default_factory=_Memo, repr=False, compare=False)

    @property
    def instance_count(self) -> int:
        """How many compute instances the plan holds, without building them."""
        return sum(block.size for block in self.network.blocks)

    @property
    def instances(self) -> tuple[Instance, ...]:
        """Every compute instance, service by service in replica order (built on first use)."""
        if self._memo.instances is None:
            self._memo.instances = tuple(
                instance
                for name, service in self.services.items()
                if not service.managed
                for instance in self.instances_of(name)
            )
        return self._memo.instances

    def instance(self, name: str) -> Instance:
        """The instance called ``name``; raises KeyError if there is none."""
        if self._memo.by_name is None:
            self._memo.by_name = {i.name: i for i in self.instances}
        return self._memo.by_name[name]

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
        if plan.managed or limit == 0:
            return []
        blocks = self.network.blocks_of(service)
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

    def compute(self, name: str) -> ComputeService:
        """The compute service called ``name``; raises KeyError if there is none."""
        service = self.services[name]
        if not isinstance(service, ComputeService):
            raise KeyError(f"{name} is a managed {service.kind}, not a compute service")
        return service

    # -- the network plan's parts most readers want, under the names they read naturally --

    @property
    def subnets(self) -> tuple[Subnet, ...]:
        """Every subnet of the network plan."""
        return self.network.subnets

    def subnet_of(self, tier: str, zone: str) -> Subnet:
        """The subnet of ``tier`` in ``zone`` (never the stretched entry segment)."""
        return self.network.subnet_of(tier, zone)

    @property
    def entry_segment(self) -> Subnet | None:
        """The one segment the on-premises VRRP entry pair and its VIP share, if any."""
        return self.network.entry_segment

    @property
    def subnet_zones(self) -> tuple[str, ...]:
        """Every zone holding a subnet: the topology's, then those of RDS-only subnets."""
        return tuple(dict.fromkeys([*self.zones, *(s.zone for s in self.subnets)]))

    @property
    def entry_tier(self) -> TierPlan:
        """The first entry tier (the canonical order puts the entry tiers first)."""
        return self.tiers[0]

    @property
    def entry_services(self) -> tuple[str, ...]:
        """The services clients reach first: those of the entry tiers."""
        if self._memo.entry_services is None:
            self._memo.entry_services = tuple(
                name for tier in self.tiers if tier.entry for name in tier.services
            )
        return self._memo.entry_services

    def to_dict(self) -> dict[str, Any]:
        """Plain data of the whole plan, for JSON output and golden files."""
        return {
            "name": self.name,
            "provider": self.provider,
            "region": self.region,
            "zones": list(self.zones),
            "network": {
                "cidr": str(self.network.cidr),
                "nat": self.network.nat,
                "zone_slots": self.network.zone_slots,
            },
            "addressing": self.network.addressing,
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
            "entry_segment": _segment_dict_of(self),
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
                for b in self.network.blocks
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
                for n in self.network.nat_gateways
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
