"""EFS: an encrypted file system per ``kind: filesystem`` service, a mount target per zone.

Mount targets take the plan's addresses (the top of each subnet), so no dynamic address
collides with a planned one. The file system is retained when the stack is deleted.
"""

from __future__ import annotations

from tiered.placement.plan import FilesystemService, Plan
from tiered.renderers.cloudformation.ids import logical_id
from tiered.renderers.cloudformation.network import subnet_id
from tiered.renderers.cloudformation.security import group_id
from tiered.renderers.cloudformation.tags import tags
from tiered.renderers.cloudformation.template import Template, get_att, ref


def filesystem_id(service: str) -> str:
    return logical_id("FileSystem", service)


def mount_target_id(service: str, zone: str) -> str:
    return logical_id("MountTarget", service, zone)


def add_filesystems(template: Template, plan: Plan) -> None:
    for service in plan.services.values():
        if not isinstance(service, FilesystemService):
            continue
        logical = template.add(
            filesystem_id(service.name),
            "AWS::EFS::FileSystem",
            {
                "BackupPolicy": {"Status": "ENABLED"},
                "Encrypted": True,
                "FileSystemTags": tags(plan.name, service.name, service.tier, service.name),
                "LifecyclePolicies": [{"TransitionToIA": "AFTER_30_DAYS"}],
                "PerformanceMode": "generalPurpose",
                "ThroughputMode": "elastic",
            },
            source=f"file system {service.name}",
            group=service.tier,
            unit=service.name,
            DeletionPolicy="Retain",
            UpdateReplacePolicy="Retain",
        )
        for endpoint in plan.managed:
            if endpoint.service != service.name:
                continue
            template.add(
                mount_target_id(service.name, endpoint.zone),
                "AWS::EFS::MountTarget",
                {
                    "FileSystemId": ref(logical),
                    "IpAddress": str(endpoint.ip),
                    "SecurityGroups": [get_att(group_id(service.name), "GroupId")],
                    "SubnetId": ref(subnet_id(endpoint.subnet)),
                },
                source=f"mount target {endpoint.name}",
                group=service.tier,
                unit=service.name,
            )
        template.output(
            logical_id("FileSystemId", service.name),
            f"id of file system {service.name}",
            ref(logical),
        )
