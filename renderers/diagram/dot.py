"""DOT text of a picture: explicit ids, HTML labels with the icon above the name.

Written by hand rather than through the ``diagrams`` context managers, whose node ids are
random uuids and whose cluster names collide when two clusters share a label (every zone
has a "web" subnet). It keeps the ``diagrams`` look: its icons, its fonts and colours, its
box nodes with the label under the icon. Icons are named relative to the ``diagrams``
resources folder; ``graphviz.render`` passes that folder as ``imagepath``.
"""

from __future__ import annotations

import itertools
from html import escape

from tiered.renderers.diagram.arrange import Placed, number
from tiered.renderers.diagram.model import Cluster, Edge, Node, Picture

RED = "#D62728"
GREY_FILL = "#D9D9D9"
GREY_TEXT = "#7F7F7F"
TEXT = "#2D3436"
EDGE = "#7B8894"
ICON_SIZE = 48
#: Points kept clear left and right of a box's title by rerouted arrows, beyond graphviz's
#: own 3.2: a browser sets the title a little wider than graphviz measures it.
TITLE_CLEARANCE = 6

#: Cluster styles by kind (AWS architecture-diagram conventions).
STYLE: dict[str, dict[str, str]] = {
    "region": {"style": "dashed", "pencolor": "#00A4A6", "fontsize": "15"},
    "vpc": {"style": "solid", "pencolor": "#8C4FFF", "fontsize": "14"},
    "zone": {"style": "dashed", "pencolor": "#147EBA", "fontsize": "14"},
    "public": {"style": "filled", "pencolor": "#7AA116", "fillcolor": "#EEF6E8", "fontsize": "12"},
    "private": {"style": "filled", "pencolor": "#147EBA", "fillcolor": "#E6F2F8", "fontsize": "12"},
}


def quote(text: str) -> str:
    """A DOT double-quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def attrs(values: dict[str, str]) -> str:
    """A DOT attribute list; HTML labels (``<...>``) are passed through unquoted."""
    parts = []
    for key, value in values.items():
        shown = value if key == "label" and value.startswith("<") else quote(value)
        parts.append(f"{key}={shown}")
    return "[" + ", ".join(parts) + "]"


def node_label(node: Node) -> str:
    """The HTML label of a node: icon, bold title, detail lines, red rule ids."""
    grey = node.failed
    colour = GREY_TEXT if grey else TEXT
    rows = [
        f'<TR><TD FIXEDSIZE="TRUE" WIDTH="{ICON_SIZE}" HEIGHT="{ICON_SIZE}">'
        f'<IMG SRC="{escape(node.icon)}" SCALE="TRUE"/></TD></TR>',
        f'<TR><TD><FONT COLOR="{colour}"><B>{escape(node.title)}</B></FONT></TD></TR>',
    ]
    for line in node.lines:
        rows.append(
            f'<TR><TD><FONT POINT-SIZE="10" COLOR="{colour}">{escape(line)}</FONT></TD></TR>'
        )
    marks = []
    if node.failed:
        marks.append(f'<FONT COLOR="{GREY_TEXT}">FAILED</FONT>')
    red = [*node.rules, *(["DOWN"] if node.down else [])]
    if red:
        marks.append(f'<FONT COLOR="{RED}">{escape(" ".join(red))}</FONT>')
    if node.accepted:
        shown = escape(" ".join(node.accepted)) + " accepted"
        marks.append(f'<FONT COLOR="{GREY_TEXT}">{shown}</FONT>')
    if marks:
        rows.append(f'<TR><TD><FONT POINT-SIZE="11"><B>{" ".join(marks)}</B></FONT></TD></TR>')
    return '<<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="1">' + "".join(rows) + "</TABLE>>"


def node_attrs(node: Node) -> dict[str, str]:
    styles = ["rounded"]
    values: dict[str, str] = {"id": node.id, "label": node_label(node)}
    if node.tooltip:
        values["tooltip"] = node.tooltip
    if node.dashed:
        styles.append("dashed")
    if node.failed:
        styles.append("filled")
        values["fillcolor"] = GREY_FILL
    if node.red:
        values["color"] = RED
        values["penwidth"] = "2.5"
    values["style"] = ",".join(styles)
    return values


def cluster_label(cluster: Cluster) -> str:
    parts = [f"<B>{escape(cluster.label)}</B>" if cluster.kind == "zone" else escape(cluster.label)]
    if cluster.rules:
        parts.append(f'  <FONT COLOR="{RED}"><B>{escape(" ".join(cluster.rules))}</B></FONT>')
    return "<" + "".join(parts) + ">"


def _where(placed: Placed | None, cluster_id: str) -> dict[str, str]:
    """A cluster's box and title position in a positioned drawing (else nothing)."""
    if placed is None or cluster_id not in placed.clusters:
        return {}
    values = {"bb": ",".join(number(v) for v in placed.clusters[cluster_id])}
    title = placed.titles.get(cluster_id)
    if title is not None:
        values["lp"] = f"{number(title.x)},{number(title.y)}"
    return values


