"""The redundancy report as plain data: what every report formatter renders.

One function builds it from an Analysis, so the text, markdown, HTML and JSON reports
can never disagree. Deterministic: plan order everywhere, sorted keys in JSON.
"""

from __future__ import annotations

from typing import TypedDict

from tiered.analysis import CutSetSummary, Scenario, TooManyCutSets
from tiered.analysis.data import (
    AvailabilityData,
    MarginData,
    OwnToleranceData,
    PairData,
)
from tiered.analysis.entry_failover import EntryFailoverData, entry_failover
from tiered.analysis.experiments import HowToTestData, how_to_test
from tiered.findings import Finding, FindingData
from tiered.pipeline import Result
from tiered.rules.tr012 import ID as TR012
from tiered.rules.tr012 import assumed_failover
from tiered.software import software

#: Rows of the depth-2 table and cut sets listed, at most (the counts are always given).
MAX_ROWS = 60


class TopologyData(TypedDict):
    name: str
    description: str
    provider: str
    region: str | None
    zones: list[str]
    services: int
    instances: int
    entry_services: list[str]


class FindingCounts(TypedDict):
    error: int
    warning: int
    accepted: int


class VerdictData(TypedDict):
    survives_every_single_failure: bool
    single_zone_losses_survived: list[str]
    findings: FindingCounts


class ScenarioRow(TypedDict):
    failed: str
    domains: list[str]
    system_down: bool
    down: list[str]
    root_causes: list[str]
    causes: dict[str, ReasonData]


class ReasonData(TypedDict):
    root: str
    via: str | None
    reason: str


class PairsData(TypedDict):
    system_down: int  # pairs, counted as pairs
    groups: int  # groups of interchangeable pairs
    listed: list[PairData]


class ToleranceSection(TypedDict):
    order: int | None
    tolerated: int | None
    example: list[str]
    service: str | None
    without_managed_outages: OwnToleranceData
    minimal_cut_sets: int | None
    smallest_cut_sets: list[list[str]]
    smallest_cut_sets_total: int
    note: str


class AssumedFailoverData(TypedDict):
    """A service the availability counts as failing over in a mode tiered does not deliver."""

    service: str
    software: str
    failover: str
    why: str
    accepted: bool


class Report(TypedDict):
    """Everything the report shows: the one shape every report format reads."""

    file: str
    topology: TopologyData
    verdict: VerdictData
    entry_failover: EntryFailoverData | None
    services: list[MarginData]
    scenarios: list[ScenarioRow]
    how_to_test: HowToTestData | None
    depth: int
    pairs: PairsData
    findings: list[FindingData]
    fault_tolerance: ToleranceSection
    availability: AvailabilityData
    failover_assumed: list[AssumedFailoverData]


def scenario_row(scenario: Scenario) -> ScenarioRow:
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


def finding_row(finding: Finding) -> FindingData:
    return finding.to_dict()


def failover_assumed(result: Result) -> list[AssumedFailoverData]:
    """The services whose failover the availability assumes: those TR012 names."""
    plan = result.analysis.plan
    rows: list[AssumedFailoverData] = []
    for finding in result.findings:
        if finding.rule != TR012 or finding.service is None:
            continue
        service = plan.services[finding.service]
        rows.append(
            {
                "service": finding.service,
                "software": service.software,
                "failover": service.failover,
                "why": assumed_failover(software(service.software), service.failover, service.count)
                or "",
                "accepted": finding.accepted,
            }
        )
    return rows


def report_data(result: Result) -> Report:
    """Everything the report shows, as JSON-ready data."""
    analysis, file = result.analysis, result.file
    plan = analysis.plan
    tolerance = analysis.fault_tolerance
    cuts: CutSetSummary | None = None
    cut_note = ""
    try:
        cuts = analysis.cut_set_summary(tolerance.order, MAX_ROWS)
    except TooManyCutSets as error:
        cut_note = f"minimal cut sets not listed: {error}"
    findings = result.findings
    counts: FindingCounts = {
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
        "entry_failover": entry_failover(plan),
        "services": [m.to_dict() for m in analysis.margins],
        "scenarios": [scenario_row(s) for s in analysis.scenarios],
        "how_to_test": how_to_test(plan),
        "depth": analysis.depth,
        "pairs": {
            "system_down": sum(p.pairs for p in pairs),
            "groups": len(pairs),
            "listed": [p.to_dict() for p in pairs[:MAX_ROWS]],
        },
        "findings": [finding_row(f) for f in findings],
        "fault_tolerance": {
            **tolerance.to_dict(),
            "minimal_cut_sets": cuts.total if cuts else None,
            "smallest_cut_sets": [list(c) for c in cuts.smallest] if cuts else [],
            "smallest_cut_sets_total": cuts.smallest_total if cuts else 0,
            "note": cut_note,
        },
        "availability": analysis.availability.to_dict(),
        "failover_assumed": failover_assumed(result),
    }
