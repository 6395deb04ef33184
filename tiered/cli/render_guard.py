"""No silent render of a known single point of failure.

Before ``tiered render`` exports anything it runs the resilience rules. With ``--fail-on
error`` (or ``warning``) unaccepted findings at that level refuse the render: they are said
on stderr, exit 1, nothing written. Otherwise the unaccepted error findings are handed to
the renderers (the CloudFormation template records them in its Metadata) and, once the
files are written, said on stderr, one line each. The default, ``never``, warns and
renders: drafts and deliberately weak examples must still render.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import typer

from tiered.cli.common import EXIT_FINDINGS
from tiered.findings import Finding, Severity

if TYPE_CHECKING:
    from tiered.pipeline import Result

#: --fail-on value → the lowest severity rank that refuses the render.
THRESHOLDS = {"error": Severity.ERROR.rank, "warning": Severity.WARNING.rank, "never": None}


def guard(result: Result, fail_on: str) -> tuple[Finding, ...]:
    """The unaccepted error findings of ``result``; says them and exits 1 past ``fail_on``."""
    findings = [f for f in result.findings if f.failing]
    threshold = THRESHOLDS[fail_on]
    refused = [f for f in findings if threshold is not None and f.severity.rank >= threshold]
    if refused:
        for finding in refused:
            sys.stderr.write(f"{finding}\n")
        sys.stderr.write(
            f"tiered: {_count(len(refused), 'unaccepted finding')} at or above "
            f"--fail-on {fail_on}; nothing was written — fix them or accept them "
            "(`accept:` on the service), see `tiered validate " + result.file + "`\n"
        )
        raise typer.Exit(EXIT_FINDINGS)
    return tuple(f for f in findings if f.severity is Severity.ERROR)


def warn(file: str, errors: tuple[Finding, ...]) -> None:
    """After rendering: the unaccepted error findings the outputs were rendered with."""
    for finding in errors:
        sys.stderr.write(f"{finding}\n")
    if errors:
        sys.stderr.write(
            f"tiered: warning: {file} has {_count(len(errors), 'unaccepted error finding')} "
            "(see `tiered validate " + file + "`); rendered anyway, and recorded them in the "
            "outputs — `--fail-on error` refuses instead\n"
        )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"
