"""What the unknown zones change: the verdict with them apart and with them together.

Each subnet whose zone the template does not give stands in the topology as a zone of
its own (``network``). That is one of the possibilities, not a fact: here the import
also judges the topology with every such zone folded into one (the first of the
topology's zones), and for every finding that appears only then it notes, at the
service, that the verdict holds *if* those subnets are in different zones, and what it
would be otherwise. With ``--strict`` such a difference is a problem (exit 2) naming the
exact options that settle it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from tiered.findings import Finding, Location
from tiered.importers.cloudformation.network import UnknownZone, options_to_give
from tiered.importers.cloudformation.report import Report
from tiered.loading.loader import Loaded, SourceMap

#: Above this many services the second judgement is skipped (its cost would double the
#: import's); the unknowns are still named, and the note says the check was skipped.
MAX_SERVICES = 500


@dataclass(frozen=True, slots=True)
class Dependence:
    """A finding that appears only when the unknown zones are one zone."""

    service: str | None
    finding: Finding
    unknowns: tuple[UnknownZone, ...]


def fold(data: dict[str, Any], names: set[str], into: str) -> dict[str, Any]:
    """A copy of topology ``data`` with every zone in ``names`` replaced by ``into``."""
    folded = copy.deepcopy(data)

    def one(zone: str) -> str:
        return into if zone in names else zone

    def unique(zones: list[str]) -> list[str]:
        return list(dict.fromkeys(one(z) for z in zones))

    kept: list[str] = []
    for tier in folded["tiers"].values():
        for service in tier["services"].values():
            if "zones" in service:
                zones = unique(service["zones"])
                if _managed_standby(service) and len(zones) < 2 <= len(service["zones"]):
                    # AWS puts a Multi-AZ standby in another zone than its primary
                    other = next(z for z in service["zones"] if z != into)
                    zones.append(other)
                    kept.append(other)
                service["zones"] = zones
            if "placement" in service:
                merged: dict[str, int] = {}
                for zone, count in service["placement"].items():
                    merged[one(zone)] = merged.get(one(zone), 0) + count
                service["placement"] = merged
    folded["zones"] = unique(folded["zones"]) + [z for z in dict.fromkeys(kept) if z != into]
    return folded


def _managed_standby(service: dict[str, Any]) -> bool:
    """A managed service whose standby AWS keeps in another zone (Multi-AZ)."""
    managed = service.get("kind", "compute") not in ("compute", "filesystem")
    return managed and service.get("failover") == "primary-standby"


def _findings(data: dict[str, Any], source: SourceMap) -> dict[tuple[str, str | None], Finding]:
    """The findings of topology ``data`` by rule and service (empty when it is invalid): the
    stages below the importers, validate → plan → analyse → rules, chained here as the
    pipeline (which reads through the importers) chains them."""
    from tiered.analysis import analyze
    from tiered.placement.checks import place
    from tiered.rules.runner import run_rules
    from tiered.validation.validator import validate

    validated = validate(Loaded(data, source, []))
    if not validated.ok or validated.topology is None:
        return {}
    plan, _ = place(validated.topology, validated.source)
    if plan is None:
        return {}
    found: dict[tuple[str, str | None], Finding] = {}
    for finding in run_rules(analyze(plan, validated.source)):
        found.setdefault((finding.rule, finding.service), finding)
    return found


def _zones_of(data: dict[str, Any]) -> dict[str, list[str]]:
    """The zones each service of ``data`` uses."""
    used: dict[str, list[str]] = {}
    for tier in data["tiers"].values():
        for name, service in tier["services"].items():
            zones = service.get("zones") or list(service.get("placement") or {}) or data["zones"]
            used[name] = list(zones)
    return used


def dependences(
    data: dict[str, Any], source: SourceMap, unknown: list[UnknownZone]
) -> list[Dependence]:
    """The findings that appear only when the unknown zones are folded into one."""
    names = {u.name for u in unknown}
    into = data["zones"][0]
    apart = _findings(data, source)
    together = _findings(fold(data, names, into), source)
    zones_of = _zones_of(data)
    found = []
    for key, finding in together.items():
        if key in apart:
            continue
        service = key[1]
        zones = set(zones_of.get(service, [])) if service else names
        involved = tuple(u for u in unknown if u.name in zones or u.name == into)
        found.append(Dependence(service, finding, involved or tuple(unknown)))
    return found


def _named(unknowns: tuple[UnknownZone, ...]) -> str:
    whats = [u.what for u in unknowns]
    return whats[0] if len(whats) == 1 else ", ".join(whats[:-1]) + " and " + whats[-1]


def judge(
    data: dict[str, Any],
    source: SourceMap,
    unknown: list[UnknownZone],
    where: dict[str, Location],
    report: Report,
    strict: bool,
) -> None:
    """Note (or, when ``strict``, report as a problem) every finding that depends on the
    unknown zones being apart; ``where`` locates the services."""
    if len(unknown) < 1 or len(data["zones"]) < 2:
        return
    if len(where) > MAX_SERVICES:
        report.note(
            unknown[0].where,
            f"with {len(where)} services the verdict was not judged again with the unknown "
            "zones together: findings may depend on them",
        )
        return
    found = dependences(data, source, unknown)
    for item in found:
        at = where.get(item.service or "", unknown[0].where)
        subject = item.service or "the topology"
        zones = _named(item.unknowns)
        apart = "are in different zones" if len(item.unknowns) > 1 else "is in a zone of its own"
        text = (
            f"{subject}: {item.finding.rule} depends on zones the template does not give — "
            f"none while {zones} {apart} (as taken here), but if they share one: "
            f"{item.finding.message}"
        )
        if strict:
            report.problem(
                at, "cfn-unknown-zone", text, f"give {options_to_give(list(item.unknowns))}"
            )
        else:
            report.note(at, text)
