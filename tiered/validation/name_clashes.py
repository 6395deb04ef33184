"""Failure-domain names must be unambiguous: zones, services, instances, managed endpoints.

``tiered whatif --fail NAME``, the cut sets and the report name failure domains by their
names. Instances are named ``<service>-<n>``, database endpoints ``<db>-primary`` and
``<db>-standby``, mount targets ``<filesystem>-<zone>``; a zone or a service may not
take a name one of those already has (zones ``[dc-1, dc-2]`` beside a service ``dc``:
``dc-1`` would be both a zone and an instance). Validation refuses such a topology.
"""

from __future__ import annotations

import re

from tiered.findings import Problem
from tiered.loading.loader import Path, SourceMap
from tiered.placement.plan import Plan

_NUMBERED = re.compile(r"(.+)-([1-9][0-9]*)")


def _instance_of(plan: Plan, name: str) -> str | None:
    """The service whose instance is called ``name``, if any (without building instances)."""
    match = _NUMBERED.fullmatch(name)
    if match is None:
        return None
    service = plan.services.get(match[1])
    if service is None or service.kind != "compute" or int(match[2]) > service.count:
        return None
    return service.name


def _other_kind(plan: Plan, name: str, own: str) -> str | None:
    """What else than ``own`` (zone, service) goes by ``name``, in words, or None."""
    owner = _instance_of(plan, name)
    if owner is not None:
        return f"instance {name} of service {owner}"
    endpoint = next((m for m in plan.managed if m.name == name), None)
    if endpoint is not None:
        return f"the {endpoint.role} endpoint {name} of {endpoint.service}"
    if own == "zone" and name in plan.services:
        return f"service {name}"
    return None


def name_clashes(plan: Plan, source: SourceMap) -> list[Problem]:
    """One problem per zone or service whose name another failure domain also has."""
    problems: list[Problem] = []
    found: list[tuple[Path, str, str]] = []
    for index, zone in enumerate(plan.zones):
        other = _other_kind(plan, zone, "zone")
        if other is not None:
            found.append((("zones", index), f"zone '{zone}' has the name of {other}", "zone"))
    for name, service in plan.services.items():
        other = _other_kind(plan, name, "service")
        if other is not None:
            found.append((service.path, f"service '{name}' has the name of {other}", "service"))
    for endpoint in plan.managed:
        owner = _instance_of(plan, endpoint.name)
        if owner is not None:
            message = (
                f"endpoint {endpoint.name} of {endpoint.service} has the name of an instance "
                f"of {owner}"
            )
            found.append((plan.services[endpoint.service].path, message, "service"))
    for where, message, kind in found:
        problems.append(
            Problem(
                source.locate(where, key=kind == "service"),
                "name-clash",
                message + ": failures, cut sets and `whatif --fail` could not tell them apart",
                f"rename the {kind} or the other (instances are named <service>-<n>, database "
                "endpoints <db>-primary and <db>-standby, mount targets <filesystem>-<zone>)",
            )
        )
    return problems
