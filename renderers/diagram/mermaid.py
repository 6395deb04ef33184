"""Mermaid ``flowchart`` text of the architecture picture, for GitHub Markdown and wikis.

Draws the same ``tiered.renderers.diagram.picture.Picture`` as the DOT builder: subgraphs for
the region, the VPC, every zone and every tier in a zone; one node per replica (or per
collapsed group); service-to-service calls; error findings and what-if states as classes.
Needs no graphviz.
"""

from __future__ import annotations

import json

from tiered.renderers.diagram.model import Cluster, Node, Picture

CLASSES = {
    "error": "stroke:#D62728,stroke-width:3px",
    "standby": "stroke-dasharray:5 5",
    "failed": "fill:#D9D9D9,color:#7F7F7F",
}


def text(value: str) -> str:
    """Mermaid-safe label text: quotes and angle brackets as entities."""
    return (
        value.replace("&", "&amp;").replace('"', "#quot;").replace("<", "&lt;").replace(">", "&gt;")
    )


def mermaid_id(identifier: str) -> str:
    return identifier.removeprefix("cluster_")


def node_line(node: Node) -> str:
    parts = [text(node.title), *(text(line) for line in node.lines)]
    marks = list(node.rules)
    if node.down:
        marks.append("DOWN")
    if node.failed:
        marks.insert(0, "FAILED")
    if node.accepted:
        marks.append(" ".join(node.accepted) + " accepted")
    if marks:
        parts.append(f"<b>{text(' '.join(marks))}</b>")
    label = "<br/>".join(parts)
    if node.kind == "users":
        return f'{node.id}(["{label}"])'
    if node.kind in ("database", "mount-target"):
        return f'{node.id}[("{label}")]'
    return f'{node.id}["{label}"]'


def cluster_lines(cluster: Cluster, picture: Picture, indent: str) -> list[str]:
    label = cluster.label
    if cluster.rules:
        label += " " + " ".join(cluster.rules)
    lines = [f'{indent}subgraph {mermaid_id(cluster.id)}["{text(label)}"]']
    inner = indent + "  "
    for node_id in cluster.nodes:
        lines.append(inner + node_line(picture.nodes[node_id]))
    for child in cluster.children:
        lines.extend(cluster_lines(child, picture, inner))
    lines.append(f"{indent}end")
    return lines


def build_mermaid(picture: Picture) -> str:
    """The Mermaid flowchart of ``picture``; deterministic."""
    title = picture.title + (f": {picture.subtitle}" if picture.subtitle else "")
    lines = ["---", f"title: {json.dumps(title, ensure_ascii=False)}", "---", "flowchart LR"]
    for node_id in picture.outside:
        lines.append("  " + node_line(picture.nodes[node_id]))
    for cluster in picture.clusters:
        lines.extend(cluster_lines(cluster, picture, "  "))
    for edge in picture.edges:
        arrow = "-.->" if edge.dashed else "-->"
        label = f'|"{text(edge.label)}"|' if edge.label else ""
        lines.append(f"  {edge.tail} {arrow}{label} {edge.head}")
    for name, style in CLASSES.items():
        lines.append(f"  classDef {name} {style}")
    members: dict[str, list[str]] = {name: [] for name in CLASSES}
    for node in picture.nodes.values():
        if node.red:
            members["error"].append(node.id)
        if node.dashed:
            members["standby"].append(node.id)
        if node.failed:
            members["failed"].append(node.id)
    for name, ids in members.items():
        if ids:
            lines.append(f"  class {','.join(ids)} {name}")
    for cluster in picture.walk():
        if cluster.rules:
            lines.append(f"  style {mermaid_id(cluster.id)} {CLASSES['error']}")
        elif cluster.failed and cluster.kind == "zone":
            lines.append(f"  style {mermaid_id(cluster.id)} {CLASSES['failed']}")
    return "\n".join(lines) + "\n"
