"""`tiered diff`: what a change does to resilience, as a pull-request gate."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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
    usage_error,
    write_output,
)
from tiered.cli.formats import listed
from tiered.cli.topology_files import skipped_note, topologies_only

if TYPE_CHECKING:
    from tiered.changes import InvalidSides
    from tiered.changes.model import Diff
    from tiered.exporters.base import Exporter


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    never = "never"


@app.command(
    epilog="Examples:  tiered diff origin/main  ·  tiered diff old.yaml new.yaml  ·  "
    "tiered diff main:topology.yaml HEAD:topology.yaml --format markdown  ·  "
    "tiered diff origin/main --format sarif --output tiered-diff.sarif  ·  "
    "tiered diff HEAD --files prod.yaml topologies/eu.yml"
)
def diff(
    base: Annotated[
        str,
        typer.Argument(
            metavar="BASE", help="The topology before: a file, a git revision, or REV:path."
        ),
    ],
    heads: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="HEAD",
            help="The topology after (a file, revision or REV:path) [default: the base's "
            "file in the working tree]. With --files: any number of working-tree files.",
            show_default=False,
        ),
    ] = None,
    file: Annotated[
        str,
        typer.Option(
            "--file", metavar="FILE", help="The file compared when a side is a bare revision."
        ),
    ] = DEFAULT_FILE,
    files: Annotated[
        bool,
        typer.Option(
            "--files",
            help="The arguments after BASE (a revision) are working-tree files, each compared "
            "with itself at BASE; a file BASE lacks is new, all its findings new. For the "
            "pre-commit hook.",
        ),
    ] = False,
    only_topologies: Annotated[
        bool,
        typer.Option(
            "--only-topologies",
            help="With --files: skip the files that are not tiered topologies (no top-level "
            "`tiers` key), with a one-line note on stderr.",
        ),
    ] = False,
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
    from tiered.renderers.report.width import output_width

    if not files and heads and len(heads) > 1:
        usage_error(
            f"tiered diff compares BASE with one HEAD, got {len(heads)}",
            "to compare several files with themselves at BASE, add --files",
        )
    if only_topologies and not files:
        usage_error("--only-topologies chooses among --files", "add --files, or leave it out")
    comparison = _Comparison(
        exporter("diff", output_format),
        {FailOn.error: 2, FailOn.warning: 1, FailOn.never: 3}[fail_on],
        cloudformation,
        output_width(width) if output is None else width,
    )
    if not files:
        comparison.one(base, heads[0] if heads else None, file)
    else:
        paths = heads or [file]
        if only_topologies:
            paths, skipped = topologies_only(paths)
            if skipped:
                typer.echo(skipped_note(skipped), err=True)
        for path in paths:
            comparison.one(base, None, path, new_allowed=True)
    if comparison.documents:
        content = comparison.exporter.combine(comparison.documents)
        if output is None:
            sys.stdout.write(content)
        else:
            target = Path(output)
            written = write_output(target.parent, {target.name: content})
            typer.echo(f"wrote {shown(written[0])}", err=True)
    raise typer.Exit(comparison.exit_code)


@dataclass
class _Comparison:
    """Files compared one after the other: their documents and the worst exit code."""

    exporter: Exporter[Diff]
    threshold: int
    cloudformation: bool
    columns: int | None
    documents: list[str] = field(default_factory=list)
    exit_code: int = 0

    def one(self, base: str, head: str | None, file: str, new_allowed: bool = False) -> None:
        """Compare one pair of sides; a file BASE lacks is judged alone when ``new_allowed``."""
        from tiered.changes import InvalidSides, compare, load_sides
        from tiered.cli.common import import_options
        from tiered.exporters.base import ExportOptions
        from tiered.renderers.cloudformation import rendered

        try:
            old, new = load_sides(base, head, file, options=import_options())
        except InvalidSides as invalid:
            if new_allowed and _only_missing_at_base(invalid):
                self._new(base, file)
            else:
                self._invalid(invalid)
            return
        result = compare(old, new, rendered if self.cloudformation else None)
        (content,) = self.exporter.export(
            result, ExportOptions(extra={"width": self.columns})
        ).values()
        self.documents.append(str(content))
        if result.failing(self.threshold):
            self.exit_code = max(self.exit_code, EXIT_FINDINGS)

    def _new(self, base: str, file: str) -> None:
        """A topology BASE does not have: every finding it has is new (on stderr)."""
        from tiered.cli.common import import_options
        from tiered.pipeline import run
        from tiered.renderers.report.findings_text import findings_text

        result = run(file, options=import_options())
        if result.plan is None:
            sys.stderr.write(f"head ({file}) is invalid:\n")
            print_problems(result.problems)
            self.exit_code = EXIT_INVALID
            return
        failing = [f for f in result.findings if f.failing and f.severity.rank >= self.threshold]
        sys.stderr.write(f"{file} is new since {base}: every finding is new\n")
        sys.stderr.write(findings_text(result.findings, self.columns))
        if failing:
            self.exit_code = max(self.exit_code, EXIT_FINDINGS)

    def _invalid(self, invalid: InvalidSides) -> None:
        sides = invalid.errors
        if self.exporter.name == "json":  # the error itself, in the format tools read
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
            self.documents.append(json.dumps(payload, indent=2) + "\n")
        else:
            for error in sides:
                sys.stderr.write(f"{error.side} ({error.label}) is invalid:\n")
                print_problems(error.problems)
        self.exit_code = EXIT_INVALID


def _only_missing_at_base(invalid: InvalidSides) -> bool:
    """Whether the one thing wrong is that the base side has no such file."""
    return [e.side for e in invalid.errors] == ["base"] and all(
        p.code == "file-not-found" for p in invalid.errors[0].problems
    )
