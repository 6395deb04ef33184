"""EC2 instances and Auto Scaling groups as compute services.

Instances that form one service are grouped by their ``tiered:service`` tag, else by
what they share (security groups, instance type, image, launch template) and the stem
of their logical ids (``Zookeeper1``, ``Zookeeper2`` → ``zookeeper``). An Auto Scaling
group runs its desired capacity (else its minimum size) spread over the zones of its
subnets, as AWS balances it: that many replicas, active-active. A group of one is one
instance the group relaunches after a failure, with minutes of outage: one replica, no
failover. The group's ``MinSize`` is the floor the group relaunches to, not the number
of replicas the application needs: ``min_healthy`` is left to the owner (tag
``tiered:min-healthy``).
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

from tiered.findings import Location
from tiered.importers.cloudformation.drafts import (
    SERVICE_TAG,
    TIER_TAG,
    Draft,
    failover_from,
    kebab,
    software_from,
)
from tiered.importers.cloudformation.intrinsics import text_of
from tiered.importers.cloudformation.network import Network
from tiered.importers.cloudformation.stack import Key, Universe
from tiered.model import INSTANCE_TYPE_PATTERN
from tiered.software import SOFTWARE

_TYPE = re.compile(INSTANCE_TYPE_PATTERN)


def groups_of(u: Universe, value: Any) -> set[Key]:
    """Security groups named by a list of references (GroupId attributes or Refs)."""
    items = value if isinstance(value, list) else [value]
    found: set[Key] = set()
    for item in items:
        key = u.target("", item)
        if key is not None and u.type_of(key) == "AWS::EC2::SecurityGroup":
            found.add(key)
    return found


class LaunchData:
    """The launch template (or configuration) of an instance or group, read field by field."""

    def __init__(self, u: Universe, key: Key | None, template: bool) -> None:
        self.u, self.key, self.template = u, key, template

    def get(self, field: str, default: Any = None) -> Any:
        if self.key is None:
            return default
        if self.template:
            return self.u.nested(self.key, "LaunchTemplateData", field, default)
        return self.u.prop(self.key, field, default)


def _launch_data(u: Universe, key: Key) -> tuple[LaunchData, Key | None]:
    """The launch template (or configuration) data an instance or group uses."""
    spec = u.prop(key, "LaunchTemplate")
    mixed = u.prop(key, "MixedInstancesPolicy")
    if spec is None and isinstance(mixed, dict):
        spec = (mixed.get("LaunchTemplate") or {}).get("LaunchTemplateSpecification")
    if isinstance(spec, dict):
        target = u.target("", spec.get("LaunchTemplateId", spec.get("LaunchTemplateName")))
        if target is not None:
            return LaunchData(u, target, True), target
    config = u.target("", u.prop(key, "LaunchConfigurationName"))
    if config is not None:
        return LaunchData(u, config, False), config
    return LaunchData(u, None, False), None


def _subnet_of(u: Universe, key: Key, data: LaunchData) -> tuple[Any, Location, set[Key]]:
    """The subnet an instance is placed in, where that is said, and the security groups
    of its primary network interface: its ``SubnetId``, else the primary interface's
    (written in the instance or its launch template, or an ``AWS::EC2::NetworkInterface``
    it attaches by ``NetworkInterfaceId``)."""
    subnet = u.prop(key, "SubnetId")
    if subnet is not None:
        return subnet, u.locate(key, "SubnetId"), set()
    interfaces = u.prop(key, "NetworkInterfaces")
    where = u.locate(key, "NetworkInterfaces")
    if not isinstance(interfaces, list) or not interfaces:
        interfaces = data.get("NetworkInterfaces")
        where = u.locate(data.key, "LaunchTemplateData") if data.key else where
    if not isinstance(interfaces, list):
        return None, where, set()
    cards = [nic for nic in interfaces if isinstance(nic, dict)]
    primary = next((nic for nic in cards if text_of(nic.get("DeviceIndex")) == "0"), None)
    nic = primary or (cards[0] if cards else {})
    groups = groups_of(u, nic.get("GroupSet", nic.get("Groups")))
    attached = u.target("", nic.get("NetworkInterfaceId"))
    if attached is not None and u.type_of(attached) == "AWS::EC2::NetworkInterface":
        groups |= groups_of(u, u.prop(attached, "GroupSet"))
        return u.prop(attached, "SubnetId"), u.locate(attached, "SubnetId"), groups
    return nic.get("SubnetId"), where, groups


def _instance_type(value: Any) -> str | None:
    return value if isinstance(value, str) and _TYPE.match(value) else None


def _apply_kind(
    draft: Draft, tags: dict[str, str], names: list[str], default_failover: str
) -> None:
    software, how = software_from(tags, *names)
    if software is not None:
        if how:
            draft.infer("software", software, how)
        else:
            draft.set("software", software)
    failover = failover_from(tags)
    if failover is not None:
        draft.set("failover", failover)
    else:
        implied = SOFTWARE[software].failover if software else default_failover
        draft.infer(
            "failover",
            implied,
            f"from {'the software' if software else 'the resource type'}; review",
        )


def map_instances(u: Universe, net: Network) -> list[Draft]:
    groups: dict[tuple[Any, ...], list[Key]] = {}
    for key in u.of_type("AWS::EC2::Instance"):
        tags = u.tags(key)
        data, template = _launch_data(u, key)
        security = groups_of(u, u.prop(key, "SecurityGroupIds", u.prop(key, "SecurityGroups")))
        security |= groups_of(u, data.get("SecurityGroupIds", data.get("SecurityGroups")))
        stem = re.sub(r"[-_]?\d+$", "", key[1]) or key[1]
        signature: tuple[Any, ...]
        if SERVICE_TAG in tags:  # one service, even when its instances span nested stacks
            signature = ("tag", tags.get("tiered:topology"), tags[SERVICE_TAG])
        else:
            signature = (
                "shape",
                key[0],
                stem,
                tuple(sorted(security)),
                text_of(u.prop(key, "InstanceType", data.get("InstanceType"))),
                template,
            )
        groups.setdefault(signature, []).append(key)
    drafts = []
    for keys in groups.values():
        first = keys[0]
        tags = u.tags(first)
        data, _ = _launch_data(u, first)
        name = tags.get(SERVICE_TAG) or kebab(re.sub(r"[-_]?\d+$", "", first[1]) or first[1])
        zones, public = [], True
        security = set()
        unplaced: list[Key] = []
        for key in keys:
            subnet, where, nic_groups = _subnet_of(u, key, data)
            security |= nic_groups
            if subnet is not None:
                zones.append(net.zone_of(subnet, where))
                public = public and net.is_public(subnet)
            elif isinstance(u.prop(key, "AvailabilityZone"), str):
                zones.append(u.prop(key, "AvailabilityZone"))
                public = False
            else:
                unplaced.append(key)
                zones.append("")
                public = False
            security |= groups_of(u, u.prop(key, "SecurityGroupIds", u.prop(key, "SecurityGroups")))
            security |= groups_of(u, data.get("SecurityGroupIds", data.get("SecurityGroups")))
        if unplaced:
            what = u.display(*unplaced[0]) + (
                f" and {len(unplaced) - 1} more instances" if len(unplaced) > 1 else ""
            )
            zone = net.default_zones(what, u.locate(unplaced[0]))[0]
            zones = [z or zone for z in zones]
        draft = Draft(
            name=name,
            kind="compute",
            role="application",
            keys=keys,
            location=u.locate(first),
            zones=zones,
            groups=security,
            tier=tags.get(TIER_TAG),
            public=public,
            tags=tags,
            comment="EC2 instance" + ("s" if len(keys) > 1 else ""),
        )
        instance_type = _instance_type(u.prop(first, "InstanceType", data.get("InstanceType")))
        if instance_type:
            draft.set("instance_type", instance_type, u.locate(first, "InstanceType"))
        _apply_kind(draft, tags, [k[1] for k in keys] + [tags.get("Name", "")], "active-active")
        if len(keys) == 1 and "tiered:failover" not in tags:
            draft.infer("failover", "none", "a single instance; review")
        draft.set("count", len(keys), u.locate(first))
        drafts.append(draft)
    return drafts


def map_groups(u: Universe, net: Network) -> list[Draft]:
    drafts = []
    for key in u.of_type("AWS::AutoScaling::AutoScalingGroup"):
        tags = u.tags(key)
        data, template = _launch_data(u, key)
        subnets = u.prop(key, "VPCZoneIdentifier")
        where = u.locate(key, "VPCZoneIdentifier")
        if subnets is not None:
            zones = net.subnet_zones(subnets, where)
            public = all(net.is_public(s) for s in subnets) if isinstance(subnets, list) else False
        else:
            listed = u.prop(key, "AvailabilityZones")
            where = u.locate(key, "AvailabilityZones")
            zones = [z for z in listed if isinstance(z, str)] if isinstance(listed, list) else []
            if not zones:
                zones = [net.zone_of(listed, where)]
            public = False
        sizes = _sizes(u, key)
        count = max(1, sizes.get("DesiredCapacity", sizes.get("MinSize", 1)))
        draft = Draft(
            name=tags.get(SERVICE_TAG) or kebab(key[1]),
            kind="compute",
            role="application",
            keys=[key] + ([template] if template else []),
            location=u.locate(key),
            zones=[zones[i % len(zones)] for i in range(count)],
            groups=groups_of(u, data.get("SecurityGroupIds", data.get("SecurityGroups"))),
            tier=tags.get(TIER_TAG),
            public=public,
            tags=tags,
            comment="Auto Scaling group",
        )
        instance_type = _instance_type(data.get("InstanceType"))
        if instance_type:
            draft.set("instance_type", instance_type)
        _apply_kind(draft, tags, [key[1], tags.get("Name", "")], "active-active")
        field = "DesiredCapacity" if "DesiredCapacity" in sizes else "MinSize"
        draft.set("count", count, u.locate(key, field))
        if count == 1:
            _group_of_one(u, key, draft, sizes, len(zones))
        elif "tiered:failover" not in tags:
            draft.infer(
                "failover",
                "active-active",
                "an Auto Scaling group: every instance serves, lost ones are relaunched",
            )
        drafts.append(draft)
    return drafts


def _sizes(u: Universe, key: Key) -> dict[str, int]:
    """MinSize, DesiredCapacity and MaxSize as far as the template determines them."""
    sizes: dict[str, int] = {}
    for field in ("MinSize", "DesiredCapacity", "MaxSize"):
        value = u.prop(key, field)
        with contextlib.suppress(ValueError):
            sizes[field] = max(0, int(text_of(value)))
        if value is not None and field not in sizes:
            u.report.note(
                u.locate(key, field),
                f"{u.display(*key)}: {field} is not determined by the template"
                + (" (give its parameter with --param)" if field != "MaxSize" else ""),
            )
    return sizes


def _group_of_one(u: Universe, key: Key, draft: Draft, sizes: dict[str, int], zones: int) -> None:
    """A group that runs one instance: one replica the group relaunches, not two."""
    bound = f"MinSize {sizes.get('MinSize', '?')}, MaxSize {sizes.get('MaxSize', '?')}"
    if "DesiredCapacity" in sizes:
        bound += f", DesiredCapacity {sizes['DesiredCapacity']}"
    if "tiered:failover" not in draft.tags:
        draft.infer("failover", "none", "an Auto Scaling group of one instance: no replica")
    relaunch = "an outage of about 5–15 minutes (launch, boot, health checks)"
    if zones > 1:
        recovery = (
            "when the instance or its zone fails, the group launches a new one in another "
            f"of its zones: {relaunch}"
        )
    else:
        recovery = (
            f"when the instance fails, the group launches a new one: {relaunch}; when its "
            "one zone fails, until the zone is back"
        )
    u.report.note(
        u.locate(key),
        f"{u.display(*key)}: an Auto Scaling group of one instance ({bound}): {recovery} — "
        "a single point of failure with that recovery time, not a replica",
    )
