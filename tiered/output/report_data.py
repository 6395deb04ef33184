"""The redundancy report as plain data: what every report formatter renders.

One function builds it from an Analysis, so the text, markdown, HTML and JSON reports
can never disagree. Deterministic: plan order everywhere, sorted keys in JSON.
"""

from __future__ import annotations

from typing import Any

from tiered.analysis import Analysis, Scenario, TooManyCutSets
from tiered.findings import Finding

#: Rows of the depth-2 table and cut sets listed, at most (the counts are always given).
MAX_ROWS = 60


def scenario_row(scenario: Scenario) -> dict[str, Any]:
    """One scenario: what failed, what went down and the root causes."""
    roots = list(dict.fromkeys(cause.root for cause in scenario.down.values()))
    return {
        "failed": scenario.title,
        "domains": list(scenario.failed),
        "system_down": scenario.system_down,
        "down": list(scenario.down),
        "root_causes": roots,
        "causes": {
            name: {"root": c.root, "via": c.via, "reason": c.reason}
            for name, c in scenario.down.items()
        },
    }


def finding_row(finding: Finding) -> dict[str, Any]:
    return finding.to_dict()


def report_data(analysis: Analysis, file: str) -> dict[str, Any]:
    """Everything the report shows, as JSON-ready data."""
    plan = analysis.plan
    tolerance = analysis.fault_tolerance
    smallest: list[list[str]] = []
    cut_note = ""
    try:
        cuts = analysis.cut_sets()
    except TooManyCutSets as error:
        cuts, cut_note = [], f"minimal cut sets not listed: {error}"
    if tolerance.order is not None:
        smallest = [sorted(c) for c in cuts if len(c) == tolerance.order]
    findings = analysis.findings
    counts = {
        "error": sum(1 for f in findings if f.severity == "error" and not f.accepted),
        "warning": sum(1 for f in findings if f.severity == "warning" and not f.accepted),
        "accepted": sum(1 for f in findings if f.accepted),
    }
    pairs = [p for p in analysis.pairs if p.system_down]
    return {
        "file": file,
        "topology": {
            "name": plan.name,
            "description": plan.description,
            "provider": plan.provider,
            "region": plan.region,
            "zones": list(plan.zones),
            "services": len(plan.services),
            "instances": plan.instance_count,
            "entry_services": list(plan.entry_services),
        },
        "verdict": {
            "survives_every_single_failure": all(not s.system_down for s in analysis.scenarios)
            and (tolerance.order is None or tolerance.order > 1),
            "single_zone_losses_survived": [
                s.failed[0] for s in analysis.scenarios[: len(plan.zones)] if not s.system_down
            ],
            "findings": counts,
        },
        "services": [m.to_dict() for m in analysis.margins],
        "scenarios": [scenario_row(s) for s in analysis.scenarios],
        "depth": analysis.depth,
        "pairs": {
            "system_down": sum(p.pairs for p in pairs),
            "groups": len(pairs),
            "listed": [p.to_dict() for p in pairs[:MAX_ROWS]],
        },
        "findings": [finding_row(f) for f in findings],
        "fault_tolerance": {
            **tolerance.to_dict(),
            "minimal_cut_sets": len(cuts) if not cut_note else None,
            "smallest_cut_sets": smallest[:MAX_ROWS],
            "smallest_cut_sets_total": len(smallest),
            "note": cut_note,
        },
        "availability": analysis.availability.to_dict(),
    }
