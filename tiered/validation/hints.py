"""Hints that point the right way for references to zones and services.

* A zone that is not among the zones in scope is, most often, one to add: zones of a series
  (``rack-a``, ``rack-b``; ``dc-1``, ``dc-2``; availability zones) differ by their last letter
  or number, so "did you mean" would name a zone the user did not mean. The hint says to add
  it (and where), and offers a near name only for a misspelt one that the reference does not
  already use.
* On AWS, a zone outside the region is never to add (validation refuses it): the hint names
  the region's zone with the same letter, or another one of the region's zones.
* A dependency that names software (``postgres``) rather than a service is pointed at the
  service (or services) that run it (``pg``).
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable

from tiered import model
from tiered.validation.regions import AWS_REGIONS, is_zone_of
from tiered.validation.schema_errors import did_you_mean

#: A name ending in a sequence mark: a number, or a single letter after a non-letter.
_SERIES = re.compile(r"^(.*?)(\d+|(?<![a-z])[a-z])$")


def outside_region(zone: str, topology: model.Topology) -> str | None:
    """The region ``zone`` is not an availability zone of, on AWS; else None."""
    region = topology.region
    if topology.provider != "aws" or region is None or region not in AWS_REGIONS:
        return None
    return None if is_zone_of(zone, region) else region


def missing_zone_hint(
    zone: str,
    topology: model.Topology,
    service_zones: list[str] | None,
    used: Iterable[str] = (),
) -> str:
    """How to fix a reference to ``zone`` from a service, all in one hint.

    ``service_zones``: the service's own ``zones`` when the reference must be among them
    (a placement), None when only the topology's zones count (the service's ``zones``
    list itself). A zone missing from both is to be added to both: one hint says so.
    ``used``: the zones the same placement or list already names, never suggested.
    """
    taken = set(used) - {zone}
    region = outside_region(zone, topology)
    if region is not None:
        return _in_region_hint(zone, region, topology, service_zones, taken)
    add = _add(zone, topology, service_zones)
    if zone in topology.zones:
        return add
    choices = [
        z for z in service_zones or topology.zones if z not in taken and not _series(z, zone)
    ]
    near = did_you_mean(zone, choices)
    return f"{near[:-1]}, or {add}?" if near else add


def _in_region_hint(
    zone: str,
    region: str,
    topology: model.Topology,
    service_zones: list[str] | None,
    taken: set[str],
) -> str:
    """A zone of ``region`` to use instead of ``zone``: its namesake letter, else a free one."""
    scope = service_zones or topology.zones
    same = [f"{region}{zone[-1]}"] if zone[-1:] in tuple(string.ascii_lowercase) else []
    candidates = [
        *same,
        *scope,
        *topology.zones,
        *(f"{region}{letter}" for letter in string.ascii_lowercase),
    ]
    instead = next((z for z in candidates if is_zone_of(z, region) and z not in taken), None)
    if instead is None:
        return f"use a zone of {region} ({region}a, {region}b ...)"
    if instead in scope:
        if instead in same:
            return f"did you mean '{instead}'?"
        return f"use a zone of {region} instead, such as '{instead}'"
    return f"use '{instead}' instead, and {_add(instead, topology, service_zones)}"


def _add(zone: str, topology: model.Topology, service_zones: list[str] | None) -> str:
    steps: list[str] = []
    if zone not in topology.zones:
        steps.append(f"the topology's zones: `zones: [{', '.join([*topology.zones, zone])}]`")
    if service_zones is not None and zone not in service_zones:
        steps.append(f"this service's `zones`: [{', '.join([*service_zones, zone])}]")
    return "add it to " + ", and to ".join(steps)


def _series(one: str, other: str) -> bool:
    """Whether two names are members of one series (``rack-a``, ``rack-b``), not a typo."""
    a, b = _SERIES.match(one), _SERIES.match(other)
    return bool(a and b and a[1] == b[1])


def unknown_service_hint(target: str, services: dict[str, tuple[str, model.Service]]) -> str:
    """For a reference to no service: the service running that software, a near name, or how."""
    runners = [
        name
        for name, (_, service) in services.items()
        if target in (service.software, service.engine)
    ]
    if len(runners) == 1:
        return (
            f"did you mean '{runners[0]}', the service running {target}? "
            "Name services, not software"
        )
    if runners:
        which = ", ".join(f"'{name}'" for name in runners[:-1]) + f" or '{runners[-1]}'"
        return f"did you mean {which}, the services running {target}? Name services, not software"
    return did_you_mean(target, services) or f"define a service named '{target}' or fix the name"
