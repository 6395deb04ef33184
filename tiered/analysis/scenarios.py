"""Failure scenarios: what goes down when domains fail, with the root cause of every loss.

``simulate`` takes a set of failed domains, finds the services that are down on their own
(too few survivors, or failed as a whole), then follows the cascade against the call
edges: a caller of a down service is down, naming the service its failure started from.
The system is down when an entry service (of an entry tier) is.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from itertools import combinations

from tiered.analysis.data import CauseData, PairData, ScenarioData
from tiered.analysis.domains import Failure, direct_reason, representatives
from tiered.analysis.graph import Calls
from tiered.placement.plan import ComputeService, Plan


@dataclass(frozen=True, slots=True)
class Cause:
    """Why a service is down.

    ``root`` is the service whose own failure started it (the service itself when it failed
    on its own), ``via`` the dependency it went down through (None when on its own),
    ``domains`` the failed zones, services or instances behind the root.
    """

    root: str
    reason: str
    via: str | None = None
    domains: tuple[str, ...] = ()

    def to_dict(self) -> CauseData:
        return {
            "root": self.root,
            "via": self.via,
            "reason": self.reason,
            "domains": list(self.domains),
        }


@dataclass(frozen=True, slots=True)
class Scenario:
    """The outcome of a failure: the services down (in plan order) and why."""

    failed: tuple[str, ...]
    down: dict[str, Cause]
    system_down: bool
    label: str = ""

    @property
    def direct(self) -> tuple[str, ...]:
        """Services down on their own (not through a dependency)."""
        return tuple(name for name, cause in self.down.items() if cause.via is None)

    @property
    def title(self) -> str:
        return self.label or " + ".join(self.failed)

    def to_dict(self) -> ScenarioData:
        return {
            "failed": list(self.failed),
            "label": self.title,
            "system_down": self.system_down,
            "down": {name: cause.to_dict() for name, cause in self.down.items()},
        }


def simulate(plan: Plan, calls: Calls, failure: Failure, label: str = "") -> Scenario:
    """Everything that goes down under ``failure``, each with its cause."""
    direct: dict[str, Cause] = {}
    for name, service in plan.services.items():
        found = direct_reason(service, failure)
        if found is not None:
            direct[name] = Cause(root=name, reason=found[0], domains=found[1])
    return cascade(plan, calls, failure.names, direct, label)


def cascade(
    plan: Plan, calls: Calls, failed: tuple[str, ...], direct: dict[str, Cause], label: str = ""
) -> Scenario:
    """Follow direct failures to every caller, breadth first, in plan order."""
    down = dict(direct)
    queue = deque(direct)
    while queue:
        name = queue.popleft()
        cause = down[name]
        for caller in calls.callers[name]:
            if caller not in down:
                via = f"depends on {name}, which is down"
                if cause.root != name:
                    via += f" (root cause: {cause.root})"
                down[caller] = Cause(cause.root, via, name, cause.domains)
                queue.append(caller)
    rank = calls.rank
    ordered = {name: down[name] for name in sorted(down, key=rank.__getitem__)}
    system_down = any(name in down for name in plan.entry_services)
    return Scenario(failed, ordered, system_down, label)


def instance_classes(plan: Plan) -> list[tuple[str, str, str]]:
    """(service, zone, a representative instance) for every zone holding replicas."""
    first = representatives(plan, 1)
    return [
        (name, zone, first[(name, zone)][0])
        for name, service in plan.services.items()
        if isinstance(service, ComputeService)
        for zone in service.per_zone
    ]


def single_failures(plan: Plan, calls: Calls) -> list[Scenario]:
    """Every zone, every managed service, and every instance whose loss takes a service down.

    Instances are looked at once per service and zone (they are interchangeable).
    """
    scenarios = [
        simulate(plan, calls, Failure(names=(zone,), zones=frozenset({zone})), f"zone {zone}")
        for zone in plan.zones
    ]
    for name, service in plan.services.items():
        if service.managed:  # only the service itself fails directly: start the cascade there
            failure = Failure(names=(name,), services=frozenset({name}))
            reason = direct_reason(service, failure)
            assert reason is not None
            cause = Cause(root=name, reason=reason[0], domains=reason[1])
            scenarios.append(cascade(plan, calls, (name,), {name: cause}, f"{service.kind} {name}"))
    for name, zone, instance in instance_classes(plan):
        service = plan.services[name]
        if service.count - 1 < service.survivors_needed:
            many = service.per_zone[zone] > 1
            label = f"instance {instance}" + (f" (or any {name} in {zone})" if many else "")
            failure = Failure(names=(instance,), lost=((name, zone, 1),), named=((name, instance),))
            reason = direct_reason(service, failure)
            assert reason is not None
            cause = Cause(root=name, reason=reason[0], domains=(instance,))
            scenarios.append(cascade(plan, calls, (instance,), {name: cause}, label))
    return scenarios


@dataclass(frozen=True, slots=True)
class PairOutcome:
    """Two domains failing together: the services down that neither failure downs alone.

    Replicas of one service in one zone are interchangeable, so one outcome stands for a
    group of ``pairs`` pairs: ``failed`` names one of them, ``others`` says which others.
    """

    failed: tuple[str, str]
    newly_down: tuple[str, ...]
    system_down: bool
    pairs: int = 1
    others: str = ""

    @property
    def title(self) -> str:
        """``a + b``, with the interchangeable others: ``(or any other 2 of zk in z)``."""
        return " + ".join(self.failed) + (f" ({self.others})" if self.others else "")

    def to_dict(self) -> PairData:
        return {
            "failed": list(self.failed),
            "title": self.title,
            "pairs": self.pairs,
            "newly_down": list(self.newly_down),
            "system_down": self.system_down,
        }


def double_failures(plan: Plan, calls: Calls) -> list[PairOutcome]:
    """Pairs of domains that take down a service neither takes down alone.

    Only pairs that hit the same service can do worse than their two single failures
    together: two zones; a zone and a replica of a service elsewhere; two replicas of one
    service. Everything else is the union of two single failures, already reported.
    """
    single_zone = {zone: _direct(plan, Failure(zones=frozenset({zone}))) for zone in plan.zones}
    single_class: dict[tuple[str, str], bool] = {}
    for name, zone, _ in instance_classes(plan):
        service = plan.services[name]
        single_class[(name, zone)] = service.count - 1 < service.survivors_needed
    sys_zone = {zone: bool(down & calls.closure) for zone, down in single_zone.items()}
    outcomes: list[PairOutcome] = []
    for a, b in combinations(plan.zones, 2):
        pair = _direct(plan, Failure(zones=frozenset({a, b})))
        new = pair - single_zone[a] - single_zone[b]
        if new:
            outcomes.append(
                PairOutcome(
                    (a, b),
                    _ordered(calls, new),
                    bool(new & calls.closure) and not (sys_zone[a] or sys_zone[b]),
                )
            )
    reps = representatives(plan, 2)
    for name, service in plan.services.items():
        if service.managed:
            continue
        zones = list(service.per_zone)
        for zone in plan.zones:  # a zone plus one replica elsewhere
            if name in single_zone[zone]:
                continue
            for other in zones:
                if other == zone or single_class[(name, other)]:
                    continue
                failure = Failure(zones=frozenset({zone}), lost=((name, other, 1),))
                if direct_reason(service, failure) is not None:
                    many = service.per_zone[other]
                    outcomes.append(
                        PairOutcome(
                            (zone, reps[(name, other)][0]),
                            (name,),
                            name in calls.closure and not sys_zone[zone],
                            pairs=many,
                            others=f"or any other {name} in {other}" if many > 1 else "",
                        )
                    )
        for i, first in enumerate(zones):  # two replicas of the service
            for second in zones[i:]:
                if single_class[(name, first)] or single_class[(name, second)]:
                    continue
                if first == second and service.per_zone[first] < 2:
                    continue
                lost = (
                    ((name, first, 2),)
                    if first == second
                    else ((name, first, 1), (name, second, 1))
                )
                if direct_reason(service, Failure(lost=lost)) is not None:
                    one = reps[(name, first)][0]
                    two = reps[(name, second)][1 if first == second else 0]
                    n, m = service.per_zone[first], service.per_zone[second]
                    if first == second:
                        pairs = n * (n - 1) // 2
                        others = f"or any other 2 of {name} in {first}" if pairs > 1 else ""
                    else:
                        pairs = n * m
                        others = (
                            f"or any {name} in {first} with any in {second}" if pairs > 1 else ""
                        )
                    outcomes.append(
                        PairOutcome(
                            (one, two), (name,), name in calls.closure, pairs=pairs, others=others
                        )
                    )
    return outcomes


def _direct(plan: Plan, failure: Failure) -> frozenset[str]:
    return frozenset(
        name for name, service in plan.services.items() if direct_reason(service, failure)
    )


def _ordered(calls: Calls, names: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(names, key=calls.rank.__getitem__))
