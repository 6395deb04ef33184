"""The FIS stack: one ``AWS::FIS::ExperimentTemplate`` per experiment, its role and log group.

The stack is deployed beside the main one. What it needs from it comes in as parameters:
the VPC id (output ``VpcId``), the zones (the main stack's zone parameters, same names and
defaults) and the alarm that stops every experiment. Targets select by the tags the
CloudFormation renderer writes, narrowed by the VPC and the zone, so nothing outside the
topology can be hit; the role may only act on resources carrying the topology's tag.
"""

from __future__ import annotations

import re

from tiered import __version__
from tiered.analysis.experiments import Experiment, experiments, stack_name
from tiered.exporters.base import ExportRefused
from tiered.placement.plan import Plan
from tiered.renderers.cloudformation.dns import entry_alarm_name
from tiered.renderers.cloudformation.parameters import interface, zone_parameter, zone_ref
from tiered.renderers.cloudformation.tags import TOPOLOGY, tags
from tiered.renderers.cloudformation.template import Json, Template, get_att, ref, sub
from tiered.renderers.fis.policy import FAILOVER, NETWORK, STOP, statements

VPC_ID, DURATION, STOP_ALARM, HAS_STOP_ALARM = "VpcId", "Duration", "StopAlarm", "HasStopAlarm"
ROLE, LOG_GROUP = "ExperimentRole", "ExperimentLogGroup"
DEFAULT_DURATION = "PT5M"
#: Limits of FIS (description length, tag value length, parallel actions per experiment).
MAX_DESCRIPTION, MAX_TAG_VALUE, MAX_PARALLEL_ACTIONS = 512, 256, 10
MAX_RESOURCES = 500
LOG_RETENTION_DAYS = 365
#: Characters every AWS service accepts in a tag value.
_TAG_UNSAFE = re.compile(r"[^\w .:/=+\-@]")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def tag_value(text: str) -> str:
    """``text`` with what tag values may not hold replaced (``;`` and ``,`` become `` -``)."""
    return _clip(_TAG_UNSAFE.sub("", text.replace(";", " -").replace(",", " /")), MAX_TAG_VALUE)


def build(plan: Plan) -> Template:
    """The whole FIS template of ``plan``."""
    found = experiments(plan)
    template = Template(
        description=_clip(
            f"tiered: fault-injection experiments of {plan.name}, each stating the outcome "
            f"the analysis predicts (deploy as stack {stack_name(plan.name)})",
            1024,
        )
    )
    _parameters(template, plan)
    used: set[str] = set()
    for experiment in found:
        used |= set(_actions(experiment))
    _log_group(template, plan)
    _role(template, plan, used)
    for experiment in found:
        _experiment(template, plan, experiment)
    if len(template.resources) > MAX_RESOURCES:
        raise ExportRefused(
            f"{len(found)} experiments are past CloudFormation's {MAX_RESOURCES} resources "
            "in one template",
            "split the topology, or accept fewer single points of failure",
        )
    return template


