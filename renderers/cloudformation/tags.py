"""Tags naming the topology, tier and service, put on every taggable resource."""

from __future__ import annotations

from typing import Any

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
