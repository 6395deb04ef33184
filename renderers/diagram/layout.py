"""Columns of the layout: tiers left to right, a callee right of its callers in its tier.

Every node of a service sits in its service's column (graphviz ``rank=same``), so each
zone band repeats the same left-to-right reading order and tier boxes never overlap.
"""

from __future__ import annotations

from tiered.placement.plan import Plan


def columns(plan: Plan) -> dict[str, int]:
    """The column of every service: tiers left to right, callees right of their callers."""
    column: dict[str, int] = {}
    start = 0
    for tier in plan.tiers:
        depth = _depths(plan, tier.services)
        for name in tier.services:
            column[name] = start + depth[name]
        start = max((column[name] for name in tier.services), default=start - 1) + 1
    return column


def _depths(plan: Plan, members: tuple[str, ...]) -> dict[str, int]:
    """Longest chain of same-tier callers above each service (the graph is acyclic)."""
    callers = {name: [c for c in members if name in plan.services[c].calls] for name in members}
    depth: dict[str, int] = {}

    def visit(name: str, trail: frozenset[str]) -> int:
        if name not in depth:
            above = [visit(c, trail | {name}) + 1 for c in callers[name] if c not in trail]
            depth[name] = max(above, default=0)
        return depth[name]

    for name in members:
        visit(name, frozenset())
    return depth
