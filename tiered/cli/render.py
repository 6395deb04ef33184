"""`tiered render NAME`: run a render exporter on the plan and write its files."""

from __future__ import annotations

from typing import Annotated

import typer

from tiered.cli.common import (
    DEFAULT_FILE,
    FileArg,
    app,
    completer,
    refused,
    shown,
    usage_error,
    valid_result,
    write_output,
)
from tiered.cli.formats import listed
from tiered.cli.foundation import FailOn


@app.command(
    epilog="Examples:  tiered render cloudformation  ·  tiered render nginx --local "
    "--out build/  ·  tiered render all racks.yaml"
)
def render(
    name: Annotated[
        str,
        typer.Argument(
            metavar="RENDERER",
            help=f"Renderer: {listed('render')}; or all that apply.",
            autocompletion=lambda incomplete: [
                n for n in ["all", *completer("render")(incomplete)] if n.startswith(incomplete)
            ],
        ),
    ],
    file: FileArg = DEFAULT_FILE,
    out: Annotated[str, typer.Option("--out", "-o", metavar="DIR", help="Output folder.")] = "out",
    output_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="Renderer-specific format (cloudformation: yaml or json).",
        ),
    ] = None,
    local: Annotated[
        bool,
        typer.Option(
            "--local", help="nginx: loopback ports and prefix-relative paths, to run unprivileged."
        ),
    ] = False,
    fail_on: Annotated[
        FailOn,
        typer.Option(
            "--fail-on",
            help="Refuse to write (exit 1) on unaccepted findings of this severity or worse; "
            "never: warn about error findings on stderr and render.",
        ),
    ] = FailOn.never,
) -> None:
    """Write the files of a backend (CloudFormation, NGINX, keepalived, diagram) under --out."""
    from tiered.cli.render_guard import guard, warn
    from tiered.exporters import registry
    from tiered.exporters.base import ExportOptions, ExportRefused

    if name != "all":
        try:
            chosen = [registry.get("render", name)]
        except registry.UnknownExporter:
            unknown = registry.UnknownExporter("render", name, ["all", *registry.names("render")])
            usage_error(unknown.message, unknown.hint)
    result = valid_result(file)
    if name == "all":
        chosen = [r for r in registry.every("render") if r.applies_to(result)]
    findings = guard(result, fail_on.value)
    options = ExportOptions(variant=output_format, local=local, extra={"findings": findings})
    files: dict[str, str | bytes] = {}
    for renderer in chosen:
        try:
            files.update(renderer.export(result, options))
        except ExportRefused as error:
            refused(result, error)
    for path in write_output(out, files):
        typer.echo(f"wrote {shown(path)}")
    warn(file, findings)
