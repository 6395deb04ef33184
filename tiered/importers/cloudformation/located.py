"""A source map over several files: the imported topology's paths located in the template
(root or nested) that holds the resource each came from.

A topology read from a template with nested stacks has services from several files; a
finding on a service of a child stack is located in the child's file, at its line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tiered.findings import Location
from tiered.loading.loader import Path, SourceMap


@dataclass(slots=True)
class StackSourceMap(SourceMap):
    """A ``SourceMap`` whose paths may each name their own file (else the root's)."""

    files: dict[Path, str] = field(default_factory=dict)

    def place(self, path: Path, where: Location, *, value: bool = True) -> None:
        """Locate the key of ``path`` (and, when ``value``, its value) at ``where``."""
        at = (where.line, where.column)
        self.keys[path] = at
        if value:
            self.values[path] = at
        if where.file != self.file:
            self.files[path] = where.file

    def locate(self, path: Path, *, key: bool = False) -> Location:
        table = self.keys if key else self.values
        probe = tuple(path)
        while probe:
            for found in (table, self.values):
                if probe in found:
                    return Location(self.files.get(probe, self.file), *found[probe])
            probe = probe[:-1]
        return Location(self.file, *self.values.get((), (1, 1)))
