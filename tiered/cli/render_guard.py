"""No silent render of a known single point of failure.

Before ``tiered render`` writes anything it runs the resilience rules. Unaccepted error
findings are said on stderr, one line each, and handed to the renderers (the CloudFormation
template records them in its Metadata). With ``--fail-on error`` (or ``warning``) such
findings refuse the render: exit 1, nothing written. The default, ``never``, warns and
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
    """The unaccepted error findings of ``result``, said on stderr; exits 1 past ``fail_on``."""
    file = result.file
    findings = [f for f in result.findings if f.failing]
    threshold = THRESHOLDS[fail_on]
    refused = [f for f in findings if threshold is not None and f.severity.rank >= threshold]
    errors = tuple(f for f in findings if f.severity is Severity.ERROR)
    shown = refused or errors
    for finding in shown:
        sys.stderr.write(f"{finding}\n")
    if refused:
        sys.stderr.write(
            f"tiered: {_count(len(refused), 'unaccepted finding')} at or above "
            f"--fail-on {fail_on}; nothing was written — fix them or accept them "
            "(`accept:` on the service), see `tiered validate " + file + "`\n"
        )
        raise typer.Exit(EXIT_FINDINGS)
    if errors:
        sys.stderr.write(
            f"tiered: warning: {file} has {_count(len(errors), 'unaccepted error finding')} "
            "(see `tiered validate " + file + "`); rendering anyway, and recording them in the "
            "outputs — `--fail-on error` refuses instead\n"
        )
    return errors


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"
