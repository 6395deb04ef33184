"""The architecture diagram renderer: the plan drawn with the ``diagrams`` icons via graphviz.

``draw(plan, notes, output_format)`` returns the picture as PNG, SVG or PDF bytes, or as DOT
or Mermaid text. The modules each do one job: ``picture`` (the plan as clusters, nodes and
edges), ``icons`` (which icon for what), ``dot`` (DOT text), ``graphviz`` (running dot),
``svg`` (embedding the icons), and ``renderers.mermaid`` (Mermaid text).
"""

from __future__ import annotations

from collections.abc import Mapping

from renderers.diagram.annotations import NONE, Annotations
from renderers.diagram.picture import COLLAPSE_THRESHOLD, build
from tiered.placement import Plan
from tiered.renderer import RenderOptions, RenderRefused

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
        from renderers.mermaid import build_mermaid

        return build_mermaid(picture)
    from renderers.diagram.dot import build_dot

    dot_text = build_dot(picture)
    if output_format == "dot":
        return dot_text
    from renderers.diagram.graphviz import run_dot

    drawn = run_dot(dot_text, output_format)
    if output_format != "svg":
        return drawn
    from renderers.diagram.icons import resources_dir
    from renderers.diagram.svg import embed_icons

    return embed_icons(drawn.decode("utf-8"), resources_dir()).encode("utf-8")


def findings_of(plan: Plan) -> Annotations:
    """Error findings of the analysis, when the analysis engine is installed."""
    try:
        from tiered.analysis import analyze  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return NONE
    from renderers.diagram.annotations import from_findings

    return from_findings(analyze(plan).findings)


def domains(plan: Plan) -> list[str]:
    """Names a what-if may fail: zones, instances, managed endpoints and services."""
    names = [*plan.zones, *(i.name for i in plan.instances), *(m.name for m in plan.managed)]
    return list(dict.fromkeys([*names, *plan.services]))


def scenario_of(plan: Plan, failed: tuple[str, ...]) -> Annotations:
    """The what-if scenario of ``failed`` domains; RenderRefused for an unknown name."""
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
            raise RenderRefused(f"--whatif: '{name}' is not a failure domain of the plan", hint)
    try:
        from tiered.analysis import whatif  # type: ignore[attr-defined,unused-ignore]
    except ImportError as error:
        raise RenderRefused(
            "--whatif needs the analysis engine (tiered.analysis), which is not installed",
            "draw without --whatif, or install a tiered with the analysis",
        ) from error
    from renderers.diagram.annotations import from_scenario

    try:
        scenario = whatif(plan, list(failed))
    except ValueError as error:  # the analysis' UnknownDomain carries a hint
        raise RenderRefused(f"--whatif: {error}", str(getattr(error, "hint", ""))) from error
    return from_scenario(scenario)


class DiagramRenderer:
    """``tiered render diagram``: SVG (icons embedded), Mermaid and DOT of the plan.

    ``options.format`` picks one format (default: svg, mermaid and dot); ``options.extra``
    may hold ``whatif`` (failed domain names) and ``collapse`` (the ×N threshold).
    """

    name = "diagram"
    description = "architecture diagram: SVG with findings marked, Mermaid and DOT text"

    def applies_to(self, plan: Plan) -> bool:
        return True

    def render(self, plan: Plan, options: RenderOptions) -> Mapping[str, str | bytes]:
        from renderers.diagram.graphviz import GraphvizFailed, GraphvizMissing
        from renderers.diagram.icons import IconsMissing

        chosen = options.format if options.format in FORMATS else None
        formats = (chosen,) if chosen else ("svg", "mermaid", "dot")
        failed = tuple(options.extra.get("whatif", ()))
        collapse = int(options.extra.get("collapse", COLLAPSE_THRESHOLD))
        notes = scenario_of(plan, failed) if failed else findings_of(plan)
        files: dict[str, str | bytes] = {}
        for output_format in formats:
            try:
                files[f"diagram/architecture.{EXTENSIONS[output_format]}"] = draw(
                    plan, notes, output_format, collapse
                )
            except GraphvizMissing as error:
                raise RenderRefused(error.message, error.hint) from error
            except IconsMissing as error:
                raise RenderRefused(str(error), "pip install diagrams") from error
            except GraphvizFailed as error:
                raise RenderRefused(
                    str(error), "this is a renderer bug; please report it"
                ) from error
        return files
