"""The architecture diagram of an HTML report, drawn in-process by the diagram exporter.

The report draws its own picture of the plan (findings marked) instead of looking for a
file a previous command may or may not have written. When it cannot be drawn (graphviz
or the icons missing), the report says so and why, rather than leaving it out silently.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tiered.pipeline import Result


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
        return None, f"{error.message} — {error.hint}"
    return (content.decode("utf-8") if isinstance(content, bytes) else content), ""
