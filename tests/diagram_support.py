"""Helpers of the diagram tests: the DOT of a plan read back through graphviz itself."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tiered.pipeline import plan_file
from tiered.placement.plan import Plan
from tiered.renderers.diagram.annotations import NONE, Annotations
from tiered.renderers.diagram.arrange import bezier_samples, spline_points
from tiered.renderers.diagram.graphviz import positioned
from tiered.renderers.diagram.icons import resources_dir
from tiered.renderers.diagram.picture import build, ident

RED = "#D62728"
GREY = "#D9D9D9"


@dataclass
class Graph:
    """Clusters (name -> node names, direct subclusters), nodes (name -> attrs), edges."""

    clusters: dict[str, dict[str, Any]] = field(default_factory=dict)
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    attrs: dict[str, Any] = field(default_factory=dict)


def run_dot(dot_text: str, output_format: str) -> Any:
    """The JSON graphviz's ``dot`` writes for ``dot_text`` (``json0``: as parsed; ``json``:
    laid out, with drawing operations)."""
    done = subprocess.run(
        ["dot", f"-T{output_format}", f"-Gimagepath={resources_dir()}"],
        input=dot_text.encode(),
        capture_output=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout)


def parse_dot(dot_text: str) -> Graph:
    """Parse DOT with the real ``dot`` (JSON output): what graphviz itself understood."""
    data = run_dot(dot_text, "json0")
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


Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in points, y upwards


@dataclass
class Layout:
    """Where graphviz put things: boxes of clusters and nodes, boxes of the text it wrote
    as cluster titles and as edge labels, and the whole drawing."""

    bounds: Box
    clusters: dict[str, Box]
    nodes: dict[str, Box]
    cluster_titles: dict[str, list[Box]]
    edge_labels: list[tuple[str, Box]]
    edge_points: list[tuple[float, float]]  # every point of every arrow's spline
    arrows: dict[str, list[tuple[float, float]]]  # arrow id -> points along its curve


def _text_boxes(ops: list[dict[str, Any]]) -> list[Box]:
    boxes: list[Box] = []
    size = 14.0
    for op in ops:
        if op["op"] == "F":
            size = float(op["size"])
        elif op["op"] == "T" and op["text"].strip():
            x, y = op["pt"]
            width = float(op["width"])
            x0 = {"l": x, "c": x - width / 2, "r": x - width}[op["align"]]
            boxes.append((x0, y - size * 0.25, x0 + width, y + size * 0.8))
    return boxes


def _box(text: str) -> Box:
    x0, y0, x1, y1 = (float(v) for v in text.split(","))
    return (x0, y0, x1, y1)


def layout(dot_text: str) -> Layout:
    """Lay ``dot_text`` out with the real graphviz and read back the positions (for the
    text of ``drawn``: the positions of the drawing, as PNG, SVG and PDF show them)."""
    data = run_dot(dot_text, "json")
    count = data.get("_subgraph_cnt", 0)
    objects = data.get("objects", [])
    clusters = {o["name"]: _box(o["bb"]) for o in objects[:count] if "bb" in o}
    titles = {o["name"]: _text_boxes(o.get("_ldraw_", [])) for o in objects[:count]}
    nodes: dict[str, Box] = {}
    for obj in objects[count:]:
        x, y = (float(v) for v in obj["pos"].split(","))
        half_w, half_h = float(obj["width"]) * 36, float(obj["height"]) * 36
        nodes[obj["name"]] = (x - half_w, y - half_h, x + half_w, y + half_h)
    labels = [
        (edge.get("label", ""), box)
        for edge in data.get("edges", [])
        for box in _text_boxes(edge.get("_ldraw_", []))
    ]
    points = [
        (float(point.split(",")[-2]), float(point.split(",")[-1]))
        for edge in data.get("edges", [])
        for point in edge.get("pos", "").split()
    ]
    arrows = {
        str(edge.get("id", edge["_gvid"])): bezier_samples(spline_points(edge["pos"]), 24)
        for edge in data.get("edges", [])
        if edge.get("pos") and edge.get("style") != "invis"
    }
    return Layout(_box(data["bb"]), clusters, nodes, titles, labels, points, arrows)


def drawn(plan: Plan, notes: Annotations = NONE) -> str:
    """The DOT text graphviz draws the picture of ``plan`` from: everything placed."""
    return positioned(build(plan, notes))


def overlaps(a: Box, b: Box) -> bool:
    """Whether two boxes share some area."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
