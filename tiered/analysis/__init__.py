"""Resilience analysis of a plan: failure scenarios, fault tolerance, availability.

``analyze(plan)`` returns an Analysis whose parts are computed when first read, so that
``tiered validate`` (the rules only) does not pay for what the report needs. The rules
(``tiered.rules``) read an Analysis; nothing here imports them.
``whatif(plan, names)`` is the outcome of failing the named zones, services or instances.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from tiered.analysis.availability import Availability, availability
from tiered.analysis.cut_sets import (
    LIMIT,
    CutSetSummary,
    TooManyCutSets,
    cut_set_summary,
    minimal_cut_sets,
)
from tiered.analysis.data import MarginData
from tiered.analysis.domains import Failure, UnknownDomain, resolve, survivors
from tiered.analysis.scenarios import (
    Cause,
    PairOutcome,
    Scenario,
    double_failures,
    simulate,
    single_failures,
)
from tiered.analysis.tolerance import FaultTolerance, fault_tolerance
from tiered.placement.plan import Plan

if TYPE_CHECKING:
    from tiered.analysis.graph import Calls
    from tiered.loading.loader import SourceMap

__all__ = [
    "Analysis",
    "Availability",
    "Cause",
    "CutSetSummary",
    "FaultTolerance",
    "PairOutcome",
    "Scenario",
    "ServiceMargin",
    "TooManyCutSets",
    "UnknownDomain",
    "analyze",
    "whatif",
]


@dataclass(frozen=True, slots=True)
class ServiceMargin:
    """A service's replicas and how many it keeps in its worst single failure."""

    name: str
    tier: str
    kind: str
    failover: str
    count: int
    per_zone: dict[str, int]
    needed: int
    worst: int
    worst_case: str

    @property
    def margin(self) -> int:
        """Survivors beyond what the failover mode needs (negative: the service goes down)."""
        return self.worst - self.needed

    def to_dict(self) -> MarginData:
        return {
            "name": self.name,
            "tier": self.tier,
            "kind": self.kind,
            "failover": self.failover,
            "count": self.count,
            "per_zone": self.per_zone,
            "survivors_needed": self.needed,
            "worst_case_survivors": self.worst,
            "worst_case": self.worst_case,
            "margin": self.margin,
        }


class Analysis:
    """Everything tiered knows about a plan's resilience; parts are computed on first use."""

    def __init__(self, plan: Plan, source: SourceMap | None = None, depth: int = 1) -> None:
        self.plan = plan
        self.source = source
        self.depth = depth

    @cached_property
    def calls(self) -> Calls:
        from tiered.analysis.graph import Calls

        return Calls.of(self.plan)

    @cached_property
    def scenarios(self) -> list[Scenario]:
        """Single failures: every zone, every managed service, every instance that matters."""
        return single_failures(self.plan, self.calls)

    @cached_property
    def pairs(self) -> list[PairOutcome]:
        """With depth 2: pairs of domains that take down more than either alone."""
        return double_failures(self.plan, self.calls) if self.depth >= 2 else []

    @cached_property
    def fault_tolerance(self) -> FaultTolerance:
        return fault_tolerance(self.plan, self.calls)

    @cached_property
    def availability(self) -> Availability:
        return availability(self.plan, self.calls)

    @cached_property
    def margins(self) -> list[ServiceMargin]:
        return [service_margin(self.plan, name) for name in self.plan.services]

    def cut_sets(self, limit: int = LIMIT) -> list[frozenset[str]]:
        """Every minimal cut set (instances, zones, managed services); may raise TooManyCutSets."""
        return minimal_cut_sets(self.plan, self.calls, limit)

    def cut_set_summary(self, size: int | None, listed: int, limit: int = LIMIT) -> CutSetSummary:
        """Minimal cut sets counted, the first ``listed`` of ``size`` failures listed.

        Counts without listing: bounded memory whatever the replica counts. May raise
        TooManyCutSets, past the same ``limit`` as ``cut_sets``.
        """
        return cut_set_summary(self.plan, self.calls, size, listed, limit)


def service_margin(plan: Plan, name: str) -> ServiceMargin:
    """A service's replicas and the survivors it keeps in its worst single failure."""
    service = plan.services[name]
    worst, worst_case = service.count, "none"
    for zone in service.per_zone:
        left = survivors(service, frozenset({zone}), {})
        if left < worst:
            worst, worst_case = left, f"zone {zone}"
    if not service.managed and service.count - 1 < worst:
        worst, worst_case = service.count - 1, "one instance"
    return ServiceMargin(
        name=name,
        tier=service.tier,
        kind=service.kind,
        failover=service.failover,
        count=service.count,
        per_zone=dict(service.per_zone),
        needed=service.survivors_needed,
        worst=worst,
        worst_case=worst_case,
    )


def analyze(plan: Plan, source: SourceMap | None = None, depth: int = 1) -> Analysis:
    """The resilience analysis of ``plan``; ``depth`` 2 adds every pair of failures."""
    return Analysis(plan, source, depth)


def whatif(plan: Plan, failed: list[str]) -> Scenario:
    """What goes down when the named zones, services or instances fail.

    Raises UnknownDomain (with a did-you-mean hint) for a name that is none of them.
    """
    from tiered.analysis.graph import Calls

    failure: Failure = resolve(plan, failed)
    return simulate(plan, Calls.of(plan), failure)
