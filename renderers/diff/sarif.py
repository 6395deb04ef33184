"""The diff as SARIF 2.1.0 for code scanning: every finding of the head with
``baselineState`` ``new`` or ``unchanged``, and every fixed finding as ``absent``.

The results are tiered's own SARIF results (``tiered.renderers.report.sarif``), located in the head
file; an absent result points at its service in the head when the service still exists,
else at the top of the file.
"""

from __future__ import annotations

import dataclasses
import json

from tiered.changes.model import Diff
from tiered.findings import Finding, Location
from tiered.renderers.report.sarif import sarif as findings_sarif

STATES = {"new": "new", "unchanged": "unchanged", "fixed": "absent"}


def sarif(diff: Diff) -> str:
    located: list[Finding] = []
    for change in diff.findings:
        where = change.finding.location if change.state != "fixed" else change.now
        location = (
            Location(diff.head.path, where.line, where.column)
            if where
            else Location(diff.head.path)
        )
        located.append(dataclasses.replace(change.finding, location=location))
    log = json.loads(findings_sarif(located))
    run = log["runs"][0]
    for result, change in zip(run["results"], diff.findings, strict=True):
        result["baselineState"] = STATES[change.state]
    run["automationDetails"] = {"id": "tiered/diff/"}
    run["properties"] = {"base": diff.base.label, "head": diff.head.label}
    return json.dumps(log, indent=2, sort_keys=True) + "\n"
