"""`tiered init`: write a commented starter topology from the examples shipped with tiered."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tiered.cli.common import DEFAULT_FILE, WidthOpt, app, shown, usage_error


def _example_names(incomplete: str) -> list[str]:
    from tiered.starters import examples

    return [name for name in examples() if name.startswith(incomplete)]


@app.command(
    epilog="Examples:  tiered init  ·  tiered init --example onprem-generic racks.yaml  ·  "
    "tiered init --list"
)
def init(
    file: Annotated[
        str, typer.Argument(metavar="FILE", help="File to write.", show_default=True)
    ] = DEFAULT_FILE,
    example: Annotated[
        str | None,
        typer.Option(
            "--example",
            "-e",
            metavar="NAME",
            autocompletion=_example_names,
            help="Start from this example (default: topology, the reference); --list names them.",
        ),
    ] = None,
    list_examples: Annotated[
        bool, typer.Option("--list", help="List the examples and exit.")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
    width: WidthOpt = None,
) -> None:
    """Write a commented starter topology to FILE: one of the examples shipped with tiered.

    Every example explains itself in its comments; validate it, then make it yours.
    """
    from tiered.starters import DEFAULT, example_text, examples, summary
    from tiered.validation.schema_errors import did_you_mean

    found = examples()
    if list_examples:
        from tiered.renderers.report.layout import listing
        from tiered.renderers.report.width import output_width

        rows = [[name, summary(name)] for name in found]
        for line in listing(rows, output_width(width)):
            typer.echo(line)
        return
    name = example or DEFAULT
    if name not in found:
        usage_error(
            f"unknown example '{name}'",
            did_you_mean(name, found) or f"pick one of {', '.join(found)}",
        )
    target = Path(file)
    if target.exists() and not force:
        usage_error(f"{file} already exists", "pick another FILE, or --force to overwrite it")
    from tiered.exporters.writer import write_files

    try:
        written = write_files(target.parent, {target.name: example_text(name)})
    except OSError as error:
        usage_error(f"cannot write {file}: {error.strerror}", "pick a writable FILE")
    typer.echo(f"wrote {shown(written[0])} (example {name}); next: tiered validate {file}")
