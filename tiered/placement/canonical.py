"""The canonical order of a topology: YAML mappings are unordered, the plan is not.

A topology means the same whatever order its mappings are written in (``yq -S``, a sorted
JSON round trip, a formatter). The planner therefore reorders every mapping once, before it
places anything, and every consumer (analysis, rules, renderers) reads that order:

* the **entry tiers** come first: the presentation tiers no other tier calls (``routes`` or
  ``depends_on``), see ``entry_tiers``; then the other tiers by role (presentation,
  application, data), then by name;
* **services** by name within their tier (not by dependency order: a service then keeps its
  place when its ``depends_on`` changes, so a diff of two versions stays small);
* a service's ``placement`` in the order of its zones.

Lists (``zones``, ``depends_on``, ``routes``, ``listen``) are ordered by definition and keep
the order the user wrote.
"""

from __future__ import annotations

from tiered import model

__all__ = ["ROLE_ORDER", "canonical", "entry_tiers"]

#: Tiers of the same standing are listed front to back.
ROLE_ORDER: dict[model.Role, int] = {"presentation": 0, "application": 1, "data": 2}


def entry_tiers(topology: model.Topology) -> tuple[str, ...]:
    """The tiers clients reach first, by name: what the user declared, not where.

    The candidates are the ``role: presentation`` tiers (else the ``public: true`` ones,
    else every tier); the entry is the candidates whose services no service of another tier
    calls. When every candidate is called (a cycle), every candidate is an entry.
    """
    tiers = topology.tiers
    candidates = sorted(name for name, tier in tiers.items() if tier.role == "presentation")
    candidates = candidates or sorted(name for name, tier in tiers.items() if tier.public)
    candidates = candidates or sorted(tiers)
    called = _called_from_other_tiers(topology)
    uncalled = [name for name in candidates if not set(tiers[name].services) & called[name]]
    return tuple(uncalled or candidates)


def canonical(topology: model.Topology) -> model.Topology:
    """The same topology with every mapping in the canonical order (see the module doc)."""
    entries = entry_tiers(topology)

    def tier_key(name: str) -> tuple[int, int, str]:
        return (name not in entries, ROLE_ORDER[topology.tiers[name].role], name)

    tiers = {
        name: _canonical_tier(topology.tiers[name], topology.zones)
        for name in sorted(topology.tiers, key=tier_key)
    }
    return topology.model_copy(update={"tiers": tiers})


def _canonical_tier(tier: model.Tier, zones: list[str]) -> model.Tier:
    services = {
        name: _canonical_service(tier.services[name], zones) for name in sorted(tier.services)
    }
    return tier.model_copy(update={"services": services})


def _canonical_service(service: model.Service, zones: list[str]) -> model.Service:
    if service.placement is None:
        return service
    order = [*(service.zones or zones)]
    rank = {zone: index for index, zone in enumerate(order)}
    placement = dict(
        sorted(service.placement.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0]))
    )
    return service.model_copy(update={"placement": placement})


def _called_from_other_tiers(topology: model.Topology) -> dict[str, set[str]]:
    """For each tier, the names that services of the other tiers call."""
    calls: dict[str, set[str]] = {}
    for name, tier in topology.tiers.items():
        for service in tier.services.values():
            calls.setdefault(name, set()).update(service.depends_on)
            calls[name].update(route.to for route in service.routes)
    return {
        name: set().union(*(called for other, called in calls.items() if other != name))
        for name in topology.tiers
    }
