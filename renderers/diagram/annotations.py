"""What the picture says beyond the plan: findings to mark and a failure scenario to show.

The renderer reads only this small dataclass, so it can be tested without the analysis;
``from_analysis`` and ``from_scenario`` fill it from ``tiered.analysis`` results, read by
attribute (``Finding.rule/severity/service/zones/accepted``, ``Scenario.failed/down/
system_down``) so the renderer stays a consumer of the analysis, never a part of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Mark:
    """One error finding drawn on the picture."""

    rule: str
    service: str | None
    zones: tuple[str, ...]
    message: str = ""
    accepted: bool = False


@dataclass(frozen=True)
class Annotations:
    """Findings (red, with rule ids) or a what-if scenario (failed grey, down red)."""

    marks: tuple[Mark, ...] = ()
    failed: tuple[str, ...] = ()
    down: dict[str, str] = field(default_factory=dict)
    system_down: bool = False

    @property
    def whatif(self) -> bool:
        return bool(self.failed)

    def service_rules(self, service: str, accepted: bool = False) -> tuple[str, ...]:
        """Rule ids of the error findings on ``service`` (or of the accepted ones), sorted."""
        return tuple(
            sorted({m.rule for m in self.marks if m.service == service and m.accepted == accepted})
        )

    def zone_rules(self, zone: str) -> tuple[str, ...]:
        """Rule ids of the unaccepted error findings that name ``zone``, sorted, each once."""
        return tuple(sorted({m.rule for m in self.marks if zone in m.zones and not m.accepted}))


NONE = Annotations()


def from_findings(findings: Iterable[Any]) -> Annotations:
    """Marks for the error findings (accepted ones kept apart); warnings and notes stay off."""
    marks = [
        Mark(
            rule=str(f.rule),
            service=f.service,
            zones=tuple(f.zones or ()),
            message=str(getattr(f, "message", "")),
            accepted=bool(f.accepted),
        )
        for f in findings
        if str(getattr(f.severity, "value", f.severity)) == "error"
    ]
    marks.sort(key=lambda m: (m.accepted, m.rule, m.service or "", m.zones))
    return Annotations(marks=tuple(marks))


def from_scenario(scenario: Any) -> Annotations:
    """A what-if scenario: the failed domains, each service down (in the scenario's order)
    with the reason the analysis gives (a cascade names its root cause)."""
    down = {
        service: str(getattr(cause, "reason", "") or "down")
        for service, cause in scenario.down.items()
    }
    return Annotations(
        failed=tuple(scenario.failed),
        down=down,
        system_down=bool(scenario.system_down),
    )
