"""Dependencies and routes between services.

* Security groups: a group open to another group on a port means the services in the
  source group call the services in the target group (caller → callee, on that port);
  ``access`` reads every place a group is attached and every way a rule names its
  source. A rule for SSH or RDP only is management access, not a dependency.
* References to another resource's endpoint (``!GetAtt Db.Endpoint.Address`` in a
  service's properties, user data included) are dependencies too.
* A load balancer's routes reach a target group; the services behind it are the Auto
  Scaling groups naming it and the instances registered in it.
"""

from __future__ import annotations

import re
from typing import Any

from tiered.importers.cloudformation.access import Rule, attached_groups, rules
from tiered.importers.cloudformation.balancers import health_check
from tiered.importers.cloudformation.drafts import Draft
from tiered.importers.cloudformation.stack import Key, Universe

_ENDPOINT = re.compile(r"endpoint|dnsname|dns_name|arn$", re.IGNORECASE)
_SUB_ATT = re.compile(r"\$\{([A-Za-z0-9]+)\.([A-Za-z0-9.]+)\}")


def world_ports(u: Universe, group: Key) -> list[int]:
    ports = []
    for rule in u.prop(group, "SecurityGroupIngress") or []:
        if isinstance(rule, dict) and rule.get("CidrIp") == "0.0.0.0/0":
            try:
                ports.append(int(str(rule.get("FromPort"))))
            except ValueError:
                continue
    return ports


def _references(data: Any, found: set[str]) -> None:
    if isinstance(data, dict):
        if len(data) == 1:
            ((name, argument),) = data.items()
            if name == "Fn::GetAtt":
                parts = argument.split(".", 1) if isinstance(argument, str) else argument
                if (
                    isinstance(parts, list)
                    and len(parts) == 2
                    and isinstance(parts[1], str)
                    and _ENDPOINT.search(parts[1])
                ):
                    found.add(str(parts[0]))
            elif name == "Fn::Sub":
                text = argument[0] if isinstance(argument, list) and argument else argument
                if isinstance(text, str):
                    for logical, attribute in _SUB_ATT.findall(text):
                        if _ENDPOINT.search(attribute):
                            found.add(logical)
        for item in data.values():
            _references(item, found)
    elif isinstance(data, list):
        for item in data:
            _references(item, found)


def link(u: Universe, drafts: list[Draft], balancer_of_group: dict[Key, Key]) -> None:
    """Fill routes and ``depends`` of the drafts; ports of callees from the ingress rules."""
    owner: dict[Key, Draft] = {}
    for draft in drafts:
        for key in draft.keys:
            owner.setdefault(key, draft)
            draft.groups |= attached_groups(u, key)
    by_group: dict[Key, list[Draft]] = {}
    for draft in drafts:
        for group in sorted(draft.groups):
            by_group.setdefault(group, []).append(draft)
    # routes: target groups → services behind them
    behind: dict[Key, list[Draft]] = {}
    for draft in drafts:
        for key in draft.keys:
            if u.type_of(key) == "AWS::AutoScaling::AutoScalingGroup":
                for arn in u.prop(key, "TargetGroupARNs") or []:
                    named = u.target("", arn)
                    if named is not None:
                        behind.setdefault(named, []).append(draft)
    for group in u.of_type("AWS::ElasticLoadBalancingV2::TargetGroup"):
        for target in u.prop(group, "Targets") or []:
            member = u.target("", target.get("Id") if isinstance(target, dict) else None)
            if member is not None and member in owner:
                behind.setdefault(group, []).append(owner[member])
    routed: set[tuple[str, str]] = set()
    for draft in drafts:
        resolved: list[tuple[str, str]] = []
        for path, target in draft.routes:
            targets = behind.get(target, []) or ([owner[target]] if target in owner else [])
            for service in targets:
                if (path, service.name) in resolved or service is draft:
                    continue
                resolved.append((path, service.name))
                routed.add((draft.name, service.name))
                if u.type_of(target) == "AWS::ElasticLoadBalancingV2::TargetGroup":
                    if target not in draft.keys:
                        draft.keys.append(target)
                    check = health_check(u, target)
                    if check and "health_check" not in service.fields:
                        service.set("health_check", check, u.locate(target))
                    port = u.prop(target, "Port")
                    if "port" not in service.fields and str(port).isdigit():
                        service.set("port", int(str(port)), u.locate(target, "Port"))
        if resolved:
            draft.set("routes", [{"path": p, "to": name} for p, name in resolved])
    for draft in drafts:
        for route in draft.fields.get("routes", []):
            routed.add((draft.name, route["to"]))
    # dependencies: security groups, then endpoint references
    for rule in rules(u):
        source, target, port = rule.source, rule.target, rule.port
        callers = by_group.get(source) or ([owner[source]] if source in owner else [])
        for caller in callers:
            for callee in by_group.get(target, []):
                if caller is callee:
                    continue
                if rule.management:
                    _management_note(u, rule, caller, callee)
                    continue
                if port and "port" not in callee.fields and callee.kind == "compute":
                    callee.set("port", port, u.locate(target))
                if (caller.name, callee.name) in routed:
                    continue
                if callee.name not in caller.depends:
                    caller.depends.append(callee.name)
    for draft in drafts:
        found: set[str] = set()
        for key in draft.keys:
            _references(u.raw(key).get("Properties", {}), found)
        for logical in sorted(found):
            callee_of = owner.get((draft.keys[0][0], logical))
            if (
                callee_of is not None
                and callee_of is not draft
                and callee_of.name not in draft.depends
                and (draft.name, callee_of.name) not in routed
            ):
                draft.depends.append(callee_of.name)
    for draft in drafts:
        for group in sorted(draft.groups):
            ports = world_ports(u, group)
            if ports and draft.public and "listen" not in draft.fields:
                draft.set("listen", sorted(set(ports)), u.locate(group))


def _management_note(u: Universe, rule: Rule, caller: Draft, callee: Draft) -> None:
    u.report.note(
        rule.where,
        f"{caller.name} may reach {callee.name} on {rule.management} (port {rule.port}): "
        "management access, not a runtime dependency (no depends_on)",
    )
