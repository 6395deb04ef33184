"""Template parameters, conditions, and the console's parameter groups.

The machine image is an explicit AMI id parameter, one per processor architecture in
use, with no default: it is chosen once, when the stack is created, and kept by every
update until the operator changes it. (An ``AWS::SSM::Parameter::Value`` parameter
would be re-resolved on every update, so a newly published image would silently replace
every instance.) The parameter's description names the SSM public parameter to read the
current Amazon Linux 2023 image from, and the template's Metadata records it.
``KeyName`` is optional: instances are reached through SSM Session Manager, so an empty
key name leaves SSH keys out entirely.
"""

from __future__ import annotations

from tiered import __version__
from tiered.placement.plan import DatabaseService, Plan
from tiered.renderers.cloudformation.ids import logical_id
from tiered.renderers.cloudformation.template import Json, Template, ref

KEY_NAME, HAS_KEY_NAME = "KeyName", "HasKeyName"
DB_USERNAME = "DatabaseMasterUsername"
TEMPLATE_BASE_URL = "TemplateBaseUrl"
AMI = {
    "x86_64": ("AmiId", "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"),
    "arm64": ("AmiIdArm64", "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"),
}


def ami_parameter(arch: str) -> str:
    return AMI[arch][0]


def zone_parameter(zone: str) -> str:
    return logical_id("Zone", zone)


def zone_ref(name: str) -> Json:
    """Where a planned zone is used: a reference to its parameter (default: the zone)."""
    return ref(zone_parameter(name))


def add_parameters(template: Template, plan: Plan, architectures: set[str]) -> None:
    """The parameters the resources use, and the Interface metadata grouping them."""
    groups: list[Json] = []
    labels: dict[str, Json] = {}
    zones = []
    for name in plan.subnet_zones:
        parameter = zone_parameter(name)
        template.parameters[parameter] = {
            "Default": name,
            "Description": f"The availability zone planned as {name}; change it only to move "
            "everything planned there",
            "Type": "AWS::EC2::AvailabilityZone::Name",
        }
        labels[parameter] = {"default": f"Zone {name}"}
        zones.append(parameter)
    groups.append({"Label": {"default": "Availability zones"}, "Parameters": zones})
    if architectures:
        names = []
        for arch in sorted(architectures):
            name, default = AMI[arch]
            template.parameters[name] = {
                "Description": f"AMI id of the {arch} instances (ami-...), chosen once: "
                "stack updates keep it, so a newly published image replaces no instance "
                "until you change this value. The current Amazon Linux 2023 image: aws ssm "
                f"get-parameter --name {default} --query Parameter.Value --output text",
                "Type": "AWS::EC2::Image::Id",
            }
            labels[name] = {"default": f"Machine image ({arch})"}
            names.append(name)
        template.parameters[KEY_NAME] = {
            "Default": "",
            "Description": "Optional EC2 key pair for SSH; leave empty to use SSM Session "
            "Manager only",
            "Type": "String",
        }
        template.conditions[HAS_KEY_NAME] = {"Fn::Not": [{"Fn::Equals": [ref(KEY_NAME), ""]}]}
        labels[KEY_NAME] = {"default": "SSH key pair (optional)"}
        groups.append({"Label": {"default": "Instances"}, "Parameters": [*names, KEY_NAME]})
    if any(isinstance(s, DatabaseService) for s in plan.services.values()):
        template.parameters[DB_USERNAME] = {
            "AllowedPattern": "^[A-Za-z][A-Za-z0-9_]{0,15}$",
            "ConstraintDescription": "a letter, then up to 15 letters, digits or underscores",
            "Default": "tiered",
            "Description": "Master user of the databases (its password is generated and "
            "kept in Secrets Manager)",
            "Type": "String",
        }
        labels[DB_USERNAME] = {"default": "Database master user"}
        groups.append({"Label": {"default": "Databases"}, "Parameters": [DB_USERNAME]})
    template.metadata.update(interface(groups, labels))
    # The services in the topology's order: an import restores it (resources carry no order,
    # and a tag on each would change every later service's resources when one is added).
    template.metadata["tiered"] = {
        "topology": plan.name,
        "version": __version__,
        "services": list(plan.services),
    }
    if architectures:
        template.metadata["tiered"]["images"] = {
            AMI[arch][0]: {"architecture": arch, "ssm_parameter": AMI[arch][1]}
            for arch in sorted(architectures)
        }


def interface(groups: list[Json], labels: dict[str, Json]) -> Json:
    if not groups:
        return {}
    return {
        "AWS::CloudFormation::Interface": {"ParameterGroups": groups, "ParameterLabels": labels}
    }
