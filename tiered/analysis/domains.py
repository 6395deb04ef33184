"""Failure domains and what a set of failed domains does to each service directly.

The domains are the zones, the managed services (a database, a file system: the provider
may lose the whole service) and the instances. Instances of one service in one zone are
interchangeable for the analysis, so a failure counts *how many* replicas of a service
are lost in a zone, never which: the analysis does not grow with the replica count.

A service is directly down when fewer replicas survive than its failover mode needs
(``ServicePlan.survivors_needed``), or when it was named as failed as a whole.
"""

from __future__ import annotations

from dataclasses import dataclass

from tiered.placement.plan import FilesystemService, Plan, ServicePlan
from tiered.validation.schema_errors import did_you_mean


class UnknownDomain(ValueError):
    """A failure named something that is no zone, service or instance of the plan."""

    def __init__(self, name: str, hint: str) -> None:
        super().__init__(f"'{name}' is not a zone, service or instance of this topology")
        self.name, self.hint = name, hint


@dataclass(frozen=True, slots=True)
class Failure:
    """Failed domains: whole zones, whole services, and replicas lost per (service, zone)."""

    names: tuple[str, ...] = ()
    zones: frozenset[str] = frozenset()
    services: frozenset[str] = frozenset()
    lost: tuple[tuple[str, str, int], ...] = ()  # (service, zone, replicas lost), sorted
    named: tuple[tuple[str, str], ...] = ()  # (service, instance name) of the lost replicas

    def lost_in(self, service: str) -> dict[str, int]:
        return {zone: n for s, zone, n in self.lost if s == service}


def resolve(plan: Plan, names: list[str]) -> Failure:
    """The failure of the named domains; raises UnknownDomain with a did-you-mean hint.

    A name is looked up as a zone, then a service, then an instance or a managed endpoint
    (``db-primary``, ``files-us-east-1b``).
    """
    zones: set[str] = set()
    services: set[str] = set()
    lost: dict[tuple[str, str], int] = {}
    named: list[tuple[str, str]] = []
    endpoints = {m.name: (m.service, m.zone) for m in plan.managed}
    for name in dict.fromkeys(names):
        if name in plan.zones:
            zones.add(name)
        elif name in plan.services:
            services.add(name)
        elif name in endpoints or _is_instance(plan, name):
            where = endpoints.get(name) or (plan.instance(name).service, plan.instance(name).zone)
            lost[where] = lost.get(where, 0) + 1
            named.append((where[0], name))
        else:
            choices = [*plan.zones, *plan.services, *(i.name for i in plan.instances), *endpoints]
            hint = did_you_mean(name, choices) or (
                f"name a zone ({', '.join(plan.zones)}), a service or an instance "
                "(`tiered plan` lists them)"
            )
            raise UnknownDomain(name, hint)
    return Failure(
        names=tuple(dict.fromkeys(names)),
        zones=frozenset(zones),
        services=frozenset(services),
        lost=tuple(sorted((s, z, n) for (s, z), n in lost.items())),
        named=tuple(dict.fromkeys(named)),
    )


def _is_instance(plan: Plan, name: str) -> bool:
    try:
        plan.instance(name)
    except KeyError:
        return False
    return True


def survivors(service: ServicePlan, zones: frozenset[str], lost: dict[str, int]) -> int:
    """Replicas of ``service`` left when ``zones`` fail and ``lost`` replicas die elsewhere."""
    left = 0
    for zone, count in service.per_zone.items():
        if zone not in zones:
            left += max(0, count - lost.get(zone, 0))
    return left


def direct_reason(service: ServicePlan, failure: Failure) -> tuple[str, tuple[str, ...]] | None:
    """Why ``service`` is down on its own under ``failure`` (and the domains to blame), or None."""
    if service.name in failure.services:
        return f"{_what_failed(service)} failed", (service.name,)
    lost = failure.lost_in(service.name) if failure.lost else {}
    left = survivors(service, failure.zones, lost)
    if left >= service.survivors_needed:
        return None
    zones = tuple(z for z in service.per_zone if z in failure.zones)
    blamed = zones + tuple(n for s, n in failure.named if s == service.name)
    if isinstance(service, FilesystemService):
        return f"every zone with a mount target failed ({', '.join(zones)})", zones
    gone = service.count - left
    where = ", ".join(
        [
            *zones,
            *(
                f"{n} instance{'s' if n > 1 else ''} in {z}"
                for z, n in lost.items()
                if z not in failure.zones
            ),
        ]
    )
    return (
        f"{gone} of {service.count} replicas lost ({where}); "
        f"{needs(service)}, {left} survive{'s' if left == 1 else ''}",
        blamed,
    )


def needs(service: ServicePlan) -> str:
    """What the failover mode needs, in words: 'a quorum needs 2 of 3'."""
    n = service.survivors_needed
    if service.failover == "quorum":
        return f"a quorum needs {n} of {service.count}"
    if service.failover == "active-active":
        return f"active-active needs min_healthy {n}"
    if service.failover == "none":
        return f"failover none needs all {n}"
    return f"{service.failover} needs {n}"


def _what_failed(service: ServicePlan) -> str:
    return f"the {service.noun}" if service.managed else "the service as a whole"


def representatives(plan: Plan, per_zone: int = 2) -> dict[tuple[str, str], list[str]]:
    """The first ``per_zone`` instance names of each compute service in each of its zones.

    Read from the plan's blocks: a few steps per service and zone, whatever the replicas.
    """
    found: dict[tuple[str, str], list[str]] = {}
    for name, service in plan.services.items():
        if service.managed:
            continue
        for zone in service.per_zone:
            found[(name, zone)] = [i.name for i in plan.first_instances(name, zone, per_zone)]
    return found
