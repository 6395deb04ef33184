"""Phrases the report formatters share: durations, percentages, the verdict in words."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tiered.analysis.entry_failover import failover_sentence
from tiered.rules.wording import either

if TYPE_CHECKING:
    from tiered.analysis.data import MarginData
    from tiered.analysis.experiments import HowToTestData
    from tiered.renderers.report.report_data import (
        PairsData,
        Report,
        ScenarioRow,
        ToleranceSection,
    )


def duration(minutes: float | None) -> str:
    """Expected downtime in the largest sensible unit: '11.1 hours (663.6 minutes)'."""
    if minutes is None:
        return "not estimated"
    if minutes >= 120:
        return f"{minutes / 60:.1f} hours ({minutes:.1f} minutes)"
    if minutes >= 1:
        return f"{minutes:.1f} minutes"
    return f"{minutes * 60:.1f} seconds"


def percent(value: float | None) -> str:
    return "not estimated" if value is None else f"{value * 100:.5f}%"


def per_zone(mapping: dict[str, int]) -> str:
    return ", ".join(f"{zone}: {n}" for zone, n in mapping.items())


#: Columns of the services table, in every report format.
SERVICE_COLUMNS = (
    "service",
    "tier",
    "failover",
    "replicas per zone",
    "needed",
    "worst case",
    "left",
    "margin",
)


def service_cells(service: MarginData) -> list[str]:
    """One services-table row as plain text, in ``SERVICE_COLUMNS`` order."""
    return [
        service["name"],
        service["tier"],
        service["failover"],
        per_zone(service["per_zone"]),
        str(service["survivors_needed"]),
        service["worst_case"],
        str(service["worst_case_survivors"]),
        str(service["margin"]),
    ]


def root_causes(lost: list[ScenarioRow]) -> str:
    """The root cause of each zone's loss: one name when they share it, else per zone."""
    roots = {s["domains"][0]: s["root_causes"][0] for s in lost if s["root_causes"]}
    if len(set(roots.values())) <= 1:
        return ", ".join(dict.fromkeys(roots.values()))
    return ", ".join(f"{root} for {zone}" for zone, root in roots.items())


def verdict(data: Report) -> list[str]:
    """The few sentences a reviewer reads first."""
    lines: list[str] = []
    zones = data["topology"]["zones"]
    lost = [s for s in data["scenarios"][: len(zones)] if s["system_down"]]
    if lost:
        names = either([s["domains"][0] for s in lost])
        lines.append(f"The system goes down when {names} fails (root cause: {root_causes(lost)}).")
    else:
        lines.append(f"Every single zone loss is survived ({', '.join(zones)}).")
    others = [s for s in data["scenarios"][len(zones) :] if s["system_down"]]
    if others:
        lines.append(
            "Other single failures that take the system down: "
            + ", ".join(s["failed"] for s in others)
            + "."
        )
    if data["entry_failover"]:
        lines.append(failover_sentence(data["entry_failover"]))
    ft = data["fault_tolerance"]
    if ft["order"] is None:
        lines.append("Fault tolerance: no set of failures takes the system down.")
    else:
        lines.append(
            f"Fault tolerance: {ft['order']} — the smallest set of simultaneous failures "
            f"that takes the system down has {ft['order']} "
            f"(e.g. {', '.join(ft['example'])})."
        )
        own = ft["without_managed_outages"]
        if own["order"] != ft["order"]:
            where = f"e.g. {', '.join(own['example'])}" if own["example"] else "none"
            lines.append(
                f"Assuming the managed services hold: {own['order'] or 'no set'} ({where})."
            )
    a = data["availability"]
    lines.append(
        f"Estimated availability {percent(a['availability'])}: expected downtime "
        f"{duration(a['downtime_minutes_per_year'])} per year."
    )
    c = data["verdict"]["findings"]
    lines.append(
        f"Findings: {c['error']} error{'s' * (c['error'] != 1)}, "
        f"{c['warning']} warning{'s' * (c['warning'] != 1)}, {c['accepted']} accepted."
    )
    return lines


def network_assumptions(data: Report) -> list[str]:
    """What the network must provide for the verdict to hold (the entry segment's L2)."""
    failover = data["entry_failover"]
    return [failover["assumption"]] if failover else []


def down_text(row: ScenarioRow) -> str:
    """'zookeeper, solr ← zookeeper, integrate ← zookeeper'."""
    parts = []
    for name in row["down"]:
        via = row["causes"][name]["via"]
        parts.append(f"{name} ← {via}" if via else name)
    return ", ".join(parts) if parts else "nothing"


def failover_assumptions(data: Report) -> list[str]:
    """The failovers the availability counts that tiered does not deliver (TR012)."""
    lines = []
    for row in data["failover_assumed"]:
        accepted = " (TR012 accepted)" if row["accepted"] else ""
        lines.append(
            f"{row['service']} ({row['software']}, {row['failover']}): {row['why']}{accepted}"
        )
    return lines


FAILOVER_ASSUMED_INTRO = (
    "Counted as failing over, but tiered renders nothing that makes it so (TR012); the "
    "availability holds only if you provide it:"
)


def assumption_rows(data: Report) -> list[tuple[str, str]]:
    a = data["availability"]["assumptions"]
    return [
        ("instance", f"{a['instance']} (each replica, independently)"),
        ("zone", f"{a['zone']} (each zone, independently)"),
        ("database", f"{a['database']} (a managed database as a whole)"),
        ("filesystem", f"{a['filesystem']} (a managed file system as a whole)"),
    ]


def pairs_sentence(pairs: PairsData) -> str:
    """How many pairs take the system down, counted as pairs, and how they are listed."""
    count, groups, listed = pairs["system_down"], pairs["groups"], len(pairs["listed"])
    text = (
        f"{count} pair{'' if count == 1 else 's'} of failures take the system down where "
        "neither failure does alone"
    )
    if groups != count:
        text += f", in {groups} groups of interchangeable replicas"
    if listed < groups:
        text += f" (the first {listed} groups listed)"
    return text + "."


def cut_sets_sentence(ft: ToleranceSection) -> str:
    """The minimal cut sets: how many in all, how many of the smallest size, how many listed."""
    total, listed = ft["smallest_cut_sets_total"], len(ft["smallest_cut_sets"])
    text = f"{ft['minimal_cut_sets']} minimal cut sets in all; {total} of size {ft['order']}"
    return text + (f", the first {listed} listed:" if listed < total else ":")


def how_to_test_intro(how: HowToTestData) -> str:
    """The sentence opening the "How to test this" section."""
    return (
        f"Each prediction has an AWS FIS experiment: `{how['render']}` writes them as "
        f"CloudFormation; deploy it as stack {how['stack']} beside the main stack, then "
        "start an experiment with its command."
    )
