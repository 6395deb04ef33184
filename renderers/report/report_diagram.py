"""The architecture diagram of an HTML report, drawn in-process by the diagram renderer.

The report draws its own picture of the plan (findings marked) instead of looking for a
file a previous command may or may not have written. It calls the diagram renderer's
``drawing`` directly, a sibling in this folder: only the command line picks exporters
from the registry. When it cannot be drawn (graphviz
or the icons missing), the report says so and why, rather than leaving it out silently.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tiered.pipeline import Result

#: What the report can do without graphviz (the diagram command's --format dot does not apply).
NO_GRAPHVIZ_HINT = (
    "install graphviz (Debian/Ubuntu: apt-get install graphviz; macOS: brew install "
    "graphviz), or embed an SVG drawn elsewhere with `tiered report --format html "
    "--diagram FILE.svg`"
)


def report_diagram(result: Result) -> tuple[str | None, str]:
    """The SVG text, or None and the reason it could not be drawn."""
    from tiered.exporters.base import ExportOptions, ExportRefused
    from tiered.renderers.diagram import drawing
    from tiered.renderers.diagram.graphviz import GraphvizMissing

    try:
        content = drawing(result, ExportOptions(), "svg")
    except ExportRefused as error:
        hint = NO_GRAPHVIZ_HINT if error.message == GraphvizMissing.message else error.hint
        return None, f"{error.message} — {hint}"
    return (content.decode("utf-8") if isinstance(content, bytes) else content), ""
