"""Tags naming the topology, tier and service, put on every taggable resource.

A service's security group also carries what the template cannot show otherwise (its
software, failover mode, tier role, survivors needed, health check, routes and accepted
rules), so that ``tiered import cloudformation`` reads a rendered stack back exactly.
"""

from __future__ import annotations

from typing import Any

from tiered.placement.plan import ComputeService, ServicePlan

TOPOLOGY, TIER, SERVICE = "tiered:topology", "tiered:tier", "tiered:service"


def tags(
    topology: str, name: str, tier: str | None = None, service: str | None = None
) -> list[dict[str, Any]]:
    """The ``Tags`` list of a resource, sorted by key."""
    pairs = {"Name": f"{topology}-{name}", TOPOLOGY: topology}
    if tier is not None:
        pairs[TIER] = tier
    if service is not None:
        pairs[SERVICE] = service
    return [{"Key": key, "Value": value} for key, value in sorted(pairs.items())]


SOFTWARE, FAILOVER = "tiered:software", "tiered:failover"


def kind_tags(service: ServicePlan) -> list[dict[str, Any]]:
    """``tiered:software`` (compute) and ``tiered:failover`` of a service's resources."""
    pairs: dict[str, str] = {FAILOVER: service.failover}
    if not service.managed:
        pairs[SOFTWARE] = service.software
    return [{"Key": key, "Value": value} for key, value in sorted(pairs.items())]


def service_tags(service: ServicePlan, role: str, tier_index: int) -> list[dict[str, Any]]:
    """The tags of a service's security group that carry its model for an import (the
    order of ``depends_on`` too, so that a round trip renders the same; the order of the
    services is in the template's Metadata)."""
    pairs = {"tiered:tier-role": role, "tiered:tier-index": str(tier_index)}
    if len(service.depends_on) > 1:
        pairs["tiered:depends-on"] = " ".join(service.depends_on)
    if isinstance(service, ComputeService) and service.port is not None:
        pairs["tiered:port"] = str(service.port)
    if isinstance(service, ComputeService) and service.balance != "round-robin":
        pairs["tiered:balance"] = service.balance
    if not service.managed and service.failover == "active-active":
        pairs["tiered:min-healthy"] = str(service.min_healthy)
    check = service.health_check
    if check is not None:
        pairs["tiered:health-check"] = (
            f"path={check.path} interval={check.interval} timeout={check.timeout} "
            f"healthy={check.healthy_threshold} unhealthy={check.unhealthy_threshold}"
        )
    if service.routes:
        pairs["tiered:routes"] = " ".join(f"{r.path}={r.to}" for r in service.routes)
    if service.accept:
        pairs["tiered:accept"] = " ".join(a.rule for a in service.accept)
    return kind_tags(service) + [{"Key": k, "Value": v} for k, v in sorted(pairs.items())]
