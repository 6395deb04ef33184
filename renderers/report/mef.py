"""The fault tree of a plan in the Open-PSA Model Exchange Format (MEF), for SCRAM & co.

Basic events: every instance, zone and managed service of the services the entry tier
needs, with the failure probabilities of the topology's ``assumptions``. Gates follow the
analysis: a replica is lost when its instance or its zone fails; a service fails on its
own when at least ``count - survivors_needed + 1`` replicas are lost (a k-of-n gate); it
is down when it fails on its own or a service it calls is down; the top event is an entry
service down. An independent tool solving this tree must find tiered's minimal cut sets
and unavailability.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from tiered.analysis import Analysis
from tiered.placement.plan import ComputeService, Plan, ServicePlan

TOP = "system_down"


def event_id(kind: str, name: str) -> str:
    """A MEF identifier: kinds are zone, instance, managed; hyphens become underscores."""
    return f"{kind}_{name.replace('-', '_')}"


def basic_events(plan: Plan, services: list[str]) -> dict[str, tuple[str, float]]:
    """MEF id → (domain name, failure probability) of every event the tree uses."""
    a = plan.assumptions
    events: dict[str, tuple[str, float]] = {}
    for zone in plan.zones:
        if any(zone in plan.services[s].per_zone for s in services):
            events[event_id("zone", zone)] = (zone, 1.0 - a.zone)
    for name in services:
        service = plan.services[name]
        if isinstance(service, ComputeService):
            for instance in plan.instances_of(name):
                events[event_id("instance", instance.name)] = (instance.name, 1.0 - a.instance)
        else:
            own = service.availability(a)
            events[event_id("managed", name)] = (name, 1.0 - own)
    return events


def _connective(op: str, args: list[str], indent: str) -> str:
    if len(args) == 1:
        return f"{indent}{args[0]}\n"
    inner = "".join(f"{indent}  {arg}\n" for arg in args)
    return f"{indent}<{op}>\n{inner}{indent}</{op.split()[0]}>\n"


def _gate(name: str, formula: str) -> str:
    return f"    <define-gate name={quoteattr(name)}>\n{formula}    </define-gate>\n"


def _ref(kind: str, name: str) -> str:
    tag = "gate" if kind == "gate" else "basic-event"
    return f"<{tag} name={quoteattr(name)}/>"


def _own_failure(plan: Plan, service: ServicePlan) -> str:
    """The formula of a service failing on its own."""
    if service.managed:
        zones = [_ref("event", event_id("zone", z)) for z in service.per_zone]
        lost = service.count - service.survivors_needed + 1
        zone_part = (
            zones[0]
            if len(zones) == 1
            else _connective_inline("and", zones)
            if lost >= len(zones)
            else _connective_inline(f'atleast min="{lost}"', zones)
        )
        return _connective(
            "or", [_ref("event", event_id("managed", service.name)), zone_part], "      "
        )
    replicas = [
        _ref("gate", f"replica_{i.name.replace('-', '_')}") for i in plan.instances_of(service.name)
    ]
    lost = service.count - service.survivors_needed + 1
    if len(replicas) == 1 or lost == 1:
        return _connective("or", replicas, "      ")
    if lost == len(replicas):
        return _connective("and", replicas, "      ")
    return _connective(f'atleast min="{lost}"', replicas, "      ")


def _connective_inline(op: str, args: list[str]) -> str:
    return f"<{op}>{''.join(args)}</{op.split()[0]}>"


def mef(analysis: Analysis) -> str:
    """The fault tree of the analysed plan as an Open-PSA MEF document."""
    plan = analysis.plan
    calls = analysis.calls
    services = [name for name in plan.services if name in calls.closure]
    events = basic_events(plan, services)
    gates: list[str] = []
    entries = [_ref("gate", f"down_{e.replace('-', '_')}") for e in plan.entry_services]
    gates.append(_gate(TOP, _connective("or", entries, "      ")))
    for name in services:
        service = plan.services[name]
        key = name.replace("-", "_")
        args = [_ref("gate", f"own_{key}")]
        args += [_ref("gate", f"down_{c.replace('-', '_')}") for c in calls.callees[name]]
        gates.append(_gate(f"down_{key}", _connective("or", args, "      ")))
        gates.append(_gate(f"own_{key}", _own_failure(plan, service)))
        if isinstance(service, ComputeService):
            for instance in plan.instances_of(name):
                pair = [
                    _ref("event", event_id("instance", instance.name)),
                    _ref("event", event_id("zone", instance.zone)),
                ]
                gates.append(
                    _gate(
                        f"replica_{instance.name.replace('-', '_')}",
                        _connective("or", pair, "      "),
                    )
                )
    defined = "".join(
        f"    <define-basic-event name={quoteattr(eid)}>\n"
        f"      <label>{_escape(label)}</label>\n"
        f'      <float value="{probability:.12g}"/>\n'
        "    </define-basic-event>\n"
        for eid, (label, probability) in events.items()
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<opsa-mef>\n"
        f"  <define-fault-tree name={quoteattr(plan.name.replace('-', '_'))}>\n"
        f"    <label>{_escape(plan.name)}: the system is down (an entry service is down)</label>\n"
        + "".join(gates)
        + defined
        + "  </define-fault-tree>\n"
        "</opsa-mef>\n"
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
