"""What every rule shares: the Rule record, the context a rule reads, finding construction.

A rule is a module with ``ID``, ``NAME``, ``SEVERITY``, a docstring (its documentation,
with *Anti-pattern* and *Best practice* sections) and ``check(context)`` yielding findings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING

from tiered.analysis.domains import Failure, direct_reason
from tiered.findings import Finding, Location, Severity
from tiered.placement.plan import Plan
from tiered.validation.regions import region_zone_names

if TYPE_CHECKING:
    from tiered.analysis.graph import Calls
    from tiered.loading.loader import Path, SourceMap


@dataclass(frozen=True, slots=True)
class Rule:
    """A published rule: stable id, short name, severity, documentation and its check."""

    id: str
    name: str
    severity: Severity
    doc: str
    check: Callable[[Context], Iterator[Finding]]

    @classmethod
    def of(cls, module: ModuleType) -> Rule:
        return cls(module.ID, module.NAME, module.SEVERITY, module.__doc__ or "", module.check)

    @property
    def summary(self) -> str:
        """The first line of the documentation, without the id and name."""
        first = self.doc.strip().splitlines()[0]
        return first.split(":", 1)[1].strip() if ":" in first else first


@dataclass(slots=True)
class Context:
    """What a rule reads: the plan, its call graph and where things are in the file."""

    plan: Plan
    calls: Calls
    source: SourceMap | None
    _zone_down: dict[str, frozenset[str]] = field(default_factory=dict)

    def locate(self, service: str | None, *sub: str | int, key: bool = True) -> Location:
        """The location of a service (or of a field under it) or, for None, the top of the file."""
        path: Path = (*self.plan.services[service].path, *sub) if service else tuple(sub)
        if self.source is None:
            return Location("<topology>")
        return self.source.locate(path, key=key)

    def finding(
        self,
        rule: str,
        severity: Severity,
        service: str | None,
        zones: tuple[str, ...],
        message: str,
        fix: str,
        location: Location | None = None,
        edits: tuple[tuple[Path, object], ...] = (),
    ) -> Finding:
        """A finding, accepted when the service's ``accept`` names the rule."""
        reason = ""
        if service is not None:
            for accept in self.plan.services[service].accept:
                if accept.rule == rule:
                    reason = accept.reason
                    break
        return Finding(
            rule=rule,
            severity=severity,
            service=service,
            zones=zones,
            location=location or self.locate(service),
            message=message,
            fix=fix,
            accepted=bool(reason),
            accept_reason=reason,
            edits=edits,
        )

    def down_when_zone_fails(self, zone: str) -> frozenset[str]:
        """Services down on their own when ``zone`` fails."""
        if zone not in self._zone_down:
            failure = Failure(names=(zone,), zones=frozenset({zone}))
            self._zone_down[zone] = frozenset(
                name
                for name, service in self.plan.services.items()
                if direct_reason(service, failure) is not None
            )
        return self._zone_down[zone]


def plural(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def new_zones(plan: Plan, wanted: int) -> list[str]:
    """Names for ``wanted`` zones to add: the next availability zones the region has (aws;
    letters it does not have only once it has none left), else zone-N."""
    names: list[str] = []
    if plan.provider == "aws" and plan.region:
        used = [z[-1] for z in plan.zones if z.startswith(plan.region)]
        start = max(used) if used else "`"
        letters = [chr(c) for c in range(ord(start) + 1, ord("z") + 1)]
        letters += [chr(c) for c in range(ord("a"), ord(start))]
        names = [f"{plan.region}{letter}" for letter in letters if letter not in used]
        real = set(region_zone_names(plan.region))
        names = [n for n in names if n in real] + [n for n in names if n not in real]
    else:
        names = [f"zone-{i}" for i in range(len(plan.zones) + 1, len(plan.zones) + 27)]
        names = [name for name in names if name not in plan.zones]
    return names[:wanted]


NUMBERS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven"}


def number_word(n: int) -> str:
    return NUMBERS.get(n, str(n))
