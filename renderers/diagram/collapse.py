"""Collapse of large services: past a threshold of replicas in a zone, one node "×N".

A service collapses in every zone as soon as one zone holds more replicas than the
threshold, so the picture stays consistent from zone to zone; the group node names its
address range, and edges and marks apply to it as to a replica.
"""

from __future__ import annotations

from tiered.placement.plan import ComputeService, Instance, ServicePlan

#: A service with more replicas than this in some zone is drawn as one node per zone, "×N".
COLLAPSE_THRESHOLD = 3


def collapses(service: ServicePlan, threshold: int) -> bool:
    """Whether ``service`` is drawn as one node per zone."""
    return (
        isinstance(service, ComputeService)
        and max(service.per_zone.values(), default=0) > threshold
    )


def group_text(service: ServicePlan, here: list[Instance]) -> tuple[str, list[str]]:
    """Title ("solr ×4") and detail lines (address range, instance type) of a group node."""
    first, last = here[0].ip, here[-1].ip
    span = f"{first} – .{str(last).rsplit('.', 1)[1]}" if len(here) > 1 else str(first)
    return f"{service.name} ×{len(here)}", [span, service.instance_type or service.software]
