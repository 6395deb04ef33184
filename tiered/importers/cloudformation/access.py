"""Who may call whom: the security groups of every resource, and the rules between them.

AWS lets a security group be attached in many places, and a rule name its source in
several ways; each is read here, so that a dependency is not lost because it was written
the other way:

* attached: an instance's ``SecurityGroupIds``/``SecurityGroups`` and its network
  interfaces' ``GroupSet``; a launch template's ``SecurityGroupIds``/``SecurityGroups``
  and its network interfaces' ``Groups``; a launch configuration's ``SecurityGroups``; a
  database's ``VPCSecurityGroups``/``VpcSecurityGroupIds`` and classic ``DBSecurityGroups``;
  a cache's ``SecurityGroupIds`` and ``CacheSecurityGroupNames``; a load balancer's and a
  mount target's ``SecurityGroups``.
* rules: a security group's ingress (inline or ``SecurityGroupIngress``) from a group by
  id or by name, or from a classic load balancer's ``SourceSecurityGroup``; a classic
  ``DBSecurityGroup``'s ingress (inline or ``DBSecurityGroupIngress``) and a classic
  cache security group's ingress from an EC2 security group.

Management access (SSH on 22, RDP on 3389: an operator from a bastion) is not a runtime
dependency: such a rule is kept apart, not turned into ``depends_on``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tiered.findings import Location
from tiered.importers.cloudformation.intrinsics import text_of
from tiered.importers.cloudformation.stack import Key, Universe

GROUP_TYPES = frozenset(
    {
        "AWS::EC2::SecurityGroup",
        "AWS::RDS::DBSecurityGroup",
        "AWS::ElastiCache::SecurityGroup",
    }
)
#: Ports of management access (SSH, RDP), not of a service's requests.
MANAGEMENT_PORTS = {22: "SSH", 3389: "RDP"}
_LAUNCH_TEMPLATE_GROUPS = ("SecurityGroupIds", "SecurityGroups")


@dataclass(frozen=True, slots=True)
class Rule:
    """Resources in (or being) ``source`` may open connections to resources in ``target``."""

    source: Key
    target: Key
    port: int | None
    management: str | None  # "SSH" or "RDP" when the rule is management access only
    where: Location


def groups_in(u: Universe, value: Any) -> set[Key]:
    """The security groups (of any kind) a value or a list of values names."""
    items = value if isinstance(value, list) else [value]
    found: set[Key] = set()
    for item in items:
        key = u.target("", item)
        if key is not None and u.type_of(key) in GROUP_TYPES:
            found.add(key)
    return found


def _interface_groups(u: Universe, interfaces: Any, field: str) -> set[Key]:
    found: set[Key] = set()
    for interface in interfaces if isinstance(interfaces, list) else []:
        if isinstance(interface, dict):
            found |= groups_in(u, interface.get(field))
    return found


def _launch_template_groups(u: Universe, key: Key) -> set[Key]:
    spec = u.prop(key, "LaunchTemplate")
    mixed = u.prop(key, "MixedInstancesPolicy")
    if spec is None and isinstance(mixed, dict):
        spec = (mixed.get("LaunchTemplate") or {}).get("LaunchTemplateSpecification")
    found: set[Key] = set()
    if isinstance(spec, dict):
        template = u.target("", spec.get("LaunchTemplateId", spec.get("LaunchTemplateName")))
        if template is not None and u.type_of(template) == "AWS::EC2::LaunchTemplate":
            for field in _LAUNCH_TEMPLATE_GROUPS:
                found |= groups_in(u, u.nested(template, "LaunchTemplateData", field))
            interfaces = u.nested(template, "LaunchTemplateData", "NetworkInterfaces")
            found |= _interface_groups(u, interfaces, "Groups")
    configuration = u.target("", u.prop(key, "LaunchConfigurationName"))
    if configuration is not None:
        found |= groups_in(u, u.prop(configuration, "SecurityGroups"))
    return found


def attached_groups(u: Universe, key: Key) -> set[Key]:
    """Every security group attached to a resource, wherever the template attaches it."""
    kind = u.type_of(key)
    found: set[Key] = set()
    if kind in ("AWS::EC2::Instance", "AWS::AutoScaling::AutoScalingGroup"):
        for field in ("SecurityGroupIds", "SecurityGroups"):
            found |= groups_in(u, u.prop(key, field))
        found |= _interface_groups(u, u.prop(key, "NetworkInterfaces"), "GroupSet")
        found |= _launch_template_groups(u, key)
    elif kind == "AWS::RDS::DBInstance":
        for field in ("VPCSecurityGroups", "DBSecurityGroups"):
            found |= groups_in(u, u.prop(key, field))
    elif kind == "AWS::RDS::DBCluster":
        found |= groups_in(u, u.prop(key, "VpcSecurityGroupIds"))
    elif kind.startswith("AWS::ElastiCache::"):
        for field in ("SecurityGroupIds", "CacheSecurityGroupNames", "VpcSecurityGroupIds"):
            found |= groups_in(u, u.prop(key, field))
    else:
        found |= groups_in(u, u.prop(key, "SecurityGroups"))
    return found


def _port_range(rule: dict[str, Any]) -> tuple[int | None, int | None]:
    def number(value: Any) -> int | None:
        try:
            return int(text_of(value))
        except ValueError:
            return None

    low, high = number(rule.get("FromPort")), number(rule.get("ToPort"))
    return low, high if high is not None else low


def _management(rule: dict[str, Any]) -> str | None:
    low, high = _port_range(rule)
    protocol = text_of(rule.get("IpProtocol", "tcp")).lower()
    if low is not None and low == high and protocol in ("tcp", "6"):
        return MANAGEMENT_PORTS.get(low)
    return None


def rules(u: Universe) -> list[Rule]:
    """Every group-to-group (or balancer-to-group) rule of the template, in order."""
    found: list[Rule] = []

    def add(target: Key | None, rule: Any, where: Location, source_fields: tuple[str, ...]) -> None:
        if target is None or not isinstance(rule, dict):
            return
        for field in source_fields:
            source = u.target("", rule.get(field))
            if source is not None:
                port, _ = _port_range(rule)
                found.append(Rule(source, target, port, _management(rule), where))
                return

    ec2 = ("SourceSecurityGroupId", "SourceSecurityGroupName")
    classic = ("EC2SecurityGroupId", "EC2SecurityGroupName")
    for group in u.of_type("AWS::EC2::SecurityGroup"):
        for index, rule in enumerate(u.prop(group, "SecurityGroupIngress") or []):
            add(group, rule, u.locate(group, "SecurityGroupIngress", index), ec2)
    for ingress in u.of_type("AWS::EC2::SecurityGroupIngress"):
        target = u.target("", u.prop(ingress, "GroupId", u.prop(ingress, "GroupName")))
        add(target, u.properties(ingress), u.locate(ingress), ec2)
    for group in u.of_type("AWS::RDS::DBSecurityGroup"):
        for index, rule in enumerate(u.prop(group, "DBSecurityGroupIngress") or []):
            add(group, rule, u.locate(group, "DBSecurityGroupIngress", index), classic)
    for ingress in u.of_type("AWS::RDS::DBSecurityGroupIngress"):
        target = u.target("", u.prop(ingress, "DBSecurityGroupName"))
        add(target, u.properties(ingress), u.locate(ingress), classic)
    for ingress in u.of_type("AWS::ElastiCache::SecurityGroupIngress"):
        target = u.target("", u.prop(ingress, "CacheSecurityGroupName"))
        add(target, u.properties(ingress), u.locate(ingress), classic)
    return found
