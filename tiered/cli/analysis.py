"""Commands on the resilience analysis: report, whatif, rules, explain."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tiered.cli import completion
from tiered.cli.common import DEFAULT_FILE, FileArg, WidthOpt, app, invalid, shown, usage_error

if TYPE_CHECKING:
    from tiered.analysis import Analysis


class ReportFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    html = "html"
    json = "json"
    sarif = "sarif"
    mef = "mef"


class WhatifFormat(StrEnum):
    text = "text"
    json = "json"


@app.command(
    epilog="Examples:  tiered report  ·  tiered report --format markdown --output out/report.md"
    "  ·  tiered report --format html --output out/report.html --depth 2"
    "  ·  tiered report --format mef --output out/fault-tree.xml"
)
def report(
    file: FileArg = DEFAULT_FILE,
    output_format: Annotated[
        ReportFormat,
        typer.Option(
            "--format",
            "-f",
            help="text, markdown, html (self-contained), json, sarif (findings), "
            "mef (Open-PSA fault tree).",
        ),
    ] = ReportFormat.text,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write to this file (atomically) instead of stdout.",
        ),
    ] = None,
    depth: Annotated[
        int,
        typer.Option("--depth", min=1, max=2, metavar="N", help="2: also every pair of failures."),
    ] = 1,
    diagram: Annotated[
        str | None,
        typer.Option(
            "--diagram",
            metavar="SVG",
            help="html: an SVG to embed instead of the diagram the report draws itself.",
        ),
    ] = None,
    width: WidthOpt = None,
) -> None:
    """The redundancy review: services and their margins, every single failure with its root
    cause, findings with fixes, fault tolerance (minimal cut sets) and availability."""
    from tiered.analysis import analyze
    from tiered.pipeline import check

    result = check(file)
    if result.plan is None:
        invalid(result.problems)
    analysis = analyze(result.plan, result.source, depth)
    content = _render(analysis, file, output_format, output, diagram, width)
    if output is None:
        sys.stdout.write(content)
        return
    from tiered.writer import write_files

    target = Path(output)
    try:
        written = write_files(target.parent, {target.name: content})
    except OSError as error:
        usage_error(f"cannot write {output}: {error.strerror}", "pick a writable --output path")
    typer.echo(f"wrote {shown(written[0])}")


def _render(
    analysis: Analysis,
    file: str,
    output_format: ReportFormat,
    output: str | None,
    diagram: str | None,
    width: int | None = None,
) -> str:
    if output_format is ReportFormat.mef:
        from tiered.output.mef import mef

        return mef(analysis)
    if output_format is ReportFormat.sarif:
        from tiered.output.sarif import sarif

        return sarif(analysis.findings)
    from tiered.output.report_data import report_data

    data = report_data(analysis, file)
    if output_format is ReportFormat.json:
        from tiered.output.json_report import json_report

        return json_report(data)
    if output_format is ReportFormat.markdown:
        from tiered.output.markdown import markdown

        return markdown(data)
    if output_format is ReportFormat.html:
        from tiered.output.html import html

        return html(data, *_diagram(diagram, analysis))
    from tiered.output.text import text
    from tiered.output.width import DEFAULT_REPORT_WIDTH, output_width

    terminal = output is None and sys.stdout.isatty()
    columns = width or (output_width(None) if terminal else None) or DEFAULT_REPORT_WIDTH
    return text(data, color=terminal, width=columns)


def _diagram(diagram: str | None, analysis: Analysis) -> tuple[str | None, str]:
    """The SVG to embed: --diagram, else the plan drawn in-process (or why it could not be)."""
    if diagram is None:
        from tiered.output.report_diagram import report_diagram

        return report_diagram(analysis.plan)
    try:
        return Path(diagram).read_text(encoding="utf-8"), ""
    except (OSError, UnicodeDecodeError) as error:
        usage_error(f"cannot read diagram {diagram}: {error}", "give an SVG file to --diagram")


@app.command(
    epilog="Examples:  tiered whatif --fail us-east-1b  ·  tiered whatif --fail zookeeper-1 "
    "--fail us-east-1c  ·  tiered whatif racks.yaml --fail rack-a --format json"
)
def whatif(
    file: FileArg = DEFAULT_FILE,
    fail: Annotated[
        list[str],
        typer.Option(
            "--fail",
            metavar="DOMAIN",
            autocompletion=completion.domains,
            help="A zone, service or instance that fails (repeat for several).",
        ),
    ] = [],  # noqa: B006  (typer needs a list default)
    output_format: Annotated[
        WhatifFormat, typer.Option("--format", "-f", help="text, or json for tools.")
    ] = WhatifFormat.text,
) -> None:
    """What goes down when the named zones, services or instances fail, and why."""
    from tiered.analysis import UnknownDomain
    from tiered.analysis import whatif as simulate
    from tiered.pipeline import check

    result = check(file)
    if result.plan is None:
        invalid(result.problems)
    if not fail:
        zone = result.plan.zones[0]
        usage_error("nothing to fail", f"name a zone, service or instance: --fail {zone}")
    try:
        scenario = simulate(result.plan, fail)
    except UnknownDomain as error:
        usage_error(str(error), error.hint)
    if output_format is WhatifFormat.json:
        sys.stdout.write(json.dumps(scenario.to_dict(), indent=2) + "\n")
        return
    typer.echo(f"failed: {', '.join(scenario.failed)}")
    if not scenario.down:
        typer.echo("nothing goes down; the system stays up")
        return
    for name, cause in scenario.down.items():
        typer.echo(f"  {name}: down — {cause.reason}")
    verdict = "DOWN" if scenario.system_down else "up (the entry services survive)"
    roots = ", ".join(dict.fromkeys(c.root for c in scenario.down.values()))
    typer.echo(f"system: {verdict}; root cause: {roots}")


@app.command(epilog="Example:  tiered rules")
def rules() -> None:
    """List the resilience rules: id, severity, name and what each finds."""
    from tiered.rules import RULES

    for rule in RULES:
        typer.echo(f"{rule.id}  {rule.severity.value:<8} {rule.name:<34} {rule.summary}")


@app.command(epilog="Example:  tiered explain TR003")
def explain(
    rule_id: Annotated[
        str,
        typer.Argument(
            metavar="ID", autocompletion=completion.rule_ids, help="A rule id, e.g. TR003."
        ),
    ],
) -> None:
    """Print a rule's documentation: what it finds, the anti-pattern and the best practice."""
    from tiered.rules import BY_ID
    from tiered.schema_errors import did_you_mean

    rule = BY_ID.get(rule_id.upper())
    if rule is None:
        usage_error(
            f"unknown rule '{rule_id}'",
            did_you_mean(rule_id.upper(), BY_ID) or "`tiered rules` lists them",
        )
    from tiered.output.rule_doc import render_rule_doc

    sys.stdout.write(render_rule_doc(rule))
