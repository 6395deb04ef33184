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


def missing_zone_hint(zone: str, topology: model.Topology, scope: list[str], where: str) -> str:
    """How to fix a reference to ``zone``, which is not in ``scope`` (``where``: its key)."""
    if zone in topology.zones:  # in the topology, not in the service's own zones
        return f"add it to this service's `zones`: [{', '.join([*scope, zone])}]"
    looks_like_az = bool(
        topology.region and re.fullmatch(re.escape(topology.region) + r"[a-z]", zone)
    )
    add = f"add it to {where}: `zones: [{', '.join([*topology.zones, zone])}]`"
    if looks_like_az:
        return add
    near = did_you_mean(zone, scope)
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
