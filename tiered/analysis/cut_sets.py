"""Minimal cut sets: counted without listing them, listed lazily and only as far as asked.

A cut set is a set of zones, instances and managed services whose failure takes the system
down. The system is down when a service of the entry closure fails on its own, and a
service fails on its own in one of three ways (``ServiceWays``):

* a set of its zones holding enough of its replicas (a *zone cut*);
* a managed service failing as a whole;
* a *partial* set of zones, holding too few replicas, plus any ``extra`` of the
  ``outside`` replicas in its other zones: C(outside, extra) cut sets for one zone set,
  counted with ``math.comb`` and listed with ``itertools.combinations`` in name order.

Candidates are the union of these over the services of the closure. A candidate is minimal
unless a zone cut (of any service) lies within its zones, or one of its zones holds no
replica of the service. So the counts need no listing at all, and a listing of the
smallest sets reads only the first few of each zone set's combinations.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import combinations, islice
from math import comb

from tiered.analysis.graph import Calls
from tiered.placement.plan import Plan, ServicePlan

#: Candidate sets past which the cut sets are not listed (nor counted in the report).
LIMIT = 200_000

NameSet = tuple[str, ...]  # a cut set as its sorted names: the order cut sets are listed in


class TooManyCutSets(Exception):
    """The enumeration would exceed its limit (large replica counts)."""


@dataclass(frozen=True, slots=True)
class Partial:
    """Zones that hold too few replicas: with any ``extra`` of the ``outside`` ones, a cut."""

    zones: frozenset[str]
    outside: int
    extra: int
    tight: bool  # every zone holds a replica (else a smaller zone set does the same)

    @property
    def size(self) -> int:
        """Failures in each of its cut sets."""
        return len(self.zones) + self.extra

    @property
    def count(self) -> int:
        """How many cut sets it stands for."""
        return comb(self.outside, self.extra)


@dataclass(frozen=True, slots=True)
class ServiceWays:
    """Every way one service fails on its own: zone cuts, partial zone sets, as a whole."""

    zone_cuts: tuple[frozenset[str], ...]
    partials: tuple[Partial, ...]
    whole: bool  # a managed service: its own failure is a cut set


def service_ways(service: ServicePlan) -> ServiceWays:
    """How ``service`` fails on its own; a few steps per set of its zones, not per replica."""
    must_fail = service.count - service.survivors_needed + 1
    if must_fail <= 0:  # cannot even run (never true for a valid plan)
        return ServiceWays((frozenset(),), (), False)
    return _ways(tuple(service.per_zone.items()), must_fail, service.managed)


def _ways(per_zone: tuple[tuple[str, int], ...], must_fail: int, managed: bool) -> ServiceWays:
    total = sum(count for _, count in per_zone)
    zone_cuts: list[frozenset[str]] = []
    partials: list[Partial] = []
    for size in range(len(per_zone) + 1):
        for chosen in combinations(per_zone, size):
            held = sum(count for _, count in chosen)
            zones = frozenset(zone for zone, _ in chosen)
            if held >= must_fail:
                if all(held - count < must_fail for _, count in chosen):
                    zone_cuts.append(zones)  # no zone of it is spare
            elif not managed:  # managed replicas fail only with their zone
                tight = all(count > 0 for _, count in chosen)
                partials.append(Partial(zones, total - held, must_fail - held, tight))
    return ServiceWays(tuple(zone_cuts), tuple(partials), managed)


class CutSets:
    """The minimal cut sets of a plan: counted on creation, listed on demand."""

    def __init__(self, plan: Plan, calls: Calls) -> None:
        self.plan = plan
        shapes: dict[tuple[tuple[tuple[str, int], ...], int, bool], ServiceWays] = {}
        self.ways: list[tuple[ServicePlan, ServiceWays]] = []
        for name, service in plan.services.items():
            if name in calls.closure:
                key = (
                    tuple(service.per_zone.items()),
                    service.count - service.survivors_needed,
                    service.managed,
                )
                if key not in shapes:  # services of one shape fail the same ways
                    shapes[key] = service_ways(service)
                self.ways.append((service, shapes[key]))
        every_zone_cut = {cut for _, ways in self.ways for cut in ways.zone_cuts}
        self.zone_cuts = _minimal(every_zone_cut)
        #: The candidates an enumeration service by service would collect (the union).
        self.candidates = (
            len(every_zone_cut)
            + sum(ways.whole for _, ways in self.ways)
            + sum(p.count for _, ways in self.ways for p in ways.partials)
        )

    def check(self, limit: int) -> None:
        """Raise TooManyCutSets when there are more than ``limit`` candidates."""
        if self.candidates > limit:
            raise TooManyCutSets(f"more than {limit:,} cut sets")

    def _kept(self, zones: frozenset[str]) -> bool:
        return not any(cut <= zones for cut in self.zone_cuts)

    def _minimal_partials(self) -> Iterator[tuple[ServicePlan, Partial]]:
        for service, ways in self.ways:
            for partial in ways.partials:
                if partial.tight and partial.count and self._kept(partial.zones):
                    yield service, partial

    def _wholes(self) -> list[str]:
        return [s.name for s, ways in self.ways if ways.whole and self._kept(frozenset())]

    def count(self, size: int | None = None) -> int:
        """Minimal cut sets (of ``size`` failures if given), counted without listing them."""
        zones = sum(1 for cut in self.zone_cuts if size is None or len(cut) == size)
        wholes = len(self._wholes()) if size in (None, 1) else 0
        partials = sum(
            partial.count
            for _, partial in self._minimal_partials()
            if size is None or partial.size == size
        )
        return zones + wholes + partials

    def smallest(self, size: int, listed: int) -> list[NameSet]:
        """The first ``listed`` minimal cut sets of ``size`` failures, in name order.

        Each zone set lists its cut sets in name order, so merging them reads at most
        ``listed`` sets of each.
        """
        sources: list[Iterable[NameSet]] = [
            sorted(tuple(sorted(cut)) for cut in self.zone_cuts if len(cut) == size)
        ]
        if size == 1:
            sources.append(sorted((name,) for name in self._wholes()))
        names = _NamesByZone(self.plan)
        for service, partial in self._minimal_partials():
            if partial.size == size:
                sources.append(_listing(partial, names.outside(service.name, partial.zones)))
        return list(islice(heapq.merge(*sources), listed))

    def __iter__(self) -> Iterator[frozenset[str]]:
        """Every minimal cut set, in no particular order."""
        yield from self.zone_cuts
        yield from (frozenset({name}) for name in self._wholes())
        names = _NamesByZone(self.plan)
        for service, partial in self._minimal_partials():
            for picked in combinations(names.outside(service.name, partial.zones), partial.extra):
                yield partial.zones.union(picked)


def _minimal(sets: set[frozenset[str]]) -> tuple[frozenset[str], ...]:
    """The sets none of the others lies within, smallest first."""
    kept: list[frozenset[str]] = []
    for candidate in sorted(sets, key=lambda s: (len(s), sorted(s))):
        if not any(small <= candidate for small in kept):
            kept.append(candidate)
    return tuple(kept)


def _listing(partial: Partial, outside: list[str]) -> Iterator[NameSet]:
    """The cut sets of ``partial`` in name order (``outside`` is sorted by name).

    The zones are in every set, so two sets compare as their picked replicas do, and
    ``combinations`` of a sorted list come in that order.
    """
    zones = tuple(partial.zones)
    for picked in combinations(outside, partial.extra):
        yield tuple(sorted((*zones, *picked)))


class _NamesByZone:
    """Instance names of each service by zone, built once per service when first asked."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.by_service: dict[str, dict[str, list[str]]] = {}

    def outside(self, service: str, zones: frozenset[str]) -> list[str]:
        """The names of ``service``'s replicas outside ``zones``, sorted."""
        if service not in self.by_service:
            found: dict[str, list[str]] = {}
            for instance in self.plan.instances_of(service):
                found.setdefault(instance.zone, []).append(instance.name)
            self.by_service[service] = found
        by_zone = self.by_service[service]
        return sorted(
            name for zone, names in by_zone.items() if zone not in zones for name in names
        )


