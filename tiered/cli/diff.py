"""`tiered diff`: what a change does to resilience, as a pull-request gate."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from tiered.cli.common import (
    DEFAULT_FILE,
    EXIT_FINDINGS,
    EXIT_INVALID,
    WidthOpt,
    app,
    completer,
    exporter,
    print_problems,
    shown,
    write_output,
)
from tiered.cli.formats import listed

if TYPE_CHECKING:
    from tiered.changes import InvalidSides


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    never = "never"


@app.command(
    epilog="Examples:  tiered diff origin/main  ·  tiered diff old.yaml new.yaml  ·  "
    "tiered diff main:topology.yaml HEAD:topology.yaml --format markdown  ·  "
    "tiered diff origin/main --format sarif --output tiered-diff.sarif"
)
def diff(
    base: Annotated[
        str,
        typer.Argument(
            metavar="BASE", help="The topology before: a file, a git revision, or REV:path."
        ),
    ],
    head: Annotated[
        str | None,
        typer.Argument(
            metavar="HEAD",
            help="The topology after (a file, revision or REV:path) [default: the base's "
            "file in the working tree].",
            show_default=False,
        ),
    ] = None,
    file: Annotated[
        str,
        typer.Option(
            "--file", metavar="FILE", help="The file compared when a side is a bare revision."
        ),
    ] = DEFAULT_FILE,
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help=f"{listed('diff')}.",
            autocompletion=completer("diff"),
        ),
    ] = "text",
    fail_on: Annotated[
        FailOn,
        typer.Option(
            "--fail-on",
            help="Exit 1 when the change introduces findings of this severity or worse.",
        ),
    ] = FailOn.error,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write to this file (atomically) instead of stdout.",
        ),
    ] = None,
    cloudformation: Annotated[
        bool,
        typer.Option(
            "--cloudformation/--no-cloudformation",
            help="Render both sides' CloudFormation and compare (aws topologies).",
        ),
    ] = True,
    width: WidthOpt = None,
) -> None:
    """Compare two versions of a topology: findings new, fixed and unchanged (matched by
    rule, service and zone, never by line), fault tolerance, availability and margins
    before → after, instances added, removed or moved, subnets re-carved, NGINX upstream
    members, and what CloudFormation would replace.

    Exit 1 only when the change introduces a finding at or above --fail-on (findings the
    base already had never fail a pull request); 2 when either side is invalid (each
    problem named with its side's file); 0 otherwise.
    """
    from tiered.changes import InvalidSides, compare, load_sides
    from tiered.cli.importing import import_options
    from tiered.exporters.base import ExportOptions

    chosen = exporter("diff", output_format)
    try:
        old, new = load_sides(base, head, file, options=import_options())
    except InvalidSides as invalid:
        _invalid(invalid, output_format)
    from tiered.renderers.cloudformation import rendered
    from tiered.renderers.report.width import output_width

    result = compare(old, new, rendered if cloudformation else None)
    columns = output_width(width) if output is None else width
    (content,) = chosen.export(result, ExportOptions(extra={"width": columns})).values()
    if output is None:
        sys.stdout.write(str(content))
    else:
        target = Path(output)
        written = write_output(target.parent, {target.name: content})
        typer.echo(f"wrote {shown(written[0])}", err=True)
    threshold = {FailOn.error: 2, FailOn.warning: 1, FailOn.never: 3}[fail_on]
    if result.failing(threshold):
        raise typer.Exit(EXIT_FINDINGS)


def _invalid(invalid: InvalidSides, output_format: str) -> NoReturn:
    sides = invalid.errors
    if output_format == "json":  # the error itself, in the format tools read
        payload = {
            "valid": False,
            "sides": [
                {
                    "side": e.side,
                    "label": e.label,
                    "problems": [p.to_dict() for p in e.problems],
                }
                for e in sides
            ],
        }
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
    else:
        for error in sides:
            sys.stderr.write(f"{error.side} ({error.label}) is invalid:\n")
            print_problems(error.problems)
    raise typer.Exit(EXIT_INVALID)
