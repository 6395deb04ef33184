"""Resilience figures before → after: fault tolerance, availability, zone losses, margins."""

from __future__ import annotations

from dataclasses import dataclass

# one service's margin, computed as the report computes every service's
from tiered.analysis import Analysis, ServiceMargin, service_margin
from tiered.analysis.domains import Failure
from tiered.analysis.scenarios import simulate
from tiered.placement.plan import ServicePlan


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure on both sides (None where a side has no value)."""

    before: float | int | None
    after: float | int | None

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def to_dict(self) -> dict[str, object]:
        return {"before": self.before, "after": self.after, "changed": self.changed}


@dataclass(frozen=True, slots=True)
class ZoneLoss:
    """Whether the system survives losing ``zone`` (None: the zone is not on that side)."""

    zone: str
    before: bool | None
    after: bool | None

    def to_dict(self) -> dict[str, object]:
        return {"zone": self.zone, "survived_before": self.before, "survived_after": self.after}


@dataclass(frozen=True, slots=True)
class MarginChange:
    """A service whose worst single failure leaves a different margin (or that came or went)."""

    service: str
    before: ServiceMargin | None
    after: ServiceMargin | None

    def to_dict(self) -> dict[str, object]:
        return {
            "service": self.service,
            "before": self.before.to_dict() if self.before else None,
            "after": self.after.to_dict() if self.after else None,
        }


@dataclass(frozen=True, slots=True)
class Measures:
    """Every figure a reviewer compares."""

    tolerance: Figure  # simultaneous failures that take the system down (None: none do)
    tolerance_example: tuple[tuple[str, ...], tuple[str, ...]]
    design_tolerance: Figure  # the same, managed services (RDS, EFS) assumed to hold
    availability: Figure
    downtime_minutes: Figure
    zones: tuple[ZoneLoss, ...]
    margins: tuple[MarginChange, ...]

    @property
    def changed(self) -> bool:
        return (
            self.tolerance.changed
            or self.design_tolerance.changed
            or self.availability.changed
            or any(z.before != z.after for z in self.zones)
            or bool(self.margins)
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "fault_tolerance": {
                **self.tolerance.to_dict(),
                "example_before": list(self.tolerance_example[0]),
                "example_after": list(self.tolerance_example[1]),
                "without_managed_outages": self.design_tolerance.to_dict(),
            },
            "availability": self.availability.to_dict(),
            "downtime_minutes_per_year": self.downtime_minutes.to_dict(),
            "zone_losses": [z.to_dict() for z in self.zones if z.before != z.after],
            "margins": [m.to_dict() for m in self.margins],
        }


def measure(base: Analysis, head: Analysis) -> Measures:
    before, after = base.fault_tolerance, head.fault_tolerance
    return Measures(
        tolerance=Figure(before.order, after.order),
        tolerance_example=(before.example, after.example),
        design_tolerance=Figure(before.own_order, after.own_order),
        availability=Figure(base.availability.value, head.availability.value),
        downtime_minutes=Figure(
            base.availability.downtime_minutes, head.availability.downtime_minutes
        ),
        zones=_zones(base, head),
        margins=_margins(base, head),
    )


def _survives(analysis: Analysis, zone: str) -> bool | None:
    if zone not in analysis.plan.zones:
        return None
    failure = Failure(names=(zone,), zones=frozenset({zone}))
    return not simulate(analysis.plan, analysis.calls, failure).system_down


def _zones(base: Analysis, head: Analysis) -> tuple[ZoneLoss, ...]:
    zones = dict.fromkeys([*base.plan.zones, *head.plan.zones])
    return tuple(ZoneLoss(z, _survives(base, z), _survives(head, z)) for z in zones)


def _margins(base: Analysis, head: Analysis) -> tuple[MarginChange, ...]:
    """Services whose worst single failure leaves another margin, or that came or went.

    A margin depends only on a service's kind, failover mode, survivors needed and
    replicas per zone, so services with the same of these on both sides are skipped.
    """
    old_plan, new_plan = base.plan, head.plan
    changes = []
    for name in dict.fromkeys([*new_plan.services, *old_plan.services]):
        old = old_plan.services.get(name)
        new = new_plan.services.get(name)
        if old is not None and new is not None and _inputs(old) == _inputs(new):
            continue
        before = service_margin(old_plan, name) if old is not None else None
        after = service_margin(new_plan, name) if new is not None else None
        if before is None or after is None or _shape(before) != _shape(after):
            changes.append(MarginChange(name, before, after))
    return tuple(changes)


def _inputs(service: ServicePlan) -> tuple[object, ...]:
    return (
        service.kind,
        service.failover,
        service.survivors_needed,
        list(service.per_zone.items()),
    )


def _shape(margin: ServiceMargin) -> tuple[object, ...]:
    return (margin.margin, margin.worst, margin.needed, margin.worst_case)
