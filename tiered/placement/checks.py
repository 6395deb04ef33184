"""Checks of a plan: what only the placement can tell is wrong with a valid topology.

Validation (``tiered.validation``) checks the topology as written; these check what the
planner made of it: failure-domain and logical-id names that meet, the virtual IP of an
on-premises entry pair (inside its segment, on no planned address, with a pair to move it),
and what a backend would refuse to render (``tiered.placement.renderable``). The entry
segment is carved around the VIP (``networks.onprem``), which refuses a VIP that collides
with a subnet or zone slot; what is left to check here is a VIP on a planned address.
"""

from __future__ import annotations

import ipaddress

from tiered.findings import Problem
from tiered.loading.loader import SourceMap
from tiered.model import Topology
from tiered.placement.name_clashes import logical_id_clashes, name_clashes
from tiered.placement.plan import Plan
from tiered.placement.planner import PlanError, build_plan
from tiered.placement.renderable import unrenderable
from tiered.placement.vip_pair import vip_without_pair


def place(topology: Topology, source: SourceMap) -> tuple[Plan | None, list[Problem]]:
    """The plan of a valid topology and its problems; no plan when there are any."""
    try:
        plan = build_plan(topology)
    except PlanError as error:
        where = source.locate(error.path)
        return None, [Problem(where, error.code, error.message, error.hint)]
    problems = check_plan(plan, source)
    return (None if problems else plan), problems


def check_plan(plan: Plan, source: SourceMap) -> list[Problem]:
    """Every problem of ``plan``: unambiguous domain names; a VIP inside its segment, not on
    a planned address, and an active-passive NGINX pair to move it; nothing a backend
    would refuse to render."""
    problems = [
        *name_clashes(plan, source),
        *logical_id_clashes(plan, source),
        *unrenderable(plan, source),
    ]
    unmoved = vip_without_pair(plan, source)
    if unmoved is not None:
        problems.append(unmoved)
    elif plan.entry is not None and plan.entry.vip is not None:
        problems.extend(_vip_problems(plan, ipaddress.IPv4Address(plan.entry.vip), source))
    return problems


def _vip_problems(plan: Plan, vip: ipaddress.IPv4Address, source: SourceMap) -> list[Problem]:
    where = source.locate(("entry", "vip"))
    problems = []
    outside = vip_outside_segment(plan, vip)
    if outside is not None:
        message, hint = outside
        problems.append(Problem(where, "vip-outside-segment", message, hint))
    for block in plan.network.blocks:
        if not block.base <= int(vip) < block.base + block.capacity:
            continue
        offset = block.offset_of(int(vip))
        if offset is None:
            what = f"inside the address block {block.cidr} kept for {block.service}"
        else:
            holder = plan.first_instances(block.service, block.zone, block.size)[offset]
            what = f"the planned address of {holder.name}"
        segment = plan.entry_segment
        if segment is not None and block.subnet == segment.name:
            what += f" in the entry segment {segment.name} {segment.cidr}"
            hint = (
                f"pick a host address of {segment.cidr} above the pair's nodes, "
                f"e.g. `vip: {segment.cidr.broadcast_address - 1}`"
            )
        else:
            hint = "pick an address outside the subnets, or at the top of a subnet"
        problems.append(Problem(where, "vip-in-use", f"vip {vip} is {what}", hint))
    return problems


def vip_outside_segment(plan: Plan, vip: ipaddress.IPv4Address) -> tuple[str, str] | None:
    """(message, hint) when the VIP is not a host address of the VRRP pair's entry segment."""
    segment = plan.entry_segment
    if segment is None:
        return None
    cidr = segment.cidr
    hosts = (cidr.network_address + 2, cidr.broadcast_address - 1)  # not network, gateway
    if hosts[0] <= vip <= hosts[1]:
        return None
    nodes = ", ".join(i.name for i in plan.instances if i.subnet == segment.name)
    where = (
        f"the {'network' if vip == cidr.network_address else 'gateway'} address of"
        if vip in (cidr.network_address, cidr.network_address + 1)
        else "the broadcast address of"
        if vip == cidr.broadcast_address
        else "outside"
    )
    return (
        f"vip {vip} is {where} the entry segment {segment.name} {cidr}, the one VLAN "
        f"over {', '.join(segment.zones)} that VRRP needs ({nodes} are addressed in it)",
        f"pick a free address of {cidr}, e.g. `vip: {hosts[1]}`",
    )
