"""What ``tiered diff --format NAME`` writes: text, markdown, json or sarif of a Diff.

The exporters of the ``diff`` kind, registered as ``diff.NAME`` like every other format.
``summary`` puts the diff in words (shared by ``text`` and ``markdown``); ``sarif`` reuses
the report's SARIF results. The diff itself is computed, as data, by ``tiered.changes``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tiered.exporters.base import DocumentExporter, ExportOptions

if TYPE_CHECKING:
    from tiered.changes.model import Diff


class DiffText(DocumentExporter["Diff"]):
    name, kind, filename = "text", "diff", "diff.txt"
    description = "summary first, then every change, for a terminal or a CI log"

    def document(self, subject: Diff, options: ExportOptions) -> str:
        from tiered.renderers.diff.text import text
        from tiered.renderers.report.width import wrap_lines

        return wrap_lines(text(subject), options.extra.get("width"))

    def combine(self, documents: Sequence[str]) -> str:
        """Several files' diffs (``tiered diff --files``), a blank line between two."""
        return "\n".join(documents)


class DiffMarkdown(DocumentExporter["Diff"]):
    name, kind, filename = "markdown", "diff", "diff.md"
    description = "a pull-request comment: summary first, details collapsed"

    def document(self, subject: Diff, options: ExportOptions) -> str:
        from tiered.renderers.diff.markdown import markdown

        return markdown(subject)

    def combine(self, documents: Sequence[str]) -> str:
        """Several files' diffs (``tiered diff --files``), a blank line between two."""
        return "\n".join(documents)


class DiffJson(DocumentExporter["Diff"]):
    name, kind, filename = "json", "diff", "diff.json"
    description = "every change as data, for tools"

    def document(self, subject: Diff, options: ExportOptions) -> str:
        return json.dumps(subject.to_dict(), indent=2, sort_keys=True) + "\n"

    def combine(self, documents: Sequence[str]) -> str:
        """Several files' diffs (``tiered diff --files``): a list, one object a file."""
        if len(documents) == 1:
            return documents[0]
        return json.dumps([json.loads(d) for d in documents], indent=2, sort_keys=True) + "\n"


class DiffSarif(DocumentExporter["Diff"]):
    name, kind, filename = "sarif", "diff", "tiered-diff.sarif"
    description = "SARIF 2.1.0 with baselineState, so code scanning shows only what is new"

    def document(self, subject: Diff, options: ExportOptions) -> str:
        from tiered.renderers.diff.sarif import sarif

        return sarif(subject)

    def combine(self, documents: Sequence[str]) -> str:
        """Several files' diffs (``tiered diff --files``): one run holding every result."""
        if len(documents) == 1:
            return documents[0]
        logs = [json.loads(d) for d in documents]
        merged = logs[0]
        for log in logs[1:]:
            merged["runs"][0]["results"].extend(log["runs"][0]["results"])
        return json.dumps(merged, indent=2, sort_keys=True) + "\n"
