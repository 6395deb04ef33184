"""The dependency graph of a plan (networkx) and the queries the analysis shares.

An edge ``a → b`` means "a calls b": b is in a's ``depends_on`` or a route of a proxy a
leads to b. A service is down when anything it calls is down, so failures travel
against the edges, from a callee to its callers. Cycles are rejected by validation, so
the graph is a DAG here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tiered.placement import Plan


def dependency_graph(plan: Plan) -> Any:
    """A networkx DiGraph: one node per service (with its tier), one edge per call."""
    import networkx as nx

    graph = nx.DiGraph()
    for name, service in plan.services.items():
        graph.add_node(name, tier=service.tier, kind=service.kind)
    for name, service in plan.services.items():
        for target in service.calls:
            graph.add_edge(name, target)
    return graph


@dataclass(slots=True)
class Calls:
    """Callers and callees of every service in plan order, with the entry closure.

    Plain dictionaries of tuples: the hot loops of the analysis read these instead of the
    networkx graph, which is kept for the queries that need it.
    """

    plan: Plan
    callees: dict[str, tuple[str, ...]] = field(default_factory=dict)
    callers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    closure: frozenset[str] = frozenset()
    order: tuple[str, ...] = ()
    rank: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, plan: Plan) -> Calls:
        import networkx as nx

        callees = {name: service.calls for name, service in plan.services.items()}
        callers_lists: dict[str, list[str]] = {name: [] for name in plan.services}
        for name, targets in callees.items():
            for target in targets:
                callers_lists[target].append(name)
        graph = dependency_graph(plan)
        reached: set[str] = set(plan.entry_services)
        for entry in plan.entry_services:
            reached.update(nx.descendants(graph, entry))
        # Callees before callers: a service's inputs are settled before it is looked at.
        rank = {name: i for i, name in enumerate(plan.services)}
        order = tuple(reversed(list(nx.lexicographical_topological_sort(graph, key=rank.get))))
        return cls(
            plan=plan,
            callees=callees,
            callers={name: tuple(found) for name, found in callers_lists.items()},
            closure=frozenset(reached),
            order=order,
            rank=rank,
        )

    def ancestors(self, services: Iterable[str]) -> set[str]:
        """Every service that calls one of ``services``, directly or through others."""
        seen: set[str] = set()
        stack = list(services)
        while stack:
            for caller in self.callers[stack.pop()]:
                if caller not in seen:
                    seen.add(caller)
                    stack.append(caller)
        return seen

    def tier_index(self) -> dict[str, int]:
        """The position of each tier, outermost first."""
        return {tier.name: i for i, tier in enumerate(self.plan.tiers)}
