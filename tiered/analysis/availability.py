"""Estimated availability, computed exactly from the topology's ``assumptions``.

Every zone is up or down independently; for each combination of zone states, the replicas
of a compute service in the zones that are up survive independently (binomial), a managed
service is up when it has not failed as a whole and one of its zones is up. The system is
up when every service in the closure of the entry services is up on its own (a down
service takes its callers down). Given the zone states those services fail independently,
so the probability is a sum over zone states of products. Services with the same shape
(replicas per zone, survivors needed, kind) are computed once.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache
from itertools import product
from math import comb

from tiered.analysis.data import AvailabilityData
from tiered.analysis.graph import Calls
from tiered.placement.plan import Plan

MINUTES_PER_YEAR = 365.25 * 24 * 60
#: Zone states are enumerated exactly; past this many zones the estimate is not made.
MAX_ZONES = 16


@dataclass(frozen=True, slots=True)
class Availability:
    """The probability that the system is up, with the assumptions it rests on."""

    value: float | None
    assumptions: dict[str, float]
    note: str = ""

    @property
    def downtime_minutes(self) -> float | None:
        """Expected downtime per year, in minutes."""
        return None if self.value is None else (1.0 - self.value) * MINUTES_PER_YEAR

    @property
    def unavailability(self) -> float | None:
        return None if self.value is None else 1.0 - self.value

    def to_dict(self) -> AvailabilityData:
        return {
            "availability": self.value,
            "unavailability": self.unavailability,
            "downtime_minutes_per_year": self.downtime_minutes,
            "assumptions": {
                "instance": self.assumptions["instance"],
                "zone": self.assumptions["zone"],
                "database": self.assumptions["database"],
                "filesystem": self.assumptions["filesystem"],
            },
            "note": self.note,
        }


@cache
def _at_least(n: int, k: int, p: float) -> float:
    """P(at least k of n independent replicas up, each up with probability p)."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    return sum(comb(n, i) * p**i * (1.0 - p) ** (n - i) for i in range(k, n + 1))


def availability(plan: Plan, calls: Calls) -> Availability:
    """Exact availability of the system under the plan's assumptions."""
    a = plan.assumptions
    assumptions = {
        "instance": a.instance,
        "zone": a.zone,
        "database": a.database,
        "filesystem": a.filesystem,
    }
    if len(plan.zones) > MAX_ZONES:
        return Availability(None, assumptions, f"not estimated: more than {MAX_ZONES} zones")
    index = {zone: i for i, zone in enumerate(plan.zones)}
    # A shape: the kind (it orders the product, as it always has), whether the service is
    # managed, how often a replica (compute) or the whole (managed) is up, its placement.
    Shape = tuple[str, bool, float, tuple[tuple[int, int], ...], int]
    shapes: Counter[Shape] = Counter()
    for name in calls.closure:
        service = plan.services[name]
        placed = tuple(sorted((index[z], n) for z, n in service.per_zone.items()))
        own = service.availability(a)
        shapes[(service.kind, service.managed, own, placed, service.survivors_needed)] += 1
    ordered = sorted(shapes.items())
    total = 0.0
    for state in product((True, False), repeat=len(plan.zones)):
        weight = 1.0
        for up in state:
            weight *= a.zone if up else 1.0 - a.zone
        for (_, managed, own, placed, needed), times in ordered:
            alive = sum(n for i, n in placed if state[i])
            # a managed service is up as a whole while enough of its zones are
            p = (own if alive >= needed else 0.0) if managed else _at_least(alive, needed, own)
            weight *= p**times
            if weight == 0.0:
                break
        total += weight
    return Availability(total, assumptions)
