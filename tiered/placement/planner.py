"""Planning: the neutral placement of every service, then the provider's network plan.

Each service resolves its own defaults by kind (``tiered.placement.services``); its replicas
are dealt over its zones. The provider's network plan (``tiered.placement.networks``) then
carves the subnets and gives every replica and managed endpoint its address. The topology
is first put in its canonical order (``tiered.placement.canonical``): the plan and every
output are the same whatever order the topology's mappings were written in. A new target
adds an entry to ``NETWORK_PLANNERS``, not a branch here.
"""

from __future__ import annotations

from collections.abc import Callable

from tiered import model
from tiered.placement.canonical import canonical, entry_tiers
from tiered.placement.networks.aws import plan_aws
from tiered.placement.networks.carving import PlanError
from tiered.placement.networks.onprem import plan_onprem
from tiered.placement.plan import ManagedEndpoint, NetworkPlan, Plan, TierPlan
from tiered.placement.services import ServicePlan, resolve_service, round_robin, spread

__all__ = [
    "NETWORK_PLANNERS",
    "PlanError",
    "build_plan",
    "resolve_service",
    "round_robin",
    "spread",
]

#: The network planner of each provider.
NETWORK_PLANNERS: dict[
    model.Provider, Callable[[model.Topology, dict[str, ServicePlan]], NetworkPlan]
]
NETWORK_PLANNERS = {"aws": plan_aws, "generic": plan_onprem}


def build_plan(topology: model.Topology) -> Plan:
    """Place and address every replica of a valid topology; raises PlanError if it cannot fit."""
    topology = canonical(topology)
    entries = entry_tiers(topology)
    services: dict[str, ServicePlan] = {}
    for tier_name, tier in topology.tiers.items():
        for name in tier.services:
            services[name] = resolve_service(topology, tier_name, name, tier_name in entries)
    network = NETWORK_PLANNERS[topology.provider](topology, services)
    managed = tuple(
        ManagedEndpoint(
            name=spec.name,
            service=service.name,
            kind=service.kind,
            zone=spec.zone,
            subnet=network.endpoints[spec.name].subnet,
            role=spec.role,
            ip=network.endpoints[spec.name].ip,
        )
        for service in services.values()
        for spec in service.endpoints
    )
    return Plan(
        name=topology.name,
        description=topology.description,
        provider=topology.provider,
        region=topology.region,
        zones=tuple(topology.zones),
        entry=topology.entry,
        assumptions=topology.assumptions,
        tiers=tuple(
            TierPlan(name, tier.role, tier.public, tuple(tier.services), name in entries)
            for name, tier in topology.tiers.items()
        ),
        services=services,
        managed=managed,
        network=network,
    )
