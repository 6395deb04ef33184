"""What a change does to the plan: instances added, removed or moved, subnets re-carved,
managed endpoints moved, and NGINX upstream membership.

Instances are compared by name (``integrate-2``); one moves when its zone, subnet or
address differs. Services whose blocks of addresses are the same on both sides are
skipped without building their instances, so a small change to a large plan costs little.
Upstream membership follows the NGINX renderer's rule: one upstream per routed service
of an entry-tier NGINX service, holding every instance's ``address:port``, the replicas
of an active-passive or primary-standby target after the first as ``backup``.
"""

from __future__ import annotations

from dataclasses import dataclass

from tiered.placement.plan import Block, ComputeService, Plan, iter_zone_sequence
from tiered.software import software

Where = tuple[str, str, str]  # zone, subnet, address


@dataclass(frozen=True, slots=True)
class Move:
    """Something that exists on both sides at another place."""

    name: str
    before: Where
    after: Where

    def to_dict(self) -> dict[str, object]:
        zone, subnet, ip = self.before
        zone2, subnet2, ip2 = self.after
        return {
            "name": self.name,
            "before": {"zone": zone, "subnet": subnet, "ip": ip},
            "after": {"zone": zone2, "subnet": subnet2, "ip": ip2},
        }


@dataclass(frozen=True, slots=True)
class Placed:
    """Something on one side only."""

    name: str
    where: Where

    def to_dict(self) -> dict[str, object]:
        zone, subnet, ip = self.where
        return {"name": self.name, "zone": zone, "subnet": subnet, "ip": ip}


@dataclass(frozen=True, slots=True)
class UpstreamChange:
    """Servers that join or leave the upstream ``target`` of the proxy ``proxy``."""

    proxy: str
    target: str
    added: tuple[str, ...]
    removed: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "proxy": self.proxy,
            "upstream": self.target,
            "added": list(self.added),
            "removed": list(self.removed),
        }


@dataclass(frozen=True, slots=True)
class PlanChanges:
    instances_added: tuple[Placed, ...]
    instances_removed: tuple[Placed, ...]
    instances_moved: tuple[Move, ...]
    subnets_added: tuple[Placed, ...]
    subnets_removed: tuple[Placed, ...]
    subnets_recarved: tuple[Move, ...]
    managed_added: tuple[Placed, ...]
    managed_removed: tuple[Placed, ...]
    managed_moved: tuple[Move, ...]
    upstreams: tuple[UpstreamChange, ...]

    @property
    def changed(self) -> bool:
        return any(getattr(self, f) for f in self.__dataclass_fields__)

    def to_dict(self) -> dict[str, object]:
        return {
            "instances": {
                "added": [i.to_dict() for i in self.instances_added],
                "removed": [i.to_dict() for i in self.instances_removed],
                "moved": [i.to_dict() for i in self.instances_moved],
            },
            "subnets": {
                "added": [s.to_dict() for s in self.subnets_added],
                "removed": [s.to_dict() for s in self.subnets_removed],
                "recarved": [s.to_dict() for s in self.subnets_recarved],
            },
            "managed_endpoints": {
                "added": [m.to_dict() for m in self.managed_added],
                "removed": [m.to_dict() for m in self.managed_removed],
                "moved": [m.to_dict() for m in self.managed_moved],
            },
            "upstreams": [u.to_dict() for u in self.upstreams],
        }


def compare_plans(base: Plan, head: Plan) -> PlanChanges:
    added, removed, moved = _instances(base, head)
    subnets = _by_name(
        {s.name: (s.zone, s.tier or "egress", str(s.cidr)) for s in base.subnets},
        {s.name: (s.zone, s.tier or "egress", str(s.cidr)) for s in head.subnets},
    )
    managed = _by_name(
        {m.name: (m.zone, m.subnet, str(m.ip or "")) for m in base.managed},
        {m.name: (m.zone, m.subnet, str(m.ip or "")) for m in head.managed},
    )
    return PlanChanges(
        added,
        removed,
        moved,
        *subnets,
        *managed,
        upstreams=_upstreams(base, head),
    )


def _dotted(address: int) -> str:
    return f"{address >> 24}.{(address >> 16) & 255}.{(address >> 8) & 255}.{address & 255}"


BlockIndex = dict[str, dict[str, Block]]  # service → zone → its block of addresses


