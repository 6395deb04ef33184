"""What an importer is: a way to read a foreign file (a CloudFormation template …) as
topology data.

An importer says whether a file is its own (``sniff``, from the file's first bytes or its
path) and reads it (``read``) into the data a topology file would have given, with a
source map into the foreign file so that every finding points at the resource it came
from. Options reach it with each read, never through the process.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from tiered.findings import Problem
from tiered.importers.options import ImportOptions
from tiered.loading.loader import Loaded


@dataclass(frozen=True, slots=True)
class Written:
    """A topology file written from a foreign one (None when it could not be read), the
    problems, and a one-line summary (``3 services``)."""

    text: str | None
    problems: list[Problem]
    summary: str


class Importer(ABC):
    """One foreign format: its name (``--from NAME``), a one-line description, sniff, read."""

    name: ClassVar[str]
    description: ClassVar[str]

    @abstractmethod
    def sniff(self, source: str | bytes) -> bool:
        """Whether ``source`` (a path, or the file's bytes) is a file of this format."""

    @abstractmethod
    def read(self, path: str, options: ImportOptions) -> Loaded:
        """The topology data of ``path`` with a source map into it; problems in ``problems``
        (located, never raised)."""

    def write(self, path: str, options: ImportOptions) -> Written:
        """The topology file ``tiered import NAME`` writes: by default the read data as
        YAML; an importer may override it to comment what it inferred."""
        import yaml

        loaded = self.read(path, options)
        if loaded.problems or loaded.data is None:
            return Written(None, loaded.problems, "")
        text = yaml.safe_dump(loaded.data, sort_keys=False, allow_unicode=True)
        return Written(text, [], "1 topology")
