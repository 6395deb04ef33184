"""Helpers of the diagram tests: the DOT of a plan read back through graphviz itself."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tiered.pipeline import plan_file
from tiered.placement.plan import Plan
from tiered.renderers.diagram.icons import resources_dir
from tiered.renderers.diagram.picture import ident

RED = "#D62728"
GREY = "#D9D9D9"


@dataclass
class Graph:
    """Clusters (name -> node names, direct subclusters), nodes (name -> attrs), edges."""

    clusters: dict[str, dict[str, Any]] = field(default_factory=dict)
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    attrs: dict[str, Any] = field(default_factory=dict)


def parse_dot(dot_text: str) -> Graph:
    """Parse DOT with the real ``dot`` (JSON output): what graphviz itself understood."""
    done = subprocess.run(
        ["dot", "-Tjson0", f"-Gimagepath={resources_dir()}"],
        input=dot_text.encode(),
        capture_output=True,
        timeout=120,
        check=True,
    )
    data = json.loads(done.stdout)
    objects = data.get("objects", [])
    graph = Graph(attrs={k: v for k, v in data.items() if k not in ("objects", "edges")})
    # the subgraphs come first (their "_gvid" indexes the subgraph list), then the nodes
    count = data.get("_subgraph_cnt", 0)
    subgraphs = objects[:count]
    for obj in objects[count:]:
        graph.nodes[obj["name"]] = obj
    node_name = {obj["_gvid"]: obj["name"] for obj in objects[count:]}
    for sub in subgraphs:
        if not sub["name"].startswith("cluster"):
            continue
        graph.clusters[sub["name"]] = {
            "nodes": [node_name[i] for i in sub.get("nodes", [])],
            "children": [subgraphs[i]["name"] for i in sub.get("subgraphs", [])],
            "attrs": sub,
        }
    for edge in data.get("edges", []):
        graph.edges.append((node_name[edge["tail"]], node_name[edge["head"]], edge))
    return graph


def plan_of(path: Path | str) -> Plan:
    return plan_file(str(path))


def instance_id(name: str) -> str:
    return "i_" + name.replace("-", "_")


def service_of_node(plan: Plan, node: str) -> str | None:
    """The service a node id stands for (instances, collapsed groups, managed endpoints)."""
    ids: dict[str, str] = {}
    for instance in plan.instances:
        ids[instance_id(instance.name)] = instance.service
    for endpoint in plan.managed:
        ids["m_" + endpoint.name.replace("-", "_")] = endpoint.service
    for service in plan.services.values():
        for zone in service.zones:
            ids[f"g_{service.name}_{zone}".replace("-", "_")] = service.name
    return ids.get(node)


def expected_node_ids(plan: Plan, tier: str, zone: str) -> set[str]:
    """Ids of the nodes the plan puts in one tier of one zone: replicas and endpoints (not
    those of the stretched entry segment, which is drawn across the zones)."""
    segment = plan.entry_segment
    expected = {
        f"i_{ident(i.name)}"
        for i in plan.instances
        if i.tier == tier and i.zone == zone and (segment is None or i.subnet != segment.name)
    }
    expected |= {
        f"m_{ident(m.name)}"
        for m in plan.managed
        if plan.services[m.service].tier == tier and m.zone == zone
    }
    return expected
