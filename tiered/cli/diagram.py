"""`tiered diagram`: the architecture picture of the plan, with findings or a what-if drawn on it.

It draws one format into one file through the ``diagram`` exporters.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tiered.cli import completion
from tiered.cli.common import (
    DEFAULT_FILE,
    FileArg,
    app,
    completer,
    emit_document,
    exporter,
    shown,
    usage_error,
    valid_result,
    write_output,
)
from tiered.cli.formats import listed

#: Output file suffixes and the diagram format each implies.
SUFFIXES = {
    ".png": "png",
    ".svg": "svg",
    ".pdf": "pdf",
    ".dot": "dot",
    ".gv": "dot",
    ".mmd": "mermaid",
    ".mermaid": "mermaid",
}


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
            help="File to write (default: out/architecture.<format>); - for standard output.",
        ),
    ] = None,
    output_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help=f"{listed('diagram')}; png, svg and pdf need graphviz; default: from the "
            "--output suffix, else png.",
            autocompletion=completer("diagram"),
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
    from tiered.exporters.base import ExportOptions, ExportRefused

    chosen = _format(output, output_format)
    plugin = exporter("diagram", chosen)
    target = Path(output) if output else Path("out") / plugin.filename
    result = valid_result(file)
    options = ExportOptions(extra={"whatif": tuple(whatif or ()), "collapse": collapse})
    try:
        (content,) = plugin.export(result, options).values()
    except ExportRefused as error:
        usage_error(error.message, error.hint)
    if output == "-":
        emit_document(content, None)
        return
    write_output(target.parent, {target.name: content})
    typer.echo(f"wrote {shown(target)}")


def _format(output: str | None, output_format: str | None) -> str:
    if output_format is not None:
        return output_format
    if output is not None:
        suffix = Path(output).suffix.lower()
        if suffix in SUFFIXES:
            return SUFFIXES[suffix]
        if suffix:
            usage_error(
                f"cannot tell the diagram format from '{output}'",
                f"add --format ({', '.join(sorted(set(SUFFIXES.values())))}) or use one of "
                "the suffixes "
                f"{', '.join(SUFFIXES)}",
            )
    return "png"
