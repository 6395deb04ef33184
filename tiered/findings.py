"""Located problems: where in the topology file something is wrong, and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypedDict

from tiered.problems import problem_id


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """A 1-based line and column in a file."""

    file: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class Severity(StrEnum):
    """How bad a finding is; validation problems are always errors."""

    ERROR = "error"
    WARNING = "warning"

    @property
    def rank(self) -> int:
        return 2 if self is Severity.ERROR else 1


class FindingData(TypedDict):
    """A finding as JSON-ready data."""

    rule: str
    severity: str
    service: str | None
    zones: list[str]
    file: str
    line: int
    column: int
    message: str
    fix: str
    accepted: bool
    accept_reason: str


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason a topology file is invalid: code, message and a hint saying how to fix it."""

    location: Location
    code: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        return f"{text} — {self.hint}" if self.hint else text

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.location.file,
            "line": self.location.line,
            "column": self.location.column,
            "code": self.code,
            "id": problem_id(self.code),
            "message": self.message,
            "hint": self.hint,
        }


@dataclass(slots=True)
class InvalidTopology(Exception):
    """Raised by the Python API when a topology is invalid; carries every located problem."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Problems in file order, each reported once."""
    unique = {(p.location, p.code, p.message): p for p in problems}
    return sorted(unique.values(), key=lambda p: (p.location, p.code, p.message))


@dataclass(frozen=True, slots=True)
class Finding:
    """A resilience finding of a rule: where, what is wrong, and the fix computed for the case.

    ``service`` is None for findings about the whole topology (e.g. a single zone);
    ``zones`` are the zones involved. An ``accept`` entry of the service turns the finding
    into an accepted one: it is still reported, with the reason, but never fails a run.
    """

    rule: str
    severity: Severity
    service: str | None
    zones: tuple[str, ...]
    location: Location
    message: str
    fix: str
    accepted: bool = False
    accept_reason: str = ""
    #: The fix as edits of the file, (path, value) pairs (tiered.rules.edits), when it is one.
    edits: tuple[tuple[tuple[str | int, ...], object], ...] = ()

    def __str__(self) -> str:
        state = " (accepted)" if self.accepted else ""
        return f"{self.location}: {self.rule} {self.severity}{state}: {self.message} — {self.fix}"

    @property
    def failing(self) -> bool:
        """Whether the finding counts against a run (accepted findings never do)."""
        return not self.accepted

    def to_dict(self) -> FindingData:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "service": self.service,
            "zones": list(self.zones),
            "file": self.location.file,
            "line": self.location.line,
            "column": self.location.column,
            "message": self.message,
            "fix": self.fix,
            "accepted": self.accepted,
            "accept_reason": self.accept_reason,
        }
