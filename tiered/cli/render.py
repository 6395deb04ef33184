"""`tiered render NAME`: run a renderer plugin on the plan and write its files."""

from __future__ import annotations

from typing import Annotated

import typer

from tiered.cli import completion
from tiered.cli.common import DEFAULT_FILE, FileArg, app, invalid, shown, usage_error


@app.command(
    epilog="Examples:  tiered render cloudformation  ·  tiered render nginx --local "
    "--out build/  ·  tiered render all racks.yaml"
)
def render(
    name: Annotated[
        str,
        typer.Argument(
            metavar="RENDERER",
            autocompletion=completion.renderers,
            help="Renderer: cloudformation, nginx, keepalived, or all that apply.",
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
) -> None:
    """Write the files of a backend (CloudFormation, NGINX, keepalived) under --out."""
    from tiered import renderer as registry
    from tiered.pipeline import check
    from tiered.writer import UnsafeOutputPath, write_files

    result = check(file)
    if result.plan is None:
        invalid(result.problems)
    plan = result.plan
    try:
        if name == "all":
            chosen = [r for r in map(registry.get, registry.available()) if r.applies_to(plan)]
        else:
            chosen = [registry.get(name)]
    except registry.UnknownRenderer as error:
        usage_error(error.message, error.hint)
    options = registry.RenderOptions(format=output_format, local=local)
    files: dict[str, str | bytes] = {}
    for renderer in chosen:
        try:
            files.update(renderer.render(plan, options))
        except registry.RenderRefused as error:
            usage_error(f"{file}: {error.message}", error.hint)
    try:
        written = write_files(out, files)
    except UnsafeOutputPath as error:
        usage_error(str(error), "this is a renderer bug; please report it")
    for path in written:
        typer.echo(f"wrote {shown(path)}")