def _parameters(template: Template, plan: Plan) -> None:
    zones = []
    labels: dict[str, Json] = {}
    for zone in plan.zones:
        name = zone_parameter(zone)
        template.parameters[name] = {
            "Default": zone,
            "Description": f"The availability zone planned as {zone}: the value given to "
            "the main stack",
            "Type": "AWS::EC2::AvailabilityZone::Name",
        }
        labels[name] = {"default": f"Zone {zone}"}
        zones.append(name)
    template.parameters[VPC_ID] = {
        "Description": "The topology's VPC: output VpcId of the main stack",
        "Type": "AWS::EC2::VPC::Id",
    }
    template.parameters[DURATION] = {
        "AllowedPattern": r"^PT([1-9]|[1-5][0-9])M$",
        "ConstraintDescription": "PT1M to PT59M",
        "Default": DEFAULT_DURATION,
        "Description": "How long subnets stay cut off and instances stay stopped",
        "Type": "String",
    }
    alarm = entry_alarm_name(plan)
    what = (
        f"the main stack's {alarm} (no entry instance passes its health check)"
        if alarm
        else "e.g. the recovery alarm of an entry instance of the main stack"
    )
    template.parameters[STOP_ALARM] = {
        "AllowedPattern": r"^[^:]{0,255}$",
        "ConstraintDescription": "an alarm name (not an ARN), or empty",
        "Default": alarm or "",
        "Description": f"Name of the CloudWatch alarm that stops every experiment: {what}; "
        "empty runs experiments without a stop condition",
        "Type": "String",
    }
    template.conditions[HAS_STOP_ALARM] = {"Fn::Not": [{"Fn::Equals": [ref(STOP_ALARM), ""]}]}
    labels[VPC_ID] = {"default": "VPC of the topology"}
    labels[DURATION] = {"default": "Fault duration (ISO 8601)"}
    labels[STOP_ALARM] = {"default": "Stop-condition alarm"}
    groups = [
        {"Label": {"default": "Main stack"}, "Parameters": [VPC_ID, *zones]},
        {"Label": {"default": "Experiments"}, "Parameters": [DURATION, STOP_ALARM]},
    ]
    template.metadata.update(interface(groups, labels))
    template.metadata["tiered"] = {"topology": plan.name, "version": __version__}


def _log_group(template: Template, plan: Plan) -> None:
    template.add(
        LOG_GROUP,
        "AWS::Logs::LogGroup",
        {"RetentionInDays": LOG_RETENTION_DAYS, "Tags": tags(plan.name, "fis-logs")},
        source="the experiment log group",
        DeletionPolicy="Retain",  # the record of past experiments outlives the stack
        UpdateReplacePolicy="Retain",
        Metadata={
            "checkov": {
                "skip": [
                    {
                        "comment": "experiment logs hold resource ids and action states only; "
                        "CloudWatch Logs encrypts them at rest with its own key",
                        "id": "CKV_AWS_158",
                    }
                ]
            }
        },
    )
    template.output("ExperimentLogGroup", "log group of the experiments", ref(LOG_GROUP))


def _role(template: Template, plan: Plan, used: set[str]) -> None:
    template.add(
        ROLE,
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": {
                "Statement": [
                    {
                        "Action": "sts:AssumeRole",
                        "Condition": {
                            "ArnLike": {
                                "aws:SourceArn": sub(
                                    "arn:${AWS::Partition}:fis:${AWS::Region}:"
                                    "${AWS::AccountId}:experiment/*"
                                )
                            },
                            "StringEquals": {"aws:SourceAccount": ref("AWS::AccountId")},
                        },
                        "Effect": "Allow",
                        "Principal": {"Service": "fis.amazonaws.com"},
                    }
                ],
                "Version": "2012-10-17",
            },
            "Description": f"{plan.name}: FIS experiments, only on the topology's resources",
            "Policies": [
                {
                    "PolicyDocument": {
                        "Statement": statements(plan.name, used, VPC_ID),
                        "Version": "2012-10-17",
                    },
                    "PolicyName": "fis-experiments",
                }
            ],
            "Tags": tags(plan.name, "fis-role"),
        },
        source="the experiment role",
    )


def _actions(experiment: Experiment) -> list[str]:
    found = []
    if experiment.subnets:
        found.append(NETWORK)
    if experiment.instances:
        found.append(STOP)
    if experiment.databases:
        found.append(FAILOVER)
    return found


def _in_vpc() -> Json:
    return {"Path": "VpcId", "Values": [ref(VPC_ID)]}


def _running() -> Json:
    return {"Path": "State.Name", "Values": ["running"]}


