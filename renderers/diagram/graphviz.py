"""Running graphviz's ``dot`` on the DOT text: PNG, SVG or PDF, icons found via imagepath."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace

from tiered.renderers.diagram.arrange import (
    in_declared_order,
    read,
    segment_in_zone_order,
    with_routes,
)
from tiered.renderers.diagram.dot import build_dot
from tiered.renderers.diagram.icons import resources_dir
from tiered.renderers.diagram.model import Picture

#: Formats graphviz draws; DOT and Mermaid are text and need no graphviz.
GRAPHVIZ_FORMATS = ("png", "svg", "pdf")
#: What graphviz writes between the runs of one drawing: the layout, as JSON.
LAYOUT_FORMAT = "json"
TIMEOUT = 300


class GraphvizMissing(Exception):
    """The ``dot`` executable is not on PATH."""

    message = "graphviz's 'dot' executable was not found on PATH"
    hint = (
        "install the graphviz package (Debian/Ubuntu: apt-get install graphviz; "
        "macOS: brew install graphviz), or use --format dot or --format mermaid"
    )


class GraphvizFailed(Exception):
    """``dot`` ran and failed; carries its error output."""


def dot_executable() -> str:
    """The path of ``dot``; raises GraphvizMissing when it is not installed."""
    found = shutil.which("dot")
    if found is None:
        raise GraphvizMissing(GraphvizMissing.message)
    return found


def _graphviz(dot_text: str, output_format: str) -> tuple[bytes, str]:
    """What ``dot -T<output_format>`` writes for ``dot_text``, and its warnings."""
    command = [dot_executable(), f"-T{output_format}", f"-Gimagepath={resources_dir()}"]
    try:
        done = subprocess.run(
            command, input=dot_text.encode("utf-8"), capture_output=True, timeout=TIMEOUT
        )
    except subprocess.TimeoutExpired as error:
        raise GraphvizFailed(f"dot did not finish within {TIMEOUT} s") from error
    warnings = done.stderr.decode("utf-8", "replace").strip()
    if done.returncode != 0 or not done.stdout:
        raise GraphvizFailed(f"dot failed (exit {done.returncode}): {warnings}")
    return done.stdout, warnings


def run_dot(dot_text: str, output_format: str) -> bytes:
    """Draw ``dot_text`` as ``output_format`` (png, svg, pdf) with the diagrams icons, or
    write its layout (json)."""
    if output_format not in (*GRAPHVIZ_FORMATS, LAYOUT_FORMAT):
        raise ValueError(f"graphviz format must be one of {GRAPHVIZ_FORMATS}")
    return _graphviz(dot_text, output_format)[0]


#: What ``nop2`` says when obstacles touch and it draws every arrow as a straight line.
STRAIGHT = "straight line edges"


def positioned(picture: Picture) -> str:
    """The DOT text of ``picture`` with everything placed (see ``arrange``): laid out by
    ``dot``, zones put back in the topology's order, arrows routed again by ``nop2``
    around nodes and titles, edge labels beside their arrows. Should titles and nodes
    ever touch, arrows are routed round the nodes only rather than drawn straight."""
    first = read(run_dot(build_dot(picture), LAYOUT_FORMAT))
    placed = segment_in_zone_order(in_declared_order(first, picture), picture)
    unrouted = replace(placed, splines={}, edge_labels={})
    routed, warnings = _graphviz(build_dot(picture, unrouted, obstacles=True), LAYOUT_FORMAT)
    if STRAIGHT in warnings:
        routed = run_dot(build_dot(picture, unrouted), LAYOUT_FORMAT)
    return build_dot(picture, with_routes(placed, read(routed)))
