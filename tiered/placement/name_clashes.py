"""Failure-domain names must be unambiguous: zones, services, instances, managed endpoints.

``tiered whatif --fail NAME``, the cut sets and the report name failure domains by their
names. Instances are named ``<service>-<n>``, database endpoints ``<db>-primary`` and
``<db>-standby``, mount targets ``<filesystem>-<zone>``; a zone or a service may not
take a name one of those already has (zones ``[dc-1, dc-2]`` beside a service ``dc``:
``dc-1`` would be both a zone and an instance). Validation refuses such a topology.

On AWS, names also become CloudFormation logical ids of letters and digits, where two
names of one kind can meet (instances ``front-5-11`` and ``front-51-1``); validation
refuses that too, so that a valid topology always renders.
"""

from __future__ import annotations

import re

from tiered.findings import Problem
from tiered.loading.loader import Path, SourceMap
from tiered.placement.identifiers import camel
from tiered.placement.plan import Plan

_NUMBERED = re.compile(r"(.+)-([1-9][0-9]*)")


def _instance_of(plan: Plan, name: str) -> str | None:
    """The service whose instance is called ``name``, if any (without building instances)."""
    match = _NUMBERED.fullmatch(name)
    if match is None:
        return None
    service = plan.services.get(match[1])
    if service is None or service.managed or int(match[2]) > service.count:
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


def logical_id_clashes(plan: Plan, source: SourceMap) -> list[Problem]:
    """On AWS, one problem per tier or service whose name, or one of whose instance or
    endpoint names, becomes the same logical id as another name of the same kind."""
    if plan.provider != "aws":
        return []
    tier_paths = {tier.name: ("tiers", tier.name) for tier in plan.tiers}
    service_paths = {name: service.path for name, service in plan.services.items()}
    service_ids = {name: camel(name) for name in plan.services}
    # kind -> (name, its id part, what it belongs to, where that is written); an instance
    # <service>-<n> is the service's id part followed by n, without camel-casing it again
    kinds: dict[str, list[tuple[str, str, str, Path]]] = {
        "tier": [(name, camel(name), name, path) for name, path in tier_paths.items()],
        "service": [(name, service_ids[name], name, path) for name, path in service_paths.items()],
        "instance": [
            (
                i.name,
                service_ids[i.service] + i.name[len(i.service) + 1 :],
                i.service,
                service_paths[i.service],
            )
            for i in plan.instances
        ],
        "endpoint": [
            (m.name, camel(m.name), m.service, service_paths[m.service]) for m in plan.managed
        ],
    }
    problems: list[Problem] = []
    blamed: set[Path] = set()
    for kind, names in kinds.items():
        seen: dict[str, tuple[str, str]] = {}
        for name, key, owner, path in names:
            if key not in seen:
                seen[key] = (name, owner)
                continue
            other, other_owner = seen[key]
            if path in blamed:
                continue
            blamed.add(path)
            problems.append(
                Problem(
                    source.locate(path, key=True),
                    "name-clash",
                    f"{kind} {other} and {kind} {name} both become '{key}' in CloudFormation "
                    "logical ids, which keep only letters and digits",
                    f"rename '{owner}' or '{other_owner}' so that the names differ in more "
                    "than their dashes; numbers of one width never meet (domain-01 and "
                    "domain-11)",
                )
            )
    return problems
