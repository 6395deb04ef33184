"""Runs the rule catalogue over an analysed plan: every finding, in file order."""

from __future__ import annotations

from tiered.analysis import Analysis
from tiered.findings import Finding
from tiered.rules.base import Context
from tiered.rules.catalogue import RULES


def run_rules(analysis: Analysis) -> list[Finding]:
    """Every rule's findings on ``analysis``, ordered by location, then rule, then service."""
    context = Context(analysis.plan, analysis.calls, analysis.source)
    found = [finding for rule in RULES for finding in rule.check(context)]
    order = {rule.id: i for i, rule in enumerate(RULES)}
    return sorted(found, key=lambda f: (f.location, order[f.rule], f.service or ""))
