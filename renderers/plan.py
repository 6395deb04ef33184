"""The placement plan for ``tiered plan --format NAME``: aligned tables, or JSON."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from tiered.exporters.base import DocumentExporter, ExportOptions
from tiered.placement.networks.zone_slots import FULL_WIDTH
from tiered.placement.plan import Plan
from tiered.renderers.report.layout import table as fitted
from tiered.renderers.report.width import hanging

if TYPE_CHECKING:
    from tiered.pipeline import Result

ADDRESSING = {
    "blocks": "addressing: a block per service, placed by its name, with room for one more "
    "replica per zone",
    "compact": "addressing: compact (the network has no room for a block per service); adding "
    "a service or a replica can move the addresses of later services",
}

#: Said when the network had no room for a subnet per tier in every zone slot.
TIGHT_SLOTS = (
    "zones: the network has room for {slots} per tier only; adding a zone beyond them "
    "moves subnets (a larger network keeps a slot for each of 8 zones)"
)


def _slots(count: int) -> str:
    return f"{count} zone slot{'s' if count > 1 else ''}"


def plan_table(plan: Plan, width: int | None = None) -> str:
    """Subnets, instances, managed endpoints and gateways of a plan, one table each, every
    line within ``width`` (None: tables at their natural width, sentences unwrapped)."""

    def table(headers: list[str], rows: list[list[str]]) -> str:
        return fitted(headers, rows, width)

    where = f"{plan.provider} {plan.region}" if plan.region else plan.provider
    parts = [
        hanging(
            f"{plan.name}: {where}, network {plan.network.cidr}, zones {', '.join(plan.zones)}",
            width,
            2,
        )
        + "\n",
        hanging(ADDRESSING[plan.network.addressing], width, 2) + "\n",
    ]
    if plan.network.zone_slots < FULL_WIDTH:
        parts.append(
            hanging(TIGHT_SLOTS.format(slots=_slots(plan.network.zone_slots)), width, 2) + "\n"
        )
    parts.append(
        "\nSubnets\n"
        + table(
            ["subnet", "tier", "zone", "cidr", "public"],
            [
                [
                    s.name,
                    s.tier or "-",
                    s.zone,
                    str(s.cidr),
                    ("yes" if s.public else "no")
                    + (" (RDS subnet group only)" if s.rds_only else ""),
                ]
                for s in plan.subnets
            ],
        )
    )
    parts.append(
        "\nInstances\n"
        + table(
            ["instance", "service", "zone", "subnet", "ip", "role", "type"],
            [
                [
                    i.name,
                    i.service,
                    i.zone,
                    i.subnet,
                    str(i.ip),
                    i.role,
                    plan.services[i.service].instance_type or "-",
                ]
                for i in plan.instances
            ],
        )
    )
    if plan.network.blocks:
        parts.append("\nAddress blocks\n" + table(*_blocks(plan)))
    if plan.managed:
        parts.append(
            "\nManaged services\n"
            + table(
                ["endpoint", "service", "kind", "zone", "subnet", "role", "ip"],
                [
                    [
                        m.name,
                        m.service,
                        m.kind,
                        m.zone,
                        m.subnet,
                        m.role,
                        str(m.ip) if m.ip else "dynamic",
                    ]
                    for m in plan.managed
                ],
            )
        )
    if plan.network.nat_gateways:
        parts.append(
            "\nNAT gateways\n"
            + table(
                ["gateway", "zone", "subnet", "ip", "serves"],
                [
                    [n.name, n.zone, n.subnet, str(n.ip), ", ".join(n.serves)]
                    for n in plan.network.nat_gateways
                ],
            )
        )
    segment = plan.entry_segment
    if segment is not None and plan.entry is not None:
        nodes = ", ".join(i.name for i in plan.instances if i.subnet == segment.name)
        sentence = (
            f"{segment.name} {segment.cidr}: one VLAN stretched over "
            f"{', '.join(segment.zones)} for the VRRP pair ({nodes}) and its virtual IP "
            f"{plan.entry.vip}/{segment.cidr.prefixlen}: VRRP adverts and gratuitous ARP "
            "do not cross a router"
        )
        parts.append(f"\nEntry segment\n{hanging(sentence, width, 2)}\n")
    return "".join(parts)


class PlanTable(DocumentExporter["Result"]):
    name, kind, filename = "table", "plan", "plan.txt"
    description = "aligned tables for people: subnets, instances, managed endpoints"

    def document(self, result: Result, options: ExportOptions) -> str:
        return plan_table(result.valid_plan, options.extra.get("width"))


class PlanJson(DocumentExporter["Result"]):
    name, kind, filename = "json", "plan", "plan.json"
    description = "the plan as data, for tools"

    def document(self, result: Result, options: ExportOptions) -> str:
        return json.dumps(result.valid_plan.to_dict(), indent=2, sort_keys=True) + "\n"


def _blocks(plan: Plan) -> tuple[list[str], list[list[str]]]:
    """One row per service: its block in each zone and how full its busiest zone is."""
    by_service: dict[str, list[str]] = {}
    fullest: dict[str, tuple[int, int]] = {}
    for block in plan.network.blocks:
        by_service.setdefault(block.service, []).append(block.cidr)
        size, capacity = fullest.get(block.service, (0, block.capacity))
        fullest[block.service] = (max(size, block.size), capacity)
    rows = [
        [
            name,
            plan.services[name].tier,
            ", ".join(cidrs),
            f"{fullest[name][0]} of {fullest[name][1]}",
        ]
        for name, cidrs in by_service.items()
    ]
    return ["service", "tier", "block per zone", "busiest zone"], rows
