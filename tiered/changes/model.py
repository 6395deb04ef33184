"""A diff: what one change does to findings, resilience figures, the plan and the stack."""

from __future__ import annotations

from dataclasses import dataclass

from tiered.changes.cloudformation import TemplateChanges
from tiered.changes.findings import FindingChange
from tiered.changes.measures import Measures
from tiered.changes.placement import PlanChanges


@dataclass(frozen=True, slots=True)
class SideInfo:
    """How a side is named: ``label`` in messages, ``path`` for code scanning."""

    label: str
    path: str
    revision: str | None

    def to_dict(self) -> dict[str, object]:
        return {"label": self.label, "path": self.path, "revision": self.revision}


@dataclass(frozen=True, slots=True)
class Diff:
    """Base → head, side by side."""

    base: SideInfo
    head: SideInfo
    findings: tuple[FindingChange, ...]
    measures: Measures
    plan: PlanChanges
    cloudformation: TemplateChanges

    def of_state(self, state: str) -> list[FindingChange]:
        return [change for change in self.findings if change.state == state]

    @property
    def empty(self) -> bool:
        """Nothing a reviewer needs to see: same findings, figures, plan and stack."""
        return (
            not self.of_state("new")
            and not self.of_state("fixed")
            and not any(c.before and c.before.accepted != c.finding.accepted for c in self.findings)
            and not self.measures.changed
            and not self.plan.changed
            and not self.cloudformation.changed
        )

    def failing(self, threshold: int) -> list[FindingChange]:
        """Findings the change introduces (or stops accepting) at or above ``threshold``."""
        return [
            change
            for change in self.findings
            if change.newly_failing and change.finding.severity.rank >= threshold
        ]

    def to_dict(self) -> dict[str, object]:
        counts = {state: len(self.of_state(state)) for state in ("new", "fixed", "unchanged")}
        return {
            "base": self.base.to_dict(),
            "head": self.head.to_dict(),
            "empty": self.empty,
            "findings": {
                **counts,
                "changes": [change.to_dict() for change in self.findings],
            },
            **self.measures.to_dict(),
            "plan": self.plan.to_dict(),
            "cloudformation": self.cloudformation.to_dict(),
        }
