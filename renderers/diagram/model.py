"""The picture model: clusters, nodes and edges with explicit ids, in drawing order.

Both the DOT builder and the Mermaid builder draw this one model, so the PNG, the SVG and
the Markdown diagram can never disagree. Ids are derived from names in the plan (never
random), so every output is deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Node:
    """One box with an icon: a replica, a collapsed group of replicas or an outside actor."""

    id: str
    title: str
    lines: tuple[str, ...]
    icon: str
    kind: str  # instance | group | database | mount-target | nat | users | dns | vip
    service: str | None = None
    zone: str | None = None
    column: int = 0
    dashed: bool = False
    rules: tuple[str, ...] = ()
    failed: bool = False
    down: bool = False
    instances: tuple[str, ...] = ()
    accepted: tuple[str, ...] = ()
    tooltip: str = ""

    @property
    def red(self) -> bool:
        """Outlined in red: an error finding, or a surviving replica of a service down."""
        return bool(self.rules) or (self.down and not self.failed)


@dataclass(frozen=True)
class Cluster:
    """A box around nodes and clusters: region, VPC (network), zone or subnet (tier in zone)."""

    id: str
    label: str
    kind: str  # region | vpc | zone | subnet
    nodes: tuple[str, ...] = ()
    children: tuple[Cluster, ...] = ()
    public: bool = False
    rules: tuple[str, ...] = ()
    failed: bool = False


@dataclass(frozen=True)
class Edge:
    """A call between two services (or from the outside in), drawn between two nodes."""

    tail: str
    head: str
    kind: str  # route | depends | entry
    label: str = ""
    dashed: bool = False
    down: bool = False
    tooltip: str = ""


@dataclass(frozen=True)
class Picture:
    """Everything a drawing needs, in drawing order."""

    title: str
    subtitle: str
    nodes: dict[str, Node]
    outside: tuple[str, ...]
    clusters: tuple[Cluster, ...]
    edges: tuple[Edge, ...]
    legend: tuple[tuple[str, str], ...] = field(default=())
    notes: tuple[str, ...] = ()
    whatif: bool = False

    def walk(self) -> list[Cluster]:
        """Every cluster, parents before children."""
        found: list[Cluster] = []
        stack = list(reversed(self.clusters))
        while stack:
            cluster = stack.pop()
            found.append(cluster)
            stack.extend(reversed(cluster.children))
        return found


def ident(name: str) -> str:
    """A DOT- and Mermaid-safe id fragment of a plan name (names hold no underscore)."""
    return name.replace("-", "_").replace(".", "_")
