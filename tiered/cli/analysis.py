"""Commands on the resilience analysis: report, whatif, rules, explain."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from tiered.cli import completion
from tiered.cli.common import (
    DEFAULT_FILE,
    FileArg,
    WidthOpt,
    app,
    completer,
    emit_document,
    exporter,
    invalid,
    usage_error,
    valid_result,
)
from tiered.cli.formats import listed


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
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help=f"{listed('report')}.",
            autocompletion=completer("report"),
        ),
    ] = "text",
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
            metavar="FILE",
            help="html: an SVG file to embed instead of the diagram the report draws itself.",
        ),
    ] = None,
    width: WidthOpt = None,
) -> None:
    """The redundancy review: services and their margins, every single failure with its root
    cause, findings with fixes, fault tolerance (minimal cut sets) and availability."""
    from tiered.exporters.base import ExportOptions
    from tiered.renderers.report.width import output_width

    chosen = exporter("report", output_format)
    result = valid_result(file, depth)
    terminal = output is None and sys.stdout.isatty()
    options = ExportOptions(
        color=terminal,
        extra={
            "diagram_svg": _given_svg(diagram),
            "width": output_width(width) if output is None else width,
        },
    )
    (document,) = chosen.export(result, options).values()
    emit_document(document, output)


def _given_svg(diagram: str | None) -> str | None:
    """The SVG of --diagram (html); None: the report draws its own."""
    if diagram is None:
        return None
    try:
        return Path(diagram).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        usage_error(
            f"cannot read diagram {diagram}: {getattr(error, 'strerror', None) or error}",
            "give an SVG file to --diagram (`tiered diagram -o FILE.svg` draws one)",
        )


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
    width: WidthOpt = None,
) -> None:
    """What goes down when the named zones, services or instances fail, and why."""
    from tiered.analysis import UnknownDomain
    from tiered.analysis import whatif as simulate
    from tiered.cli.common import import_options
    from tiered.pipeline import check

    result = check(file, import_options())
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
    from tiered.renderers.report.width import output_width, wrap_lines

    lines = [f"failed: {', '.join(scenario.failed)}"]
    if not scenario.down:
        lines.append("nothing goes down; the system stays up")
    else:
        lines += [f"  {name}: down — {cause.reason}" for name, cause in scenario.down.items()]
        verdict = "DOWN" if scenario.system_down else "up (the entry services survive)"
        roots = ", ".join(dict.fromkeys(c.root for c in scenario.down.values()))
        lines.append(f"system: {verdict}; root cause: {roots}")
    sys.stdout.write(wrap_lines("\n".join(lines), output_width(width)) + "\n")


@app.command(epilog="Examples:  tiered rules  ·  tiered rules --format json")
def rules(
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help=f"{listed('rules')}.",
            autocompletion=completer("rules"),
        ),
    ] = "text",
    width: WidthOpt = None,
) -> None:
    """List the resilience rules: id, severity, name and what each finds (json: a list of
    objects with id, name, severity and summary)."""
    from tiered.exporters.base import ExportOptions
    from tiered.renderers.report.width import output_width
    from tiered.rules.catalogue import RULES

    chosen = exporter("rules", output_format)
    options = ExportOptions(extra={"width": output_width(width)})
    (document,) = chosen.export(RULES, options).values()
    emit_document(document, None)


def _lines(lines: list[str]) -> None:
    sys.stdout.write("".join(f"{line}\n" for line in lines))


@app.command(
    epilog="Examples:  tiered explain TR003  ·  tiered explain quorum-lost-with-zone  ·  "
    "tiered explain E0111  ·  tiered explain duplicate-key  ·  tiered explain"
)
def explain(
    rule_id: Annotated[
        str | None,
        typer.Argument(
            metavar="ID",
            autocompletion=completion.explainable,
            help="A rule id (TR003) or name (quorum-lost-with-zone), a problem id (E0111) "
            "or code (duplicate-key), in any case; none: list them all.",
        ),
    ] = None,
    width: WidthOpt = None,
) -> None:
    """Print a rule's documentation (what it finds, the anti-pattern, the best practice),
    or what a validation problem means; without an id, list every rule and problem."""
    from tiered.problems import BY_ID as PROBLEMS_BY_ID
    from tiered.problems import PROBLEM_CODES
    from tiered.renderers.report.layout import listing
    from tiered.renderers.report.width import hanging, output_width
    from tiered.rules.catalogue import BY_ID, BY_NAME, RULES, find

    columns = output_width(width)
    if rule_id is None:
        rules = [[r.id, r.severity.value, r.summary] for r in RULES]
        problems = [[c.id, c.code, c.summary] for c in PROBLEM_CODES.values()]
        _lines(
            [
                hanging("Rules (findings on a valid topology):", columns, 2),
                *listing(rules, columns, "  "),
                hanging("Problems (why a file is refused, exit 2):", columns, 2),
                *listing(problems, columns, "  "),
            ]
        )
        return
    rule = find(rule_id)
    if rule is not None:
        from tiered.renderers.report.rule_doc import render_rule_doc

        sys.stdout.write(render_rule_doc(rule, columns))
        return
    problem = PROBLEMS_BY_ID.get(rule_id.upper()) or PROBLEM_CODES.get(rule_id.lower())
    if problem is not None:
        _lines([hanging(f"{problem.id} {problem.code}: {problem.summary}", columns, 2)])
        return
    known = [*BY_ID, *BY_NAME, *PROBLEMS_BY_ID, *PROBLEM_CODES]
    usage_error(
        f"unknown rule or problem '{rule_id}'",
        _closest(rule_id, known) or "`tiered explain` lists them",
    )


def _closest(word: str, known: list[str]) -> str:
    """'did you mean X?' for the known id or name closest to ``word`` in any case, or ''."""
    import difflib

    spelled = {name.lower(): name for name in known}
    close = difflib.get_close_matches(word.lower(), spelled, n=1, cutoff=0.6)
    return f"did you mean '{spelled[close[0]]}'?" if close else ""
