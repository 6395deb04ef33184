"""`tiered diagram`: the architecture picture of the plan, with findings or a what-if drawn on it.

A convenience over the ``diagram`` renderer plugin: it draws one format into one file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tiered.cli import completion
from tiered.cli.common import DEFAULT_FILE, FileArg, app, invalid, shown, usage_error

FORMATS = ("png", "svg", "pdf", "dot", "mermaid")
SUFFIXES = {
    ".png": "png",
    ".svg": "svg",
    ".pdf": "pdf",
    ".dot": "dot",
    ".gv": "dot",
    ".mmd": "mermaid",
    ".mermaid": "mermaid",
}
EXTENSIONS = {"png": "png", "svg": "svg", "pdf": "pdf", "dot": "dot", "mermaid": "mmd"}


@app.command(
    epilog="Examples:  tiered diagram -o out/architecture.png  ·  tiered diagram "
    "--format mermaid -o docs/architecture.mmd  ·  tiered diagram --whatif us-east-1b "
    "-o out/whatif.svg"
)
def diagram(
    file: FileArg = DEFAULT_FILE,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="File to write (default: out/architecture.<format>).",
        ),
    ] = None,
    output_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="png, svg, pdf (graphviz), dot or mermaid (text); default: from the "
            "--output suffix, else png.",
        ),
    ] = None,
    whatif: Annotated[
        list[str] | None,
        typer.Option(
            "--whatif",
            "-w",
            metavar="DOMAIN",
            autocompletion=completion.domains,
            help="Draw the failure of this domain (zone, instance or managed service); "
            "repeat for several.",
        ),
    ] = None,
    collapse: Annotated[
        int,
        typer.Option(
            "--collapse",
            min=1,
            metavar="N",
            help="Draw a service as one node per zone above this many replicas in a zone.",
        ),
    ] = 3,
) -> None:
    """Draw the architecture: region, VPC, zones and tiers, one node per replica.

    Error findings are outlined in red with their rule id; --whatif greys
    out the failed domain and draws what goes down in red. SVG is
    self-contained (icons embedded); DOT and Mermaid need no graphviz.
    """
    from tiered import renderer as registry
    from tiered.pipeline import check
    from tiered.writer import UnsafeOutputPath, write_files

    chosen = _format(output, output_format)
    target = Path(output) if output else Path("out") / f"architecture.{EXTENSIONS[chosen]}"
    result = check(file)
    if result.plan is None:
        invalid(result.problems)
    try:
        plugin = registry.get("diagram")
    except registry.UnknownRenderer as error:
        usage_error(error.message, "reinstall tiered: the diagram renderer is not registered")
    options = registry.RenderOptions(
        format=chosen, extra={"whatif": tuple(whatif or ()), "collapse": collapse}
    )
    try:
        files = plugin.render(result.plan, options)
    except registry.RenderRefused as error:
        usage_error(error.message, error.hint)
    (content,) = files.values()
    try:
        write_files(target.parent, {target.name: content})
    except UnsafeOutputPath as error:
        usage_error(str(error), "choose a plain file name for --output")
    typer.echo(f"wrote {shown(target)}")


def _format(output: str | None, output_format: str | None) -> str:
    if output_format is not None:
        if output_format not in FORMATS:
            usage_error(
                f"unknown diagram format '{output_format}'", f"use one of: {', '.join(FORMATS)}"
            )
        return output_format
    if output is not None:
        suffix = Path(output).suffix.lower()
        if suffix in SUFFIXES:
            return SUFFIXES[suffix]
        if suffix:
            usage_error(
                f"cannot tell the diagram format from '{output}'",
                f"add --format ({', '.join(FORMATS)}) or use one of the suffixes "
                f"{', '.join(SUFFIXES)}",
            )
    return "png"
