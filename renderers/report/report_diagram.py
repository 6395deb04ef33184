"""The architecture diagram of an HTML report, drawn in-process by the diagram exporter.

The report draws its own picture of the plan (findings marked) instead of looking for a
file a previous command may or may not have written. When it cannot be drawn (graphviz
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
    from tiered.exporters import registry
    from tiered.exporters.base import ExportOptions, ExportRefused

    try:
        plugin = registry.get("diagram", "svg")
        (content,) = plugin.export(result, ExportOptions()).values()
    except registry.UnknownExporter as error:
        return None, f"{error} (reinstall tiered)"
    except ExportRefused as error:
        from tiered.renderers.diagram.graphviz import GraphvizMissing

        hint = NO_GRAPHVIZ_HINT if error.message == GraphvizMissing.message else error.hint
        return None, f"{error.message} — {hint}"
    return (content.decode("utf-8") if isinstance(content, bytes) else content), ""
