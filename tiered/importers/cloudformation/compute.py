"""EC2 instances and Auto Scaling groups as compute services.

Instances that form one service are grouped by their ``tiered:service`` tag, else by
what they share (security groups, instance type, image, launch template) and the stem
of their logical ids (``Zookeeper1``, ``Zookeeper2`` → ``zookeeper``). An Auto Scaling
group is an active-active service over the zones of its subnets; it relaunches lost
instances in its other zones, so it is modelled with at least one replica per zone and
``min_healthy`` from its minimum size.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

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
            subnet = u.prop(key, "SubnetId")
            interfaces = u.prop(key, "NetworkInterfaces")
            if subnet is None and isinstance(interfaces, list) and interfaces:
                first_nic = interfaces[0] if isinstance(interfaces[0], dict) else {}
                # an interface of its own (an Elastic IP from launch): its subnet and groups
                eni = u.target(key[0], first_nic.get("NetworkInterfaceId"))
                if eni is not None and u.type_of(eni) == "AWS::EC2::NetworkInterface":
                    first_nic = u.properties(eni)
                subnet = first_nic.get("SubnetId")
                security |= groups_of(u, first_nic.get("GroupSet"))
            if subnet is not None:
                zones.append(net.zone_of(subnet, u.locate(key, "SubnetId")))
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
        sizes = {}
        for field in ("MinSize", "DesiredCapacity", "MaxSize"):
            with contextlib.suppress(ValueError):
                sizes[field] = int(text_of(u.prop(key, field)))
        size = sizes.get("DesiredCapacity", sizes.get("MinSize", 1))
        minimum = max(1, sizes.get("MinSize", 1))
        count = max(size, len(zones), 1)
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
        if "tiered:failover" not in tags:
            draft.infer(
                "failover",
                "active-active",
                "an Auto Scaling group: every instance serves, lost ones are relaunched",
            )
        if count > size:
            draft.infer(
                "count",
                count,
                f"the group holds {size} but relaunches lost instances in its other zones: "
                f"one replica per zone of its {len(zones)}",
            )
        else:
            draft.set(
                "count",
                count,
                u.locate(key, "DesiredCapacity" if "DesiredCapacity" in sizes else "MinSize"),
            )
        draft.set("min_healthy", min(minimum, count), u.locate(key, "MinSize"))
        drafts.append(draft)
    return drafts
