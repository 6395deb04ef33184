"""Where things stand: graphviz's layout rearranged so zones stand in the declared order.

graphviz's ``dot`` orders sibling clusters by crossing counts, and no attribute of graphviz
2.43 makes that order hold: it drew us-east-1d above 1b and rack-c above rack-a. So the
drawing is made in three runs of graphviz, each deterministic:

1. ``dot`` lays the picture out (ranks, clusters, the order inside each zone);
2. the zone boxes, as horizontal bands, are put back in the topology's order, everything
   inside a zone moving with it (``in_declared_order``), a VRRP pair outside the zones is
   stacked like its zones (``segment_in_zone_order``), and graphviz's ``nop2`` engine
   routes every arrow again around the nodes and around the titles of the boxes, which
   stand in as invisible obstacles, so no arrow crosses a zone's (or any box's) title;
3. the edge labels are set beside their rerouted arrows and ``nop2`` draws the result.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field, replace
from typing import Any

from tiered.renderers.diagram.model import Cluster, Picture, ident

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in points, y upwards
Point = tuple[float, float]
INCH = 72.0


@dataclass(frozen=True)
class Title:
    """Where a box's (or the drawing's) title stands: its centre and size in points."""

    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Placed:
    """Positions of a laid-out picture: node centres, cluster boxes and titles, the
    drawing's box and title, and (once routed) each edge's spline and label centre."""

    bounds: Box
    title: Title | None
    nodes: dict[str, Point]
    clusters: dict[str, Box]
    titles: dict[str, Title]
    edge_labels: dict[int, Point] = field(default_factory=dict)
    splines: dict[int, str] = field(default_factory=dict)
    sizes: dict[str, Point] = field(default_factory=dict)  # node -> width, height


def number(value: float) -> str:
    """A coordinate as DOT text: two decimals at most, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _floats(text: str) -> list[float]:
    return [float(v) for v in text.split(",")]


def _box(text: str) -> Box:
    x0, y0, x1, y1 = _floats(text)
    return (x0, y0, x1, y1)


def _title(obj: dict[str, Any]) -> Title | None:
    if "lp" not in obj or "lwidth" not in obj:
        return None
    x, y = _floats(obj["lp"])
    return Title(x, y, float(obj["lwidth"]) * INCH, float(obj["lheight"]) * INCH)


def edge_index(obj: dict[str, Any]) -> int | None:
    """The picture's index of a laid-out edge (its DOT id ``arrowN``), None for helpers."""
    name = str(obj.get("id", ""))
    return int(name[5:]) if name.startswith("arrow") and name[5:].isdigit() else None


def read(layout_json: str | bytes) -> Placed:
    """The positions graphviz wrote as ``-Tjson``."""
    data = json.loads(layout_json)
    count = data.get("_subgraph_cnt", 0)
    objects = data.get("objects", [])
    clusters: dict[str, Box] = {}
    titles: dict[str, Title] = {}
    for obj in objects[:count]:
        if "bb" in obj:
            clusters[obj["name"]] = _box(obj["bb"])
            title = _title(obj)
            if title is not None:
                titles[obj["name"]] = title
    nodes: dict[str, Point] = {}
    sizes: dict[str, Point] = {}
    for obj in objects[count:]:
        x, y = _floats(obj["pos"])
        nodes[obj["name"]] = (x, y)
        sizes[obj["name"]] = (float(obj["width"]) * INCH, float(obj["height"]) * INCH)
    labels: dict[int, Point] = {}
    splines: dict[int, str] = {}
    for edge in data.get("edges", []):
        index = edge_index(edge)
        if index is None:
            continue
        if "lp" in edge:
            x, y = _floats(edge["lp"])
            labels[index] = (x, y)
        if "pos" in edge:
            splines[index] = edge["pos"]
    return Placed(_box(data["bb"]), _title(data), nodes, clusters, titles, labels, splines, sizes)


def _subtree(cluster: Cluster) -> tuple[list[str], list[str]]:
    """Node ids and cluster ids inside ``cluster`` (itself included)."""
    nodes, clusters = list(cluster.nodes), [cluster.id]
    for child in cluster.children:
        more_nodes, more_clusters = _subtree(child)
        nodes += more_nodes
        clusters += more_clusters
    return nodes, clusters


def in_declared_order(placed: Placed, picture: Picture) -> Placed:
    """``placed`` with the zone boxes stacked top to bottom in the order the picture lists
    them (the topology's ``zones``), in the same horizontal bands and gaps graphviz left:
    each zone and all it holds move up or down together; nothing else moves."""
    zones = [c for c in picture.walk() if c.kind == "zone" and c.id in placed.clusters]
    if len(zones) < 2:
        return placed
    boxes = [placed.clusters[z.id] for z in zones]
    by_top = sorted(range(len(zones)), key=lambda i: -boxes[i][3])
    for upper, lower in itertools.pairwise(by_top):
        if boxes[lower][3] > boxes[upper][1]:
            return placed  # zones side by side (they share no column): nothing to restack
    gaps = [boxes[up][1] - boxes[low][3] for up, low in itertools.pairwise(by_top)]
    top = boxes[by_top[0]][3]
    shift: dict[str, float] = {}
    for index, zone in enumerate(zones):
        box = boxes[index]
        shift[zone.id] = top - box[3]
        top -= box[3] - box[1]
        if index < len(gaps):
            top -= gaps[index]
    nodes = dict(placed.nodes)
    clusters = dict(placed.clusters)
    titles = dict(placed.titles)
    for zone in zones:
        dy = shift[zone.id]
        node_ids, cluster_ids = _subtree(zone)
        for node_id in node_ids:
            x, y = nodes[node_id]
            nodes[node_id] = (x, y + dy)
        for cluster_id in cluster_ids:
            if cluster_id in clusters:
                x0, y0, x1, y1 = clusters[cluster_id]
                clusters[cluster_id] = (x0, y0 + dy, x1, y1 + dy)
            if cluster_id in titles:
                title = titles[cluster_id]
                titles[cluster_id] = replace(title, y=title.y + dy)
    return replace(placed, nodes=nodes, clusters=clusters, titles=titles)


