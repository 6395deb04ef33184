"""Commands on the model itself: validate, plan, schema."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Annotated

import typer

from tiered.cli.common import (
    DEFAULT_FILE,
    EXIT_FINDINGS,
    EXIT_INVALID,
    FileArg,
    WidthOpt,
    app,
    invalid,
    print_problems,
)
from tiered.pipeline import check
from tiered.placement import Plan


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    never = "never"


class PlanFormat(StrEnum):
    table = "table"
    json = "json"


@app.command(
    epilog="Examples:  tiered validate  ·  tiered validate web.yaml racks.yaml  ·  tiered "
    "validate --format json  ·  tiered validate --format sarif > tiered.sarif  ·  tiered "
    "validate --fail-on warning"
)
def validate(
    files: Annotated[
        list[str] | None,
        typer.Argument(help="Topology files [default: topology.yaml].", metavar="FILE"),
    ] = None,
    output_format: Annotated[
        ReportFormat,
        typer.Option("--format", "-f", help="text; json for tools; sarif for code scanning."),
    ] = ReportFormat.text,
    fail_on: Annotated[
        FailOn,
        typer.Option("--fail-on", help="Exit 1 on findings of this severity or worse; never: 0."),
    ] = FailOn.error,
    width: WidthOpt = None,
) -> None:
    """Check topologies: YAML, schema, references, placement, network, then the
    resilience rules (TR001–TR011; `tiered rules` lists them).

    Exit 0 when clean, 1 when a finding (not accepted) is at or above --fail-on, 2 when
    a file is invalid (every problem is listed with file:line:col, what is wrong and
    how to fix it). With several files, json prints a list with one object per file.
    """
    from tiered.analysis import analyze

    threshold = {FailOn.error: 2, FailOn.warning: 1, FailOn.never: 3}[fail_on]
    exit_code = 0
    payloads: list[dict[str, object]] = []
    all_findings = []
    for file in files or [DEFAULT_FILE]:
        result = check(file)
        if result.plan is None:
            exit_code = EXIT_INVALID
            if output_format is ReportFormat.json:
                payloads.append(
                    {
                        "file": file,
                        "valid": False,
                        "problems": [p.to_dict() for p in result.problems],
                    }
                )
            else:
                print_problems(result.problems)
            continue
        plan = result.plan
        findings = analyze(plan, result.source).findings
        all_findings.extend(findings)
        if any(f.failing and f.severity.rank >= threshold for f in findings):
            exit_code = max(exit_code, EXIT_FINDINGS)
        if output_format is ReportFormat.json:
            payloads.append(
                {
                    "file": file,
                    "valid": True,
                    "problems": [],
                    "summary": _summary(plan),
                    "findings": [f.to_dict() for f in findings],
                }
            )
        elif output_format is ReportFormat.text:
            from tiered.output.findings_text import findings_text
            from tiered.output.width import hanging, output_width

            s = _summary(plan)
            columns = output_width(width)
            summary = (
                f"{file}: valid — {_count(s['services'], 'service')}, "
                f"{_count(s['instances'], 'instance')} and "
                f"{_count(s['managed'], 'managed endpoint')} "
                f"over {_count(s['zones'], 'zone')}, {_count(s['subnets'], 'subnet')}"
            )
            typer.echo(hanging(summary, columns, 2))
            sys.stdout.write(findings_text(findings, columns))
    if output_format is ReportFormat.json:
        document: object = payloads[0] if len(payloads) == 1 else payloads
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    elif output_format is ReportFormat.sarif and exit_code != EXIT_INVALID:
        from tiered.output.sarif import sarif

        sys.stdout.write(sarif(all_findings))
    raise typer.Exit(exit_code)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _summary(plan: Plan) -> dict[str, int]:
    return {
        "services": len(plan.services),
        "instances": plan.instance_count,
        "managed": len(plan.managed),
        "zones": len(plan.zones),
        "subnets": len(plan.subnets),
    }


@app.command(epilog="Examples:  tiered plan  ·  tiered plan topology.yaml --format json")
def plan(
    file: FileArg = DEFAULT_FILE,
    output_format: Annotated[
        PlanFormat, typer.Option("--format", "-f", help="table for people, json for tools.")
    ] = PlanFormat.table,
) -> None:
    """Show the placement plan: every instance with its zone, subnet and address."""
    result = check(file)
    if result.plan is None:
        invalid(result.problems)
    if output_format is PlanFormat.json:
        sys.stdout.write(json.dumps(result.plan.to_dict(), indent=2, sort_keys=True) + "\n")
        return
    from tiered.placement_table import plan_table

    sys.stdout.write(plan_table(result.plan))


@app.command(epilog="Example:  tiered schema > topology.schema.json")
def schema() -> None:
    """Print the JSON Schema of the topology format (for editors and CI)."""
    from tiered.json_schema import topology_schema

    sys.stdout.write(json.dumps(topology_schema(), indent=2) + "\n")
