"""Fault tolerance: the fewest simultaneous domain failures that take the system down.

The system is down exactly when a service in the closure of the entry services is down on
its own (a down service takes every caller with it, up to an entry). So the cheapest way to
break the system is: pick a set of zones, then the cheapest service to finish off — a
compute service needs ``survivors - needed + 1`` more instances, a managed one its own
failure. Zone sets are tried in growing size and the search stops when no larger set can
do better: exact, and independent of the replica count.

The minimal cut sets themselves (instances, zones and managed services: what the Open-PSA
export and SCRAM see) are counted and listed in ``tiered.analysis.cut_sets``.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from tiered.analysis.data import ToleranceData
from tiered.analysis.domains import survivors
from tiered.analysis.graph import Calls
from tiered.placement.plan import Plan, ServicePlan


@dataclass(frozen=True, slots=True)
class FaultTolerance:
    """``order`` failures take the system down (None: no set of domains does); one such set.

    ``own_order`` is the same count when managed services (the provider's database and
    file system) are assumed to hold: what the design itself tolerates. The example set
    prefers zones and instances over managed services when both are as small.
    """

    order: int | None
    example: tuple[str, ...]
    service: str | None
    own_order: int | None = None
    own_example: tuple[str, ...] = ()

    @property
    def tolerated(self) -> int | None:
        """How many simultaneous failures the system always survives (None: any number)."""
        return None if self.order is None else self.order - 1

    def to_dict(self) -> ToleranceData:
        return {
            "order": self.order,
            "tolerated": self.tolerated,
            "example": list(self.example),
            "service": self.service,
            "without_managed_outages": {
                "order": self.own_order,
                "example": list(self.own_example),
            },
        }


def _cost(service: ServicePlan, zones: frozenset[str], managed: bool) -> int | None:
    left = survivors(service, zones, {})
    if left < service.survivors_needed:
        return 0
    if service.managed:
        return 1 if managed else None
    return left - service.survivors_needed + 1


def fault_tolerance(plan: Plan, calls: Calls) -> FaultTolerance:
    """The smallest number of domain failures that takes the system down, and one such set."""
    relevant = [plan.services[name] for name in plan.services if name in calls.closure]
    own = _search(plan, relevant, managed=False)
    every = _search(plan, relevant, managed=True)
    if every is None:
        return FaultTolerance(None, (), None)
    if own is not None and own[0] == every[0]:
        every = own
    own_order, own_example = (own[0], own[1]) if own else (None, ())
    return FaultTolerance(every[0], every[1], every[2], own_order, own_example)


def _search(
    plan: Plan, relevant: list[ServicePlan], managed: bool
) -> tuple[int, tuple[str, ...], str] | None:
    best: tuple[int, frozenset[str], ServicePlan] | None = None
    for size in range(len(plan.zones) + 1):
        if best is not None and size >= best[0]:
            break
        for chosen in combinations(plan.zones, size):
            zones = frozenset(chosen)
            for service in relevant:
                cost = _cost(service, zones, managed)
                if cost is not None and (best is None or size + cost < best[0]):
                    best = (size + cost, zones, service)
    if best is None:
        return None
    total, zones, service = best
    return total, _example(plan, zones, service, total - len(zones)), service.name


def _example(plan: Plan, zones: frozenset[str], service: ServicePlan, more: int) -> tuple[str, ...]:
    names = [zone for zone in plan.zones if zone in zones]
    if more and service.managed:
        names.append(service.name)
    elif more:
        candidates = [
            instance
            for zone in service.per_zone
            if zone not in zones
            for instance in plan.first_instances(service.name, zone, more)
        ]
        names.extend(i.name for i in sorted(candidates, key=lambda i: i.ordinal)[:more])
    return tuple(names)
