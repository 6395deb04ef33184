"""Commands on the model itself: validate, plan, schema."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Annotated

import typer

from tiered import __version__
from tiered.cli.common import (
    DEFAULT_FILE,
    EXIT_FINDINGS,
    EXIT_INVALID,
    FileArg,
    WidthOpt,
    app,
    completer,
    emit_document,
    exporter,
    print_problems,
    valid_result,
)
from tiered.cli.formats import listed
from tiered.cli.topology_files import skipped_note, topologies_only


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    never = "never"


@app.command(
    epilog="Examples:  tiered validate  ·  tiered validate web.yaml racks.yaml  ·  tiered "
    "validate --format json  ·  tiered validate --format sarif > tiered.sarif  ·  tiered "
    "validate --fail-on warning  ·  tiered validate --only-topologies *.yaml"
)
def validate(
    files: Annotated[
        list[str] | None,
        typer.Argument(help="Topology files [default: topology.yaml].", metavar="FILE"),
    ] = None,
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help=f"{listed('validate')}.",
            autocompletion=completer("validate"),
        ),
    ] = "text",
    fail_on: Annotated[
        FailOn,
        typer.Option("--fail-on", help="Exit 1 on findings of this severity or worse; never: 0."),
    ] = FailOn.error,
    only_topologies: Annotated[
        bool,
        typer.Option(
            "--only-topologies",
            help="Skip the files that are not tiered topologies (no top-level `tiers` key, "
            "e.g. a Kubernetes manifest or a CloudFormation template), with a one-line note "
            "on stderr: for a hook that passes every YAML file.",
        ),
    ] = False,
    width: WidthOpt = None,
) -> None:
    """Check topologies: YAML, schema, references, placement, network, then the
    resilience rules (TR001–TR012; `tiered rules` lists them).

    Exit 0 when clean, 1 when a finding (not accepted) is at or above --fail-on, 2 when
    a file is invalid (every problem is listed with file:line:col, what is wrong and
    how to fix it). With several files, json prints a list with one object per file.
    """
    from tiered.cli.common import import_options
    from tiered.exporters.base import ExportOptions
    from tiered.pipeline import run
    from tiered.renderers.report.width import output_width

    chosen = exporter("validate", output_format)
    threshold = {FailOn.error: 2, FailOn.warning: 1, FailOn.never: 3}[fail_on]
    exit_code = 0
    documents: list[str] = []
    chosen_files = files or [DEFAULT_FILE]
    if only_topologies:
        chosen_files, skipped = topologies_only(chosen_files)
        if skipped:
            typer.echo(skipped_note(skipped), err=True)
    for file in chosen_files:
        result = run(file, options=import_options())
        if result.plan is None:
            exit_code = EXIT_INVALID
            if not chosen.describes_invalid or chosen.name == "sarif":
                print_problems(result.problems)  # SARIF holds them too, located
            if not chosen.describes_invalid:
                continue
        elif any(f.failing and f.severity.rank >= threshold for f in result.findings):
            exit_code = max(exit_code, EXIT_FINDINGS)
        options = ExportOptions(extra={"width": output_width(width)})
        (document,) = chosen.export(result, options).values()
        documents.append(str(document))
    if documents:
        sys.stdout.write(chosen.combine(documents))
    raise typer.Exit(exit_code)


@app.command(epilog="Examples:  tiered plan  ·  tiered plan topology.yaml --format json")
def plan(
    file: FileArg = DEFAULT_FILE,
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help=f"{listed('plan')}.",
            autocompletion=completer("plan"),
        ),
    ] = "table",
    width: WidthOpt = None,
) -> None:
    """Show the placement plan: every instance with its zone, subnet and address."""
    from tiered.exporters.base import ExportOptions
    from tiered.renderers.report.width import output_width

    chosen = exporter("plan", output_format)
    options = ExportOptions(extra={"width": output_width(width)})
    (document,) = chosen.export(valid_result(file), options).values()
    emit_document(document, None)


@app.command(epilog="Example:  tiered schema > topology.schema.json")
def schema() -> None:
    """Print the JSON Schema of the topology format (for editors and CI)."""
    from tiered.validation.json_schema import topology_schema

    sys.stdout.write(json.dumps(topology_schema(__version__), indent=2) + "\n")
