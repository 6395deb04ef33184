"""The architecture diagram of an HTML report, drawn in-process by the diagram renderer.

The report draws its own picture of the plan (findings marked) instead of looking for a
file a previous command may or may not have written. When it cannot be drawn (graphviz
or the icons missing), the report says so and why, rather than leaving it out silently.
"""

from __future__ import annotations

from tiered import renderer as registry
from tiered.placement import Plan


def report_diagram(plan: Plan) -> tuple[str | None, str]:
    """The SVG text, or None and the reason it could not be drawn."""
    try:
        plugin = registry.get("diagram")
        files = plugin.render(plan, registry.RenderOptions(format="svg"))
    except registry.UnknownRenderer as error:
        return None, f"{error.message} (reinstall tiered)"
    except registry.RenderRefused as error:
        return None, f"{error.message} — {error.hint}"
    (content,) = files.values()
    return (content.decode("utf-8") if isinstance(content, bytes) else content), ""