def _experiment(template: Template, plan: Plan, experiment: Experiment) -> None:
    targets: dict[str, Json] = {}
    actions: dict[str, Json] = {}
    zone = experiment.zone
    if experiment.subnets:
        assert zone is not None
        targets["Subnets"] = {
            "Filters": [{"Path": "AvailabilityZone", "Values": [zone_ref(zone)]}, _in_vpc()],
            "ResourceTags": {TOPOLOGY: plan.name},
            "ResourceType": "aws:ec2:subnet",
            "SelectionMode": "ALL",
        }
        actions["CutOffSubnets"] = {
            "ActionId": NETWORK,
            "Description": f"deny all traffic in and out of the {len(experiment.subnets)} "
            f"subnets of {zone}",
            "Parameters": {"duration": ref(DURATION), "scope": "all"},
            "Targets": {"Subnets": "Subnets"},
        }
    if experiment.instances:
        if zone is not None:
            targets["Instances"] = {
                "Filters": [
                    {"Path": "Placement.AvailabilityZone", "Values": [zone_ref(zone)]},
                    _in_vpc(),
                    _running(),
                ],
                "ResourceTags": {TOPOLOGY: plan.name},
                "ResourceType": "aws:ec2:instance",
                "SelectionMode": "ALL",
            }
            what = f"the {len(experiment.instances)} instances of the topology in {zone}"
        else:
            (name,) = experiment.instances
            targets["Instances"] = {
                "Filters": [_in_vpc(), _running()],
                "ResourceTags": {"Name": f"{plan.name}-{name}"},
                "ResourceType": "aws:ec2:instance",
                "SelectionMode": "ALL",
            }
            what = f"instance {name}"
        actions["StopInstances"] = {
            "ActionId": STOP,
            "Description": f"stop {what}, start them again after the duration",
            "Parameters": {"startInstancesAfterDuration": ref(DURATION)},
            "Targets": {"Instances": "Instances"},
        }
    for db in experiment.databases:
        key = "Database" + "".join(p[:1].upper() + p[1:] for p in db.split("-"))
        target: Json = {
            "ResourceTags": {"Name": f"{plan.name}-{db}"},
            "ResourceType": "aws:rds:db",
            "SelectionMode": "ALL",
        }
        if zone is not None:  # only while its primary is where the plan put it
            target["Filters"] = [{"Path": "AvailabilityZone", "Values": [zone_ref(zone)]}]
        targets[key] = target
        actions[f"FailOver{key}"] = {
            "ActionId": FAILOVER,
            "Description": f"reboot database {db} with a forced failover to its standby",
            "Parameters": {"forceFailover": "true"},
            "Targets": {"DBInstances": key},
        }
    if len(actions) > MAX_PARALLEL_ACTIONS:
        raise ExportRefused(
            f"the experiment of {experiment.label} needs {len(actions)} parallel FIS actions, "
            f"past FIS's limit of {MAX_PARALLEL_ACTIONS}",
            "spread the primaries of the databases over more zones",
        )
    template.add(
        experiment.output,
        "AWS::FIS::ExperimentTemplate",
        {
            "Actions": actions,
            "Description": _clip(f"{experiment.label}: {experiment.expectation}", MAX_DESCRIPTION),
            "ExperimentOptions": {
                "AccountTargeting": "single-account",
                "EmptyTargetResolutionMode": "fail",
            },
            "LogConfiguration": {
                "CloudWatchLogsConfiguration": {"LogGroupArn": get_att(LOG_GROUP, "Arn")},
                "LogSchemaVersion": 2,
            },
            "RoleArn": get_att(ROLE, "Arn"),
            "StopConditions": {
                "Fn::If": [
                    HAS_STOP_ALARM,
                    [{"Source": "aws:cloudwatch:alarm", "Value": _alarm_arn()}],
                    [{"Source": "none"}],
                ]
            },
            "Tags": _tags(plan, experiment),
            "Targets": targets,
        },
        source=experiment.label,
    )
    template.output(
        experiment.output,
        _clip(f"experiment template id: {experiment.label}", 1024),
        ref(experiment.output),
    )


def _alarm_arn() -> Json:
    return sub(
        "arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:"
        f"${{{STOP_ALARM}}}"
    )


def _tags(plan: Plan, experiment: Experiment) -> dict[str, str]:
    found = {
        "Name": f"{plan.name}-{experiment.key}",
        TOPOLOGY: plan.name,
        "tiered:experiment": tag_value(experiment.label),
        "tiered:expected": "system DOWN" if experiment.system_down else "system up",
        "tiered:prediction": tag_value(experiment.expectation),
    }
    if experiment.root_causes:
        found["tiered:root-cause"] = tag_value(" ".join(experiment.root_causes))
    return found
