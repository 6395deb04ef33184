"""What every network plan is made of: subnets, address blocks, egress gateways."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from tiered import model

#: "blocks": every compute service has its own block with headroom (``addressing``);
#: "compact": the network had no room for that, addresses are packed in service order.
Addressing = Literal["blocks", "compact"]


@dataclass(frozen=True, slots=True)
class Subnet:
    """A subnet of one tier (``tier`` None: an egress-only public subnet) in one zone.

    ``rds_only``: the second zone of a one-zone topology's DB subnet group (``rds_subnets``).

    A stretched segment (``entry_segment``: one VLAN for a VRRP pair) spans several zones:
    ``zones`` lists them and ``zone`` joins them with ``+``.
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


class Block(NamedTuple):
    """The replicas of one service in one zone, inside the addresses reserved for them.

    ``capacity`` addresses from ``base`` belong to the service (``addressing``); replica ``j``
    of the zone (0-based) is at ``base + ((first_ip - base) XOR j)``, so the first one is at
    ``first_ip``. A compact plan reserves no headroom: ``base`` is ``first_ip``, ``capacity``
    is ``size`` and the addresses are consecutive. Blocks are what planning computes;
    instances are derived from them on demand, so that validating and analysing a plan never
    costs anything per replica.
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
class NatGateway:
    """An egress gateway of the private subnets of one or more zones."""

    name: str
    zone: str
    subnet: str
    ip: ipaddress.IPv4Address
    serves: tuple[str, ...]


class EndpointAddress(NamedTuple):
    """Where a managed endpoint is: its subnet, and its address when tiered assigns one."""

    subnet: str
    ip: ipaddress.IPv4Address | None


@dataclass(slots=True)
class _BlockIndex:
    """The blocks by service and zone, built on first use (a plan is read far more often)."""

    by_service: dict[str, dict[str, Block]] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NetworkBase:
    """A carved network: its subnets and every compute service's address blocks."""

    cidr: ipaddress.IPv4Network
    subnets: tuple[Subnet, ...]
    blocks: tuple[Block, ...]
    addressing: Addressing = "blocks"
    #: Subnets each tier reserves, one per zone slot (``zone_slots``).
    zone_slots: int = 8
    #: The egress the topology asks for, and the gateways planned for it (none on premises,
    #: where the site's routers are not tiered's to plan).
    nat: model.Nat = "per-zone"
    nat_gateways: tuple[NatGateway, ...] = ()
    #: The managed endpoints' subnets and addresses, by endpoint name.
    endpoints: dict[str, EndpointAddress] = field(default_factory=dict)
    _index: _BlockIndex = field(default_factory=_BlockIndex, repr=False, compare=False)

    def blocks_of(self, service: str) -> dict[str, Block]:
        """The blocks of ``service`` by zone (none for a managed service)."""
        index = self._index.by_service
        if index is None:
            index = {}
            for block in self.blocks:
                index.setdefault(block.service, {})[block.zone] = block
            self._index.by_service = index
        return index.get(service, {})

    def subnet_of(self, tier: str, zone: str) -> Subnet:
        """The subnet of ``tier`` in ``zone`` (never the stretched entry segment)."""
        return next(s for s in self.subnets if s.tier == tier and s.zone == zone)
