"""EC2: one instance per compute replica, at the plan's subnet and private address.

All instances share an instance profile carrying the SSM managed policy (Session
Manager instead of SSH; ``KeyName`` is an optional parameter) and a launch template
that enforces IMDSv2. Each instance gets a CloudWatch alarm that recovers it on a
failed system status check, and instances of public tiers get an Elastic IP.
"""

from __future__ import annotations

import re

from tiered.placement.plan import Instance, Plan
from tiered.renderers.cloudformation.ids import logical_id
from tiered.renderers.cloudformation.network import ATTACHMENT, subnet_id
from tiered.renderers.cloudformation.parameters import HAS_KEY_NAME, KEY_NAME, ami_parameter
from tiered.renderers.cloudformation.security import group_id
from tiered.renderers.cloudformation.tags import kind_tags, tags
from tiered.renderers.cloudformation.template import Template, get_att, ref, sub

ROLE, PROFILE, LAUNCH_TEMPLATE = "InstanceRole", "InstanceProfile", "LaunchTemplate"
#: Graviton instance families (t4g, m7g, c6gn, r8gd ...) boot arm64 images.
ARM_FAMILY = re.compile(r"^[a-z]+[0-9]+g[a-z]*\.")
DEFAULT_INSTANCE_TYPE = "t3.micro"


def architecture(instance_type: str) -> str:
    return "arm64" if ARM_FAMILY.match(instance_type) else "x86_64"


def instance_id(name: str) -> str:
    return logical_id("Instance", name)


def eip_id(name: str) -> str:
    return logical_id("Eip", name)


def add_instance_profile(template: Template, plan: Plan) -> None:
    """The role, instance profile and launch template every instance shares."""
    template.add(
        ROLE,
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
            "Description": f"{plan.name}: instances, managed through SSM Session Manager",
            "ManagedPolicyArns": [
                sub("arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore")
            ],
            "Tags": tags(plan.name, "instance-role"),
        },
        source="the instance role",
    )
    template.add(
        PROFILE,
        "AWS::IAM::InstanceProfile",
        {"Roles": [ref(ROLE)]},
        source="the instance profile",
    )
    template.add(
        LAUNCH_TEMPLATE,
        "AWS::EC2::LaunchTemplate",
        {
            "LaunchTemplateData": {
                "MetadataOptions": {
                    "HttpEndpoint": "enabled",
                    "HttpPutResponseHopLimit": 1,
                    "HttpTokens": "required",
                },
                "TagSpecifications": [
                    {"ResourceType": "volume", "Tags": tags(plan.name, "volume")}
                ],
            },
            "TagSpecifications": [
                {"ResourceType": "launch-template", "Tags": tags(plan.name, "launch-template")}
            ],
        },
        source="the launch template",
    )


def add_instances(template: Template, plan: Plan) -> None:
    """An instance, its recovery alarm and (public tiers) its Elastic IP per replica."""
    public = {tier.name for tier in plan.tiers if tier.public}
    for instance in plan.instances:
        service = plan.services[instance.service]
        instance_type = service.instance_type or DEFAULT_INSTANCE_TYPE
        unit = instance.name
        logical = template.add(
            instance_id(instance.name),
            "AWS::EC2::Instance",
            {
                "IamInstanceProfile": ref(PROFILE),
                "ImageId": ref(ami_parameter(architecture(instance_type))),
                "InstanceType": instance_type,
                "KeyName": {"Fn::If": [HAS_KEY_NAME, ref(KEY_NAME), ref("AWS::NoValue")]},
                "LaunchTemplate": {
                    "LaunchTemplateId": ref(LAUNCH_TEMPLATE),
                    "Version": get_att(LAUNCH_TEMPLATE, "LatestVersionNumber"),
                },
                "Monitoring": True,
                "PrivateIpAddress": str(instance.ip),
                "SecurityGroupIds": [get_att(group_id(service.name), "GroupId")],
                "SubnetId": ref(subnet_id(instance.subnet)),
                "Tags": _instance_tags(plan, instance),
            },
            source=f"instance {instance.name}",
            group=instance.tier,
            unit=unit,
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
        if instance.tier in public:
            template.add(
                eip_id(instance.name),
                "AWS::EC2::EIP",
                {
                    "Domain": "vpc",
                    "InstanceId": ref(logical),
                    "Tags": tags(plan.name, instance.name, instance.tier, instance.service),
                },
                source=f"instance {instance.name}",
                group=instance.tier,
                unit=unit,
                DependsOn=ATTACHMENT,
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