def cluster_lines(cluster: Cluster, indent: str, placed: Placed | None = None) -> list[str]:
    kind = cluster.kind
    if kind == "subnet":
        kind = "public" if cluster.public else "private"
    style = {"labelloc": "t", "labeljust": "c", "peripheries": "1", **STYLE[kind]}
    if cluster.failed:
        style["style"] = "filled"
        style["fillcolor"] = GREY_FILL
    if cluster.rules:
        style["pencolor"] = RED
        style["penwidth"] = "3"
    lines = [f"{indent}subgraph {quote(cluster.id)} {{"]
    inner = indent + "  "
    style.update(_where(placed, cluster.id))
    lines.append(
        f"{inner}graph {attrs({'id': cluster.id, 'label': cluster_label(cluster), **style})};"
    )
    for node_id in cluster.nodes:
        lines.append(f"{inner}{quote(node_id)};")
    for child in cluster.children:
        lines.extend(cluster_lines(child, inner, placed))
    lines.append(f"{indent}}}")
    return lines


def edge_attrs(edge: Edge, picture: Picture) -> dict[str, str]:
    values: dict[str, str] = {}
    if edge.label:
        values["label"] = edge.label
    if edge.tooltip:
        values["tooltip"] = edge.tooltip
    styles = []
    if edge.dashed:
        styles.append("dashed")
    if edge.kind == "depends":
        values["color"] = "#A4ADB6"
    if edge.down:
        values["color"] = RED
        values["fontcolor"] = RED
        values["penwidth"] = "2"
    if styles:
        values["style"] = ",".join(styles)
    tail, head = picture.nodes[edge.tail], picture.nodes[edge.head]
    if head.column <= tail.column:
        values["constraint"] = "false"
    return values


def _table(rows: list[str]) -> str:
    return '<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="2">' + "".join(rows) + "</TABLE>"


def legend_label(picture: Picture) -> str:
    """The legend: what the marks mean, and beside it the findings (or what is down), so
    it is wide and short under the drawing."""
    keys = ['<TR><TD COLSPAN="2" ALIGN="LEFT"><B>Legend</B></TD></TR>']
    for key, meaning in picture.legend:
        keys.append(
            f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="10">{escape(key)}</FONT></TD>'
            f'<TD ALIGN="LEFT"><FONT POINT-SIZE="10">{escape(meaning)}</FONT></TD></TR>'
        )
    cells = [f'<TD VALIGN="TOP">{_table(keys)}</TD>']
    if picture.notes:
        heading = "Down" if picture.whatif else "Error findings"
        notes = [f'<TR><TD ALIGN="LEFT"><FONT COLOR="{RED}"><B>{heading}</B></FONT></TD></TR>']
        for note in picture.notes:
            shade = GREY_TEXT if note.endswith("(accepted)") else RED
            notes.append(
                f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="10" COLOR="{shade}">'
                f"{escape(note)}</FONT></TD></TR>"
            )
        cells.append(f'<TD VALIGN="TOP">{_table(notes)}</TD>')
    return (
        '<<TABLE BORDER="1" COLOR="#AEB6BE" CELLBORDER="0" CELLSPACING="8" CELLPADDING="0">'
        f"<TR>{''.join(cells)}</TR></TABLE>>"
    )


def _obstacles(placed: Placed) -> list[str]:
    """An invisible box on every box's title, so that arrows routed by ``nop2`` go round
    the titles as they go round the nodes."""
    lines = []
    for index, (cluster_id, title) in enumerate(sorted(placed.titles.items())):
        values = {
            "shape": "box",
            "style": "invis",
            "label": "",
            "fixedsize": "true",
            "width": number((title.width + 2 * TITLE_CLEARANCE) / 72),
            "height": number(title.height / 72),
            "pos": f"{number(title.x)},{number(title.y)}",
            "comment": f"title of {cluster_id}",
        }
        lines.append(f"  {quote(f'title_{index}')} {attrs(values)};")
    return lines