def _blocks(plan: Plan) -> BlockIndex:
    """Each service's block of addresses, per zone."""
    index: BlockIndex = {}
    for block in plan.network.blocks:
        index.setdefault(block.service, {})[block.zone] = block
    return index


def _placements(name: str, per_zone: dict[str, int], blocks: dict[str, Block]) -> dict[str, Where]:
    """Instance name → (zone, subnet, address) of a compute service, as the plan derives
    them (``Plan.first_instances``): replicas dealt over the zones in order, each zone's
    replicas at the addresses of its block (``Block.address``). The tests hold this to the
    plan's own instances for every example."""
    used = dict.fromkeys(per_zone, 0)
    placed: dict[str, Where] = {}
    for ordinal, zone in enumerate(iter_zone_sequence(per_zone), start=1):
        block = blocks[zone]
        placed[f"{name}-{ordinal}"] = (zone, block.subnet, _dotted(block.address(used[zone])))
        used[zone] += 1
    return placed


def placements(plan: Plan) -> dict[str, Where]:
    """Every compute instance of ``plan`` with its zone, subnet and address."""
    index = _blocks(plan)
    found: dict[str, Where] = {}
    for name, service in plan.services.items():
        if isinstance(service, ComputeService):
            found.update(_placements(name, service.per_zone, index.get(name, {})))
    return found


def _instances(
    base: Plan, head: Plan
) -> tuple[tuple[Placed, ...], tuple[Placed, ...], tuple[Move, ...]]:
    added: list[Placed] = []
    removed: list[Placed] = []
    moved: list[Move] = []
    blocks_before, blocks_after = _blocks(base), _blocks(head)
    for name in dict.fromkeys([*head.services, *base.services]):
        old, new = base.services.get(name), head.services.get(name)
        old_blocks, new_blocks = blocks_before.get(name, {}), blocks_after.get(name, {})
        if (
            old is not None
            and new is not None
            and list(old.per_zone.items()) == list(new.per_zone.items())
            and old_blocks == new_blocks
        ):
            continue  # same replicas per zone in the same blocks: the same instances
        before = (
            _placements(name, old.per_zone, old_blocks)
            if old and isinstance(old, ComputeService)
            else {}
        )
        after = (
            _placements(name, new.per_zone, new_blocks)
            if new and isinstance(new, ComputeService)
            else {}
        )
        for instance, where in after.items():
            if instance not in before:
                added.append(Placed(instance, where))
            elif before[instance] != where:
                moved.append(Move(instance, before[instance], where))
        removed.extend(Placed(n, w) for n, w in before.items() if n not in after)
    return tuple(added), tuple(removed), tuple(moved)


def _by_name(
    before: dict[str, Where], after: dict[str, Where]
) -> tuple[tuple[Placed, ...], tuple[Placed, ...], tuple[Move, ...]]:
    added = tuple(Placed(n, w) for n, w in after.items() if n not in before)
    removed = tuple(Placed(n, w) for n, w in before.items() if n not in after)
    moved = tuple(Move(n, before[n], w) for n, w in after.items() if n in before and before[n] != w)
    return added, removed, moved


BACKUP_ROLES = ("passive", "standby")


def upstream_members(plan: Plan) -> dict[tuple[str, str], tuple[str, ...]]:
    """(proxy, routed service) → its servers: ``address:port (instance[, backup])``."""
    members: dict[tuple[str, str], tuple[str, ...]] = {}
    for name in plan.entry_services:
        proxy = plan.services[name]
        if not isinstance(proxy, ComputeService) or not software(proxy.software).entry_proxy:
            continue
        for route in proxy.routes:
            target = plan.services[route.to]
            if (name, target.name) in members or target.managed:
                continue
            members[(name, target.name)] = tuple(
                f"{i.ip}:{target.port} ({i.name}{', backup' if i.role in BACKUP_ROLES else ''})"
                for i in plan.instances_of(target.name)
            )
    return members


def _upstreams(base: Plan, head: Plan) -> tuple[UpstreamChange, ...]:
    before, after = upstream_members(base), upstream_members(head)
    changes = []
    for pair in dict.fromkeys([*after, *before]):
        old, new = before.get(pair, ()), after.get(pair, ())
        joined = tuple(s for s in new if s not in old)
        left = tuple(s for s in old if s not in new)
        if joined or left or (pair in before) != (pair in after):
            changes.append(UpstreamChange(pair[0], pair[1], joined, left))
    return tuple(changes)