@dataclass(frozen=True, slots=True)
class CutSetSummary:
    """What the report says of the cut sets: how many, and the smallest ones."""

    total: int  # minimal cut sets in all
    smallest: list[NameSet]  # the first ones of the asked size, in name order
    smallest_total: int  # minimal cut sets of that size


def cut_set_summary(
    plan: Plan, calls: Calls, size: int | None, listed: int, limit: int = LIMIT
) -> CutSetSummary:
    """Minimal cut sets counted, and the first ``listed`` of ``size`` failures (None: none).

    Raises TooManyCutSets past ``limit`` candidate sets, as ``minimal_cut_sets`` does.
    """
    family = CutSets(plan, calls)
    family.check(limit)
    if size is None:
        return CutSetSummary(family.count(), [], 0)
    return CutSetSummary(family.count(), family.smallest(size, listed), family.count(size))


def minimal_cut_sets(plan: Plan, calls: Calls, limit: int = LIMIT) -> list[frozenset[str]]:
    """Every minimal set of instances, zones and managed services that takes the system down.

    Sorted by size, then by name. Raises TooManyCutSets past ``limit`` candidate sets
    (counted first: nothing is listed then).
    """
    family = CutSets(plan, calls)
    family.check(limit)
    return sorted(family, key=lambda s: (len(s), sorted(s)))