def build_dot(picture: Picture, placed: Placed | None = None, obstacles: bool = False) -> str:
    """The DOT text of ``picture``; byte-identical for the same picture.

    Without ``placed`` it is the input of ``dot``'s layout. With it, every node, box, title
    and (once routed) arrow stands where ``placed`` says, for graphviz's ``nop2`` engine:
    arrows without a spline are routed around the nodes, and with ``obstacles`` around the
    boxes' titles too (see ``arrange``)."""
    title = f"<<B>{escape(picture.title)}</B>"
    if picture.subtitle:
        colour = RED if picture.whatif else TEXT
        title += f'<BR/><FONT POINT-SIZE="12" COLOR="{colour}">{escape(picture.subtitle)}</FONT>'
    title += ">"
    graph = {
        "label": title,
        "labelloc": "t",
        "fontname": "Sans-Serif",
        "fontsize": "18",
        "fontcolor": TEXT,
        "rankdir": "LR",
        "newrank": "true",
        "compound": "true",
        "splines": "spline",
        "nodesep": "0.25",
        "ranksep": "0.9",
        "pad": "0.4",
        "bgcolor": "#FFFFFF",
    }
    if placed is not None:
        graph["layout"] = "nop2"
        graph["bb"] = ",".join(number(v) for v in placed.bounds)
        if placed.title is not None:
            graph["lp"] = f"{number(placed.title.x)},{number(placed.title.y)}"
    node = {
        "shape": "box",
        "style": "rounded",
        "color": "#AEB6BE",
        "fontname": "Sans-Serif",
        "fontsize": "12",
        "fontcolor": TEXT,
        "margin": "0.08,0.04",
    }
    edge = {"color": EDGE, "fontname": "Sans-Serif", "fontsize": "10", "fontcolor": "#5B6770"}
    lines = [
        f"// {picture.title}: architecture drawn by tiered from its placement plan.",
        "// Icons are relative to the resources folder of the 'diagrams' package; render with",
        "//   dot -Tpng -Gimagepath=<site-packages>/resources architecture.dot",
        "// dot stacks the zones in an order of its own; tiered's PNG, SVG and PDF restack",
        "// them in the topology's order and route the arrows clear of the boxes' titles.",
        f"digraph {quote(picture.title)} {{",
        f"  graph {attrs(graph)};",
        f"  node {attrs(node)};",
        f"  edge {attrs(edge)};",
    ]
    # The legend is the label of an invisible cluster around the whole drawing, under it:
    # laid out as a node it would widen the first column into an empty third of the canvas,
    # and outside the cluster the users would be pushed below it, their arrows across it.
    canvas = {
        "id": "canvas",
        "label": legend_label(picture),
        "labelloc": "b",
        "labeljust": "l",
        "peripheries": "0",
        "fontsize": "12",
        "margin": "4",
    }
    for node_id, node_value in picture.nodes.items():
        values = node_attrs(node_value)
        if placed is not None:
            x, y = placed.nodes[node_id]
            values["pos"] = f"{number(x)},{number(y)}"
        lines.append(f"  {quote(node_id)} {attrs(values)};")
    if placed is not None and obstacles:
        lines.extend(_obstacles(placed))
    canvas.update(_where(placed, "cluster_canvas"))
    lines.append("  subgraph cluster_canvas {")
    lines.append(f"    graph {attrs(canvas)};")
    for node_id in picture.outside:
        lines.append(f"    {quote(node_id)};")
    for cluster in picture.clusters:
        lines.extend(cluster_lines(cluster, "    ", placed))
    lines.append("  }")
    if placed is None:
        lines.extend(_columns(picture))
    for index, edge_value in enumerate(picture.edges):
        values = {"id": f"arrow{index}", **edge_attrs(edge_value, picture)}
        if placed is not None:
            if index in placed.splines:
                values["pos"] = placed.splines[index]
            if index in placed.edge_labels:
                x, y = placed.edge_labels[index]
                values["lp"] = f"{number(x)},{number(y)}"
        lines.append(f"  {quote(edge_value.tail)} -> {quote(edge_value.head)} {attrs(values)};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _columns(picture: Picture) -> list[str]:
    """Each column one rank, and the ranks in column order (invisible edges)."""
    lines = []
    by_column: dict[int, list[str]] = {}
    for node_id, node_value in picture.nodes.items():
        by_column.setdefault(node_value.column, []).append(node_id)
    for column in sorted(by_column):
        members = " ".join(quote(n) for n in by_column[column])
        lines.append(f"  {{ rank=same; {members} }}")
    ordered = sorted(by_column)
    for left, right in itertools.pairwise(ordered):
        lines.append(
            f"  {quote(by_column[left][0])} -> {quote(by_column[right][0])} "
            "[style=invis, weight=0];"
        )
    return lines
