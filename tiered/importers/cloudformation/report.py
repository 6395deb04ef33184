"""What an import has to say besides the topology: problems, notes and unmapped resources.

Problems are errors (the template is unusable: exit 2, nothing written). Notes say what
was assumed or left unresolved, at its place in the template; they go to stderr and into
the written file. Unmapped resources are listed with the reason, at the end of the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tiered.findings import Location, Problem


@dataclass(frozen=True, slots=True)
class Note:
    """An assumption or an unresolved value, at its place in the template."""

    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: note: {self.message}"


@dataclass(frozen=True, slots=True)
class Unmapped:
    """A resource the topology does not represent, and why."""

    logical: str
    type: str
    reason: str
    location: Location


@dataclass(slots=True)
class Report:
    """Everything an import found to say, in the order found (notes deduplicated)."""

    problems: list[Problem] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)
    _seen: set[tuple[Location, str]] = field(default_factory=set)

    def problem(self, location: Location, code: str, message: str, hint: str) -> None:
        self.problems.append(Problem(location, code, message, hint))

    def note(self, location: Location, message: str, *, once: bool = False) -> None:
        """Record a note; ``once``: a note of this message anywhere is enough."""
        key = (Location(""), message) if once else (location, message)
        if key not in self._seen:
            self._seen.add(key)
            self.notes.append(Note(location, message))

    def skip(self, logical: str, type_: str, reason: str, location: Location) -> None:
        self.unmapped.append(Unmapped(logical, type_, reason, location))
