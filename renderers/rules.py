"""The rule catalogue for ``tiered rules --format NAME``: aligned text, or JSON for tools."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from tiered.exporters.base import DocumentExporter, ExportOptions
from tiered.rules.base import Rule

#: What ``tiered rules`` reads: the published rules, in catalogue order.
Catalogue = Sequence[Rule]


def rule_record(rule: Rule) -> dict[str, Any]:
    """One rule as tools read it; the keys are stable (new keys may be added, none removed)."""
    return {
        "id": rule.id,
        "name": rule.name,
        "severity": rule.severity.value,
        "summary": rule.summary,
    }


class RulesText(DocumentExporter[Catalogue]):
    name, kind, filename = "text", "rules", "rules.txt"
    description = "one line a rule: id, severity, name and what it finds"

    def document(self, rules: Catalogue, options: ExportOptions) -> str:
        from tiered.renderers.report.layout import listing

        rows = [[r.id, r.severity.value, r.name, r.summary] for r in rules]
        return "".join(f"{line}\n" for line in listing(rows, options.extra.get("width")))


class RulesJson(DocumentExporter[Catalogue]):
    name, kind, filename = "json", "rules", "rules.json"
    description = "a list of objects: id, name, severity, summary"

    def document(self, rules: Catalogue, options: ExportOptions) -> str:
        return json.dumps([rule_record(rule) for rule in rules], indent=2) + "\n"