def segment_in_zone_order(placed: Placed, picture: Picture) -> Placed:
    """``placed`` with the replicas of a box outside the zones (the entry segment of a
    VRRP pair, one per zone) stacked like their zones: in each column, the replicas trade
    places so that the one of the first zone stands highest. Replicas of unequal heights
    keep their places (trading them could make them overlap)."""
    zones = [c for c in picture.walk() if c.kind == "zone"]
    rank = {c.id: index for index, c in enumerate(zones)}
    in_zones = {n for c in zones for n in _subtree(c)[0]}

    def zone_box(node_id: str) -> str:
        zone = picture.nodes[node_id].zone if node_id in picture.nodes else None
        return f"cluster_zone_{ident(zone)}" if zone else ""

    nodes = dict(placed.nodes)
    for cluster in picture.walk():
        if cluster.kind == "zone":
            continue
        column: dict[float, list[str]] = {}
        for node_id in cluster.nodes:
            if node_id in in_zones or zone_box(node_id) not in rank or node_id not in nodes:
                continue
            column.setdefault(nodes[node_id][0], []).append(node_id)
        for members in column.values():
            if len({placed.sizes.get(n) for n in members}) != 1:
                continue
            slots = sorted((nodes[n] for n in members), key=lambda p: -p[1])
            ordered = sorted(members, key=lambda n: rank[zone_box(n)])
            nodes.update(zip(ordered, slots, strict=True))
    return replace(placed, nodes=nodes)


def spline_points(spline: str) -> list[Point]:
    """The control points of a graphviz spline (``e,``/``s,`` arrow ends left out)."""
    points: list[Point] = []
    for part in spline.split():
        if part.startswith(("e,", "s,")):
            continue
        x, y = _floats(part)
        points.append((x, y))
    return points


def bezier_samples(points: list[Point], steps: int = 16) -> list[Point]:
    """Points along a piecewise cubic Bézier curve (graphviz's ``pos`` of an edge)."""
    samples: list[Point] = []
    for start in range(0, len(points) - 3, 3):
        p0, p1, p2, p3 = points[start : start + 4]
        for step in range(steps + 1):
            t = step / steps
            a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3
            samples.append(
                (
                    a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
                    a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1],
                )
            )
    return samples or points


def y_at(spline: str, x: float) -> float | None:
    """The height of an arrow where it passes ``x`` (None when it does not)."""
    samples = bezier_samples(spline_points(spline))
    xs = [px for px, _ in samples]
    if not min(xs) <= x <= max(xs):
        return None
    return min(samples, key=lambda p: abs(p[0] - x))[1]


def middle(spline: str) -> Point:
    samples = bezier_samples(spline_points(spline))
    return samples[len(samples) // 2]


def moved(spline: str, dx: float, dy: float) -> str:
    """``spline`` moved by ``dx``, ``dy``."""
    parts = []
    for part in spline.split():
        prefix = part[:2] if part.startswith(("e,", "s,")) else ""
        x, y = _floats(part[len(prefix) :])
        parts.append(f"{prefix}{number(x + dx)},{number(y + dy)}")
    return " ".join(parts)


def with_routes(placed: Placed, routed: Placed) -> Placed:
    """``placed`` with the splines graphviz routed, and each edge label where the first
    layout had it relative to its arrow: in the same column gap, as far above (or below)
    the rerouted arrow as it was above the first one.

    ``nop2`` moves its whole drawing so that it starts at the origin; the splines are
    moved back into ``placed``'s frame by what it moved the nodes."""
    anchor = next(iter(placed.nodes))
    dx = placed.nodes[anchor][0] - routed.nodes[anchor][0]
    dy = placed.nodes[anchor][1] - routed.nodes[anchor][1]
    splines = {index: moved(spline, dx, dy) for index, spline in routed.splines.items()}
    labels: dict[int, Point] = {}
    for index, (x, y) in placed.edge_labels.items():
        before, after = placed.splines.get(index), splines.get(index)
        if before is None or after is None:
            continue
        was, now = y_at(before, x), y_at(after, x)
        if was is not None and now is not None:
            labels[index] = (x, now + y - was)
        else:
            (mx, my), (nx, ny) = middle(before), middle(after)
            labels[index] = (nx + x - mx, ny + y - my)
    return replace(placed, splines=splines, edge_labels=labels)
