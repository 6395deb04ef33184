"""What an exporter is: a named producer of files from what the pipeline computed.

An exporter never writes to disk and never recomputes the pipeline: it reads the plan,
the source map and the lazily computed analysis and findings from the Result it is
given (or, for ``tiered diff``, the Diff of two Results), and returns its files
(relative path → content) for ``tiered.exporters.writer``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Literal, TypeVar

#: The commands that pick exporters: ``tiered render NAME``, ``tiered report --format``,
#: ``tiered plan --format``, ``tiered validate --format``, ``tiered diagram --format``,
#: ``tiered diff --format``, ``tiered rules --format``.
Kind = Literal["render", "report", "plan", "validate", "diagram", "diff", "rules"]
KINDS: tuple[Kind, ...] = ("render", "report", "plan", "validate", "diagram", "diff", "rules")

#: What an exporter reads: a pipeline ``Result`` (every kind but diff and rules), a ``Diff``,
#: or the rule catalogue (a sequence of ``tiered.rules.base.Rule``).
Subject = TypeVar("Subject")

Files = Mapping[str, str | bytes]


@dataclass(frozen=True)
class ExportOptions:
    """What the command line passes on; each exporter reads what it needs."""

    variant: str | None = None  # an exporter's own variant, e.g. CloudFormation yaml or json
    local: bool = False  # nginx: loopback ports and prefix-relative paths
    color: bool = False  # text for a terminal
    extra: Mapping[str, Any] = field(default_factory=dict)


class ExportRefused(Exception):
    """The exporter does not apply to this input (e.g. CloudFormation for on premises).

    ``at`` is the data path of the topology's key that is the reason (``("provider",)``),
    so that the command line can point at its line and column.
    """

    def __init__(self, message: str, hint: str, at: tuple[str | int, ...] | None = None) -> None:
        super().__init__(message)
        self.message, self.hint, self.at = message, hint, at


class Exporter(ABC, Generic[Subject]):
    """A producer of files from a Result (or a Diff); subclasses set the class attributes."""

    name: ClassVar[str]
    kind: ClassVar[Kind]
    description: ClassVar[str]
    #: File name of a one-document exporter (what ``--output`` defaults to).
    filename: ClassVar[str] = ""
    #: Whether ``export`` can describe an input that did not validate (``validate --format json``).
    describes_invalid: ClassVar[bool] = False

    def applies_to(self, subject: Subject) -> bool:
        """Whether ``tiered render all`` should run this exporter on ``subject``."""
        return True

    @abstractmethod
    def export(self, subject: Subject, options: ExportOptions) -> Files:
        """Files by path relative to the output folder; raises ExportRefused."""

    def combine(self, documents: Sequence[str]) -> str:
        """One document from the documents of several inputs (``tiered validate a b``)."""
        return "".join(documents)


class DocumentExporter(Exporter[Subject]):
    """An exporter of one text document, named ``filename``."""

    def export(self, subject: Subject, options: ExportOptions) -> Files:
        return {self.filename: self.document(subject, options)}

    @abstractmethod
    def document(self, subject: Subject, options: ExportOptions) -> str:
        """The document's text."""
