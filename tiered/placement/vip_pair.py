"""``entry.vip`` needs the pair keepalived moves it between: an active-passive NGINX entry.

keepalived (``tiered render keepalived``) runs VRRP on the active-passive NGINX pair of the
entry tier, with a health check on NGINX; the plan carves the pair's entry segment, the
diagram draws the VIP in front of it. Without such a pair nothing moves the address, so a
VIP is refused rather than accepted and then silently ignored by every output.
"""

from __future__ import annotations

from tiered.findings import Problem
from tiered.loading.loader import SourceMap
from tiered.placement.networks.entry_segment import vrrp_pair
from tiered.placement.plan import ComputeService, Plan
from tiered.software import software

#: The settings that make an entry service the pair keepalived fails over.
PAIR_SETTINGS = "`software: nginx`, `count: 2`, `failover: active-passive`"


def vip_without_pair(plan: Plan, source: SourceMap) -> Problem | None:
    """The problem of a VIP with no active-passive NGINX entry pair to move it, or None."""
    if plan.provider != "generic" or plan.entry is None or plan.entry.vip is None:
        return None
    if vrrp_pair(plan.services) is not None:
        return None
    tier = plan.entry_tier.name
    return Problem(
        source.locate(("entry", "vip"), key=True),
        "vip-without-pair",
        f"vip {plan.entry.vip} has nothing to move it: keepalived moves a virtual IP only "
        f"between an active-passive NGINX pair, and the entry tier '{tier}' has none",
        pair_hint(plan),
    )


def pair_hint(plan: Plan) -> str:
    """How to get the pair, or to do without the VIP."""
    entry = [plan.services[name] for name in plan.entry_services]
    nginx = [s for s in entry if isinstance(s, ComputeService) and software(s.software).holds_vip]
    if nginx:
        return (
            f"make {nginx[0].name} an active-passive pair (`count: 2`, "
            "`failover: active-passive`), or remove `vip`"
        )
    return (
        f"add a tier in front of '{plan.entry_tier.name}' with an NGINX pair ({PAIR_SETTINGS}) "
        "routing to it, or remove `vip`"
    )
