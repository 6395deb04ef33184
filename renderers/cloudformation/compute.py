"""EC2: one instance per compute replica, at the plan's subnet and private address.

Instances share an instance profile carrying the SSM managed policy (Session Manager
instead of SSH; ``KeyName`` is an optional parameter; services whose boot reads secrets get
their own, see ``boot``). Each compute service has a launch template of its own (IMDSv2
enforced, volumes tagged), so that changing one service's template creates a new version
that only its own instances follow: an instance's ``LaunchTemplate`` cannot change without
replacing the instance. The image is the ``AmiId`` parameter, an explicit id kept across
stack updates (see ``parameters``). Each instance boots from its user data and signals
CloudFormation (``boot``). Each instance gets a CloudWatch alarm that recovers it on a
failed system status check.

First boot by construction: an instance is created only once what its boot needs exists
(``tiered.first_boot`` checks the template). Every instance depends on its subnet's route
table association and that table's default route, and on the mount target, in its zone, of
each file system it mounts (databases it reads are named in its user data, hence waited for).
An instance of a public tier launches on a network interface of its own whose Elastic IP is
associated before the instance is created: its boot reaches the internet from its first
packet, with the address it keeps. The Elastic IP is associated with the interface, never
with the instance, so it is not replaced with the instance and the DNS records and health
checks naming it stay valid. (A public address on launch instead would give the boot a
temporary address and move the Elastic IP onto the instance only after its signal.)
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tiered.placement.plan import Instance, Plan
from tiered.renderers.cloudformation.filesystem import mount_target_id
from tiered.renderers.cloudformation.ids import logical_id
from tiered.renderers.cloudformation.network import ATTACHMENT, egress, subnet_id
from tiered.renderers.cloudformation.parameters import HAS_KEY_NAME, KEY_NAME, ami_parameter
from tiered.renderers.cloudformation.security import group_id
from tiered.renderers.cloudformation.tags import kind_tags, tags
from tiered.renderers.cloudformation.template import Json, Template, get_att, ref, sub
from tiered.renderers.config.heap import DEFAULT_INSTANCE_TYPE

if TYPE_CHECKING:  # boot imports this module
    from tiered.renderers.cloudformation.boot import Delivery

ROLE, PROFILE = "InstanceRole", "InstanceProfile"
#: Graviton instance families (t4g, m7g, c6gn, r8gd ...) boot arm64 images.
ARM_FAMILY = re.compile(r"^[a-z]+[0-9]+g[a-z]*\.")


def architecture(instance_type: str) -> str:
    return "arm64" if ARM_FAMILY.match(instance_type) else "x86_64"


def instance_id(name: str) -> str:
    return logical_id("Instance", name)


def eip_id(name: str) -> str:
    return logical_id("Eip", name)


def interface_id(name: str) -> str:
    return logical_id("NetworkInterface", name)


def eip_association_id(name: str) -> str:
    return logical_id("EipAssociation", name)


def launch_template_id(service: str) -> str:
    return logical_id("LaunchTemplate", service)


def add_instance_profile(template: Template, plan: Plan) -> None:
    """The role and instance profile every instance shares."""
    add_role_and_profile(
        template,
        ROLE,
        PROFILE,
        f"{plan.name}: instances, managed through SSM Session Manager",
        tags(plan.name, "instance-role"),
        "the instance",
    )


def add_role_and_profile(
    template: Template, role: str, profile: str, description: str, role_tags: list[Json], what: str
) -> None:
    """An EC2 role (SSM Session Manager instead of SSH) and the instance profile holding it."""
    template.add(
        role,
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": {
                "Statement": [
                    {
                        "Action": "sts:AssumeRole",
                        "Effect": "Allow",
                        "Principal": {"Service": "ec2.amazonaws.com"},
                    }
                ],
                "Version": "2012-10-17",
            },
            "Description": description,
            "ManagedPolicyArns": [
                sub("arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore")
            ],
            "Tags": role_tags,
        },
        source=f"{what} role",
    )
    template.add(
        profile, "AWS::IAM::InstanceProfile", {"Roles": [ref(role)]}, source=f"{what} profile"
    )


def add_launch_templates(template: Template, plan: Plan) -> None:
    """A launch template per compute service: one service's change never touches another's."""
    for service in plan.services.values():
        if not service.instances:
            continue
        template.add(
            launch_template_id(service.name),
            "AWS::EC2::LaunchTemplate",
            {
                "LaunchTemplateData": {
                    "MetadataOptions": {
                        "HttpEndpoint": "enabled",
                        "HttpPutResponseHopLimit": 1,
                        "HttpTokens": "required",
                    },
                    "TagSpecifications": [
                        {
                            "ResourceType": "volume",
                            "Tags": tags(
                                plan.name, f"{service.name}-volume", service.tier, service.name
                            ),
                        }
                    ],
                },
                "TagSpecifications": [
                    {
                        "ResourceType": "launch-template",
                        "Tags": tags(
                            plan.name, f"{service.name}-launch-template", service.tier, service.name
                        ),
                    }
                ],
            },
            source=f"the launch template of {service.name}",
        )


def add_instances(template: Template, plan: Plan, boot: Delivery) -> None:
    """An instance and its recovery alarm per replica (public tiers: its interface and
    Elastic IP), created after what its boot needs."""
    public = {tier.name for tier in plan.tiers if tier.public}
    subnets = {subnet.name: subnet for subnet in plan.subnets}
    mounted = _mount_targets(plan)
    for instance in plan.instances:
        service = plan.services[instance.service]
        instance_type = service.instance_type or DEFAULT_INSTANCE_TYPE
        unit = instance.name
        needs = egress(subnets[instance.subnet]) + [
            mounted[(name, instance.zone)]
            for name in service.depends_on
            if (name, instance.zone) in mounted
        ]
        placement: Json = {
            "PrivateIpAddress": str(instance.ip),
            "SecurityGroupIds": [get_att(group_id(service.name), "GroupId")],
            "SubnetId": ref(subnet_id(instance.subnet)),
        }
        if instance.tier in public:
            needs.insert(0, _public_interface(template, plan, instance))
            placement = {
                "NetworkInterfaces": [
                    {"DeviceIndex": "0", "NetworkInterfaceId": ref(interface_id(instance.name))}
                ]
            }
        logical = template.add(
            instance_id(instance.name),
            "AWS::EC2::Instance",
            {
                "IamInstanceProfile": boot.profile(instance),
                "ImageId": ref(ami_parameter(architecture(instance_type))),
                "InstanceType": instance_type,
                "KeyName": {"Fn::If": [HAS_KEY_NAME, ref(KEY_NAME), ref("AWS::NoValue")]},
                "LaunchTemplate": {
                    "LaunchTemplateId": ref(launch_template_id(service.name)),
                    "Version": get_att(launch_template_id(service.name), "LatestVersionNumber"),
                },
                "Monitoring": True,
                **placement,
                "Tags": _instance_tags(plan, instance),
                "UserData": boot.user_data(instance),
            },
            source=f"instance {instance.name}",
            group=instance.tier,
            unit=unit,
            CreationPolicy=boot.creation_policy(instance),
            DependsOn=needs,
        )
        template.add(
            logical_id("RecoveryAlarm", instance.name),
            "AWS::CloudWatch::Alarm",
            {
                "AlarmActions": [sub("arn:${AWS::Partition}:automate:${AWS::Region}:ec2:recover")],
                "AlarmDescription": f"recover {instance.name} when its host fails the "
                "system status check",
                "ComparisonOperator": "GreaterThanThreshold",
                "Dimensions": [{"Name": "InstanceId", "Value": ref(logical)}],
                "EvaluationPeriods": 2,
                "MetricName": "StatusCheckFailed_System",
                "Namespace": "AWS/EC2",
                "Period": 60,
                "Statistic": "Maximum",
                "Tags": tags(
                    plan.name, f"{instance.name}-recovery", instance.tier, instance.service
                ),
                "Threshold": 0,
            },
            source=f"instance {instance.name}",
            group=instance.tier,
            unit=unit,
        )


def _mount_targets(plan: Plan) -> dict[tuple[str, str], str]:
    """The mount target of each file system in each zone it serves."""
    return {
        (endpoint.service, endpoint.zone): mount_target_id(endpoint.service, endpoint.zone)
        for endpoint in plan.managed
        if endpoint.kind == "filesystem"
    }


def _public_interface(template: Template, plan: Plan, instance: Instance) -> str:
    """The network interface, Elastic IP and association a public instance launches on;
    the association's id, which the instance waits for."""
    service = plan.services[instance.service]
    source, group, unit = f"instance {instance.name}", instance.tier, instance.name
    interface = template.add(
        interface_id(instance.name),
        "AWS::EC2::NetworkInterface",
        {
            "Description": f"{plan.name}: {instance.name}, with its Elastic IP from launch",
            "GroupSet": [get_att(group_id(service.name), "GroupId")],
            "PrivateIpAddress": str(instance.ip),
            "SubnetId": ref(subnet_id(instance.subnet)),
            "Tags": tags(plan.name, instance.name, instance.tier, instance.service),
        },
        source=source,
        group=group,
        unit=unit,
    )
    eip = template.add(
        eip_id(instance.name),
        "AWS::EC2::EIP",
        {
            "Domain": "vpc",
            "Tags": tags(plan.name, instance.name, instance.tier, instance.service),
        },
        source=source,
        group=group,
        unit=unit,
        DependsOn=ATTACHMENT,
    )
    return template.add(
        eip_association_id(instance.name),
        "AWS::EC2::EIPAssociation",
        {"AllocationId": get_att(eip, "AllocationId"), "NetworkInterfaceId": ref(interface)},
        source=source,
        group=group,
        unit=unit,
    )


def _instance_tags(plan: Plan, instance: Instance) -> list[dict[str, str]]:
    extra = [
        {"Key": "tiered:role", "Value": instance.role},
        {"Key": "tiered:zone", "Value": instance.zone},
    ]
    service = plan.services[instance.service]
    combined = tags(plan.name, instance.name, instance.tier, instance.service) + extra
    combined += kind_tags(service)
    return sorted(combined, key=lambda tag: tag["Key"])
