"""Findings of the two sides matched by meaning: rule, service and failure domain (zones).

Line numbers never take part, so moving, reordering or reformatting YAML matches every
finding with itself. Within one meaning, findings pair up in order; the rest are new
(head only) or fixed (base only).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from tiered.findings import Finding, Location

State = Literal["new", "fixed", "unchanged"]
Key = tuple[str, str, tuple[str, ...]]


def key(finding: Finding) -> Key:
    """What a finding means: its rule, its service (or the topology) and its zones."""
    return (finding.rule, finding.service or "", tuple(sorted(finding.zones)))


@dataclass(frozen=True, slots=True)
class FindingChange:
    """One finding's fate: ``finding`` is the head's (the base's when fixed).

    ``now`` is, for a fixed finding, where its service is in the head (None when the
    service is gone): where code scanning shows it as absent.
    """

    state: State
    finding: Finding
    before: Finding | None = None
    now: Location | None = None

    @property
    def newly_failing(self) -> bool:
        """Whether the change makes this finding fail: new, or no longer accepted."""
        if self.state == "new":
            return self.finding.failing
        if self.state == "unchanged" and self.before is not None:
            return self.finding.failing and not self.before.failing
        return False

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"state": self.state, **self.finding.to_dict()}
        if self.before is not None and self.before.location != self.finding.location:
            data["before"] = {
                "file": self.before.location.file,
                "line": self.before.location.line,
                "column": self.before.location.column,
            }
        if self.before is not None and self.before.accepted != self.finding.accepted:
            data["accepted_before"] = self.before.accepted
        return data


def match(base: list[Finding], head: list[Finding]) -> list[FindingChange]:
    """New, then fixed, then unchanged findings; each group in its own file's order."""
    waiting: dict[Key, list[Finding]] = defaultdict(list)
    for finding in base:
        waiting[key(finding)].append(finding)
    new: list[FindingChange] = []
    unchanged: list[FindingChange] = []
    for finding in head:
        same = waiting.get(key(finding))
        if same:
            unchanged.append(FindingChange("unchanged", finding, same.pop(0)))
        else:
            new.append(FindingChange("new", finding))
    left = {id(f) for group in waiting.values() for f in group}
    fixed = [FindingChange("fixed", f) for f in base if id(f) in left]
    return [*new, *fixed, *unchanged]
