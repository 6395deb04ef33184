"""The dependency graph of a plan (networkx) and the queries the analysis shares.

An edge ``a → b`` means "a calls b": b is in a's ``depends_on`` or a route of a proxy a
leads to b. A service is down when anything it calls is down, so failures travel
against the edges, from a callee to its callers. Cycles are rejected by validation, so
the graph is a DAG here.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import Any

from tiered.placement.plan import Plan


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
        """Plain queries of the call graph, computed without networkx (fast start-up).

        ``dependency_graph`` is the same graph in networkx; the tests check these answers
        against networkx's own descendants and topological order.
        """
        callees = {name: service.calls for name, service in plan.services.items()}
        callers_lists: dict[str, list[str]] = {name: [] for name in plan.services}
        for name, targets in callees.items():
            for target in targets:
                callers_lists[target].append(name)
        reached: set[str] = set()
        stack = list(plan.entry_services)
        while stack:
            name = stack.pop()
            if name not in reached:
                reached.add(name)
                stack.extend(callees[name])
        rank = {name: i for i, name in enumerate(plan.services)}
        return cls(
            plan=plan,
            callees=callees,
            callers={name: tuple(found) for name, found in callers_lists.items()},
            closure=frozenset(reached),
            order=_callees_first(callees, rank),
            rank=rank,
        )


def _callees_first(callees: dict[str, tuple[str, ...]], rank: dict[str, int]) -> tuple[str, ...]:
    """Services ordered so that every service comes after everything it calls.

    The reverse of the lexicographical topological order of the call graph (ties broken
    by file order), so the result is the same on every run.
    """
    waiting = dict.fromkeys(callees, 0)  # callers not yet placed, per service
    for targets in callees.values():
        for target in targets:
            waiting[target] += 1
    ready_keys = [(rank[name], name) for name, count in waiting.items() if count == 0]
    heapq.heapify(ready_keys)
    order: list[str] = []
    while ready_keys:
        _, name = heapq.heappop(ready_keys)
        order.append(name)
        for target in callees[name]:
            waiting[target] -= 1
            if waiting[target] == 0:
                heapq.heappush(ready_keys, (rank[target], target))
    return tuple(reversed(order))
