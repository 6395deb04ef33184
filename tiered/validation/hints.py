"""Hints that point the right way for references to zones and services.

* A zone that is not among the zones in scope is, most often, one to add: availability
  zones differ by one letter, so "did you mean" would name a zone the user did not mean.
  The hint says to add it (and where), and offers a near name only for free-form names.
* A dependency that names software (``postgres``) rather than a service is pointed at the
  service that runs it (``pg``).
"""

from __future__ import annotations

import re

from tiered.validation import model
from tiered.validation.schema_errors import did_you_mean


def missing_zone_hint(zone: str, topology: model.Topology, service_zones: list[str] | None) -> str:
    """How to fix a reference to ``zone`` from a service, all in one hint.

    ``service_zones``: the service's own ``zones`` when the reference must be among them
    (a placement), None when only the topology's zones count (the service's ``zones``
    list itself). A zone missing from both is to be added to both: one hint says so.
    """
    steps: list[str] = []
    if zone not in topology.zones:
        steps.append(f"the topology's zones: `zones: [{', '.join([*topology.zones, zone])}]`")
    if service_zones is not None and zone not in service_zones:
        steps.append(f"this service's `zones`: [{', '.join([*service_zones, zone])}]")
    add = "add it to " + ", and to ".join(steps)
    if zone in topology.zones:
        return add
    looks_like_az = bool(
        topology.region and re.fullmatch(re.escape(topology.region) + r"[a-z]", zone)
    )
    near = None if looks_like_az else did_you_mean(zone, service_zones or list(topology.zones))
    return f"{near[:-1]}, or {add}?" if near else add


def unknown_service_hint(target: str, services: dict[str, tuple[str, model.Service]]) -> str:
    """For a reference to no service: the service running that software, a near name, or how."""
    runners = [
        name
        for name, (_, service) in services.items()
        if target in (service.software, service.engine)
    ]
    if runners:
        which = " or ".join(f"'{name}'" for name in runners)
        return f"did you mean {which}, the service running {target}? Name services, not software"
    return did_you_mean(target, services) or f"define a service named '{target}' or fix the name"
