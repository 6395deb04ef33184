"""How the on-premises entry pair fails over, in words and figures: the report's verdict,
its network assumption and ``tiered validate``'s ``assumes:`` line read this one summary.

The mechanism is keepalived (VRRP) on the pair's entry segment
(``tiered.placement.networks.entry_segment``); the takeover times come from
``tiered.analysis.vrrp_timing``.
"""

from __future__ import annotations

from typing import TypedDict

from tiered.analysis.vrrp_timing import Takeover, TakeoverData, seconds
from tiered.model import Vrrp
from tiered.placement.networks.entry_segment import assumption
from tiered.placement.plan import Plan


class SegmentData(TypedDict):
    name: str
    cidr: str
    zones: list[str]


class EntryFailoverData(TypedDict):
    """The entry pair's failover as the report's JSON gives it."""

    mechanism: str
    service: str
    vip: str
    master: str
    backups: list[str]
    segment: SegmentData
    takeover_seconds: TakeoverData
    assumption: str


def entry_failover(plan: Plan) -> EntryFailoverData | None:
    """How the on-premises entry pair fails over, for the report and ``tiered validate``:
    the mechanism, its segment, the expected takeover times and the L2 assumption."""
    segment = plan.entry_segment
    if segment is None or plan.entry is None or plan.entry.vip is None:
        return None
    service = plan.services[next(i.service for i in plan.instances if i.subnet == segment.name)]
    nodes = [i.name for i in plan.instances_of(service.name)]
    takeover = Takeover(plan.entry.vrrp or Vrrp())
    return {
        "mechanism": "keepalived (VRRP)",
        "service": service.name,
        "vip": plan.entry.vip,
        "master": nodes[0],
        "backups": nodes[1:],
        "segment": {"name": segment.name, "cidr": str(segment.cidr), "zones": list(segment.zones)},
        "takeover_seconds": takeover.to_dict(),
        "assumption": assumption(segment, service, plan.entry.vip, nodes),
    }


def failover_sentence(failover: EntryFailoverData) -> str:
    """The verdict's sentence on the entry failover: mechanism and expected takeover time."""
    times = failover["takeover_seconds"]
    worst = "master crashed" if times["crashed"] >= times["nginx_hung"] else "nginx hung"
    return (
        f"Entry failover: {failover['mechanism']} moves the virtual IP {failover['vip']} from "
        f"{failover['master']} to {', '.join(failover['backups'])} on the entry segment "
        f"{failover['segment']['name']}; expected takeover {seconds(times['stopped'])} "
        f"(keepalived stopped), {seconds(times['nginx_dead'])} (nginx dead), "
        f"{seconds(times['worst'])} at worst ({worst})."
    )
