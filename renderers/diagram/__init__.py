"""The architecture diagram renderer: the plan drawn with the ``diagrams`` icons via graphviz.

``draw(plan, notes, output_format)`` returns the picture as PNG, SVG or PDF bytes, or as DOT
or Mermaid text. The modules each do one job: ``picture`` (the plan as clusters, nodes and
edges), ``icons`` (which icon for what), ``dot`` (DOT text), ``graphviz`` (running dot),
``arrange`` (dot's layout with the zones restacked in declared order, arrows rerouted),
``svg`` (embedding the icons), and ``tiered.renderers.diagram.mermaid`` (Mermaid text).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tiered.exporters.base import Exporter, ExportOptions, ExportRefused, Files
from tiered.placement.plan import Plan
from tiered.renderers.diagram.annotations import NONE, Annotations, from_findings
from tiered.renderers.diagram.picture import COLLAPSE_THRESHOLD, build

if TYPE_CHECKING:
    from tiered.pipeline import Result


FORMATS = ("png", "svg", "pdf", "dot", "mermaid")
EXTENSIONS = {"png": "png", "svg": "svg", "pdf": "pdf", "dot": "dot", "mermaid": "mmd"}


def draw(
    plan: Plan,
    notes: Annotations = NONE,
    output_format: str = "png",
    collapse: int = COLLAPSE_THRESHOLD,
) -> str | bytes:
    """The picture of ``plan`` in ``output_format``; PNG/SVG/PDF raise GraphvizMissing
    when graphviz is not installed."""
    picture = build(plan, notes, collapse)
    if output_format == "mermaid":
        from tiered.renderers.diagram.mermaid import build_mermaid

        return build_mermaid(picture)
    from tiered.renderers.diagram.dot import build_dot

    dot_text = build_dot(picture)
    if output_format == "dot":
        return dot_text
    from tiered.renderers.diagram.graphviz import positioned, run_dot

    drawn = run_dot(positioned(picture), output_format)
    if output_format != "svg":
        return drawn
    from tiered.renderers.diagram.icons import resources_dir
    from tiered.renderers.diagram.svg import embed_icons, fit_to_window

    return fit_to_window(embed_icons(drawn.decode("utf-8"), resources_dir())).encode("utf-8")


def domains(plan: Plan) -> list[str]:
    """Names a what-if may fail: zones, instances, managed endpoints and services."""
    names = [*plan.zones, *(i.name for i in plan.instances), *(m.name for m in plan.managed)]
    return list(dict.fromkeys([*names, *plan.services]))


def scenario_of(plan: Plan, failed: tuple[str, ...]) -> Annotations:
    """The what-if scenario of ``failed`` domains; ExportRefused for an unknown name."""
    import difflib

    known = domains(plan)
    for name in failed:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = (
                f"did you mean '{close[0]}'?"
                if close
                else f"name a zone ({', '.join(plan.zones)}), an instance or a managed service"
            )
            raise ExportRefused(f"--whatif: '{name}' is not a failure domain of the plan", hint)
    from tiered.analysis import whatif
    from tiered.renderers.diagram.annotations import from_scenario

    try:
        scenario = whatif(plan, list(failed))
    except ValueError as error:  # the analysis' UnknownDomain carries a hint
        raise ExportRefused(f"--whatif: {error}", str(getattr(error, "hint", ""))) from error
    return from_scenario(scenario)


def drawing(result: Result, options: ExportOptions, output_format: str) -> str | bytes:
    """The picture of a Result: its findings marked, or the what-if in ``options.extra``."""
    from tiered.renderers.diagram.graphviz import GraphvizFailed, GraphvizMissing
    from tiered.renderers.diagram.icons import IconsMissing

    plan = result.valid_plan
    failed = tuple(options.extra.get("whatif", ()))
    collapse = int(options.extra.get("collapse", COLLAPSE_THRESHOLD))
    notes = scenario_of(plan, failed) if failed else from_findings(result.findings)
    try:
        return draw(plan, notes, output_format, collapse)
    except GraphvizMissing as error:
        raise ExportRefused(error.message, error.hint) from error
    except IconsMissing as error:
        raise ExportRefused(str(error), "pip install diagrams") from error
    except GraphvizFailed as error:
        raise ExportRefused(str(error), "this is a renderer bug; please report it") from error


class DiagramRenderer(Exporter["Result"]):
    """``tiered render diagram``: SVG (icons embedded), Mermaid and DOT of the plan.

    ``options.variant`` picks one format (default: svg, mermaid and dot); ``options.extra``
    may hold ``whatif`` (failed domain names) and ``collapse`` (the ×N threshold).
    """

    name = "diagram"
    kind = "render"
    description = "architecture diagram: SVG with findings marked, Mermaid and DOT text"

    def export(self, result: Result, options: ExportOptions) -> Files:
        chosen = options.variant if options.variant in FORMATS else None
        formats = (chosen,) if chosen else ("svg", "mermaid", "dot")
        return {
            f"diagram/architecture.{EXTENSIONS[output_format]}": drawing(
                result, options, output_format
            )
            for output_format in formats
        }


class DiagramDocument(Exporter["Result"]):
    """``tiered diagram --format FORMAT``: the picture as one file."""

    kind = "diagram"

    def export(self, result: Result, options: ExportOptions) -> Files:
        return {self.filename: drawing(result, options, self.name)}


class Png(DiagramDocument):
    name, filename, description = "png", "architecture.png", "PNG picture (graphviz)"


class Svg(DiagramDocument):
    name, filename = "svg", "architecture.svg"
    description = "SVG picture with its icons embedded (graphviz)"


class Pdf(DiagramDocument):
    name, filename, description = "pdf", "architecture.pdf", "PDF picture (graphviz)"


class Dot(DiagramDocument):
    name, filename, description = "dot", "architecture.dot", "graphviz DOT text"


class Mermaid(DiagramDocument):
    name, filename = "mermaid", "architecture.mmd"
    description = "Mermaid flowchart text, for documentation without graphviz"
