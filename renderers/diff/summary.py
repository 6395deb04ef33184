"""The diff in words, shared by the text and markdown formats: one line per aspect, and
the detail rows under each."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tiered.analysis import ServiceMargin
from tiered.changes.findings import FindingChange
from tiered.changes.measures import Figure, MarginChange
from tiered.changes.model import Diff
from tiered.changes.placement import Move, Placed
from tiered.renderers.report.words import duration, percent

NOTHING = "No change to findings, resilience, placement or the CloudFormation stack."


def count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _order(value: float | int | None) -> str:
    return "none" if value is None else str(value)


def _arrow(figure: Figure, render: Callable[[Any], str] = str) -> str:
    """``before → after``; ``(unchanged)`` when the two read the same at the precision shown."""
    before, after = render(figure.before), render(figure.after)
    return f"{before} (unchanged)" if before == after else f"{before} → {after}"


def _better(
    figure: Figure, render: Callable[[Any], str] = str, higher_is_better: bool = True
) -> str:
    before, after = figure.before, figure.after
    if before is None or after is None or render(before) == render(after):
        return ""
    up = after > before
    return " (better)" if up == higher_is_better else " (worse)"


def verdict(diff: Diff) -> str:
    """One line: what the change introduces, for the top of a pull-request comment."""
    new = [c for c in diff.findings if c.newly_failing]
    fixed = diff.of_state("fixed")
    if diff.empty:
        return NOTHING
    if new:
        return f"This change introduces {count(len(new), 'finding')} ({_rules(new)})."
    if fixed:
        return f"This change fixes {count(len(fixed), 'finding')} ({_rules(fixed)}) and adds none."
    return "This change adds no finding."


def _rules(changes: list[FindingChange]) -> str:
    return ", ".join(
        dict.fromkeys(f"{c.finding.rule} {c.finding.service or 'topology'}" for c in changes)
    )


def headline(diff: Diff) -> list[str]:
    """The summary: one line per aspect that a reviewer reads first."""
    if diff.empty:
        return [NOTHING]
    m = diff.measures
    states = {s: len(diff.of_state(s)) for s in ("new", "fixed", "unchanged")}
    lines = [
        f"Findings: {states['new']} new, {states['fixed']} fixed, {states['unchanged']} unchanged",
        "Fault tolerance (simultaneous failures that take the system down): "
        f"{_arrow(m.design_tolerance, _order)}{_better(m.design_tolerance)} with managed "
        f"services holding; {_arrow(m.tolerance, _order)}{_better(m.tolerance)} counting "
        "managed-service outages",
        f"Availability: {_arrow(m.availability, percent)}"
        f"{_better(m.availability, percent)}; "
        f"expected downtime {_arrow(m.downtime_minutes, duration)} per year",
    ]
    zones = zone_lines(diff)
    if zones:
        lines.append("Zone losses: " + "; ".join(zones))
    if m.margins:
        lines.append(f"Worst-case margins changed: {', '.join(c.service for c in m.margins)}")
    p = diff.plan
    moved = [m.name for m in p.instances_moved]
    lines.append(
        f"Instances: {len(p.instances_added)} added, {len(p.instances_removed)} removed, "
        f"{len(moved)} moved" + (f" ({_moved(moved)})" if moved else "")
    )
    if p.subnets_added or p.subnets_removed or p.subnets_recarved:
        lines.append(
            f"Subnets: {len(p.subnets_added)} added, {len(p.subnets_removed)} removed, "
            f"{len(p.subnets_recarved)} re-carved"
        )
    if p.managed_added or p.managed_removed or p.managed_moved:
        lines.append(
            f"Managed endpoints: {len(p.managed_added)} added, {len(p.managed_removed)} removed, "
            f"{len(p.managed_moved)} moved"
        )
    if p.upstreams:
        lines.append(
            "NGINX upstreams: "
            + ", ".join(f"{u.target} (+{len(u.added)} −{len(u.removed)})" for u in p.upstreams)
        )
    lines.append("CloudFormation: " + cloudformation_line(diff))
    return lines


#: Moved instances named in the summary line, at most.
NAMED = 6


def _moved(names: list[str]) -> str:
    """Who a move replaces on AWS: the names, or the first few and a count."""
    shown = ", ".join(names[:NAMED])
    rest = f" and {len(names) - NAMED} more" if len(names) > NAMED else ""
    return f"on AWS each is replaced: {shown}{rest}"


def zone_lines(diff: Diff) -> list[str]:
    words = {True: "survived", False: "system down", None: "no such zone"}
    return [
        f"losing {z.zone}: {words[z.before]} → {words[z.after]}"
        for z in diff.measures.zones
        if z.before != z.after
    ]


def cloudformation_line(diff: Diff) -> str:
    cfn = diff.cloudformation
    if not cfn.compared:
        return f"not compared: {cfn.note}"
    if not cfn.changed:
        return "no change to the stack"
    instances = cfn.replaced_instances
    replaces = (
        f"this replaces {count(len(instances), 'instance')}"
        if instances
        else "no instance is replaced"
    )
    return (
        f"{len(cfn.added)} resources added, {len(cfn.removed)} removed, "
        f"{len(cfn.replaced)} replaced, {len(cfn.modified)} modified in place — {replaces}"
    )


def finding_line(change: FindingChange) -> str:
    f = change.finding
    accepted = " (accepted)" if f.accepted else ""
    where = f" [{', '.join(f.zones)}]" if f.zones else ""
    return (
        f"{change.state:<9} {f.rule} {f.severity.value}{accepted} {f.service or 'topology'}"
        f"{where}: {f.message} — {f.location}"
    )


def _margin(margin: ServiceMargin | None) -> str:
    if margin is None:
        return "absent"
    return (
        f"{margin.worst} of {margin.count} left ({margin.worst_case}), "
        f"needs {margin.needed}, margin {margin.margin:+d}"
    )


def margin_line(change: MarginChange) -> str:
    return f"{change.service}: {_margin(change.before)} → {_margin(change.after)}"


def where(place: tuple[str, str, str]) -> str:
    zone, subnet, ip = place
    return f"{zone} {subnet} {ip}".strip()


def move_line(move: Move) -> str:
    return f"{move.name}: {where(move.before)} → {where(move.after)}"


def placed_line(placed: Placed) -> str:
    return f"{placed.name}: {where(placed.where)}"
