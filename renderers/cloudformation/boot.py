"""Delivery: each instance boots into its configured software (cloud-init and cfn-signal).

Every instance's ``UserData`` is the ``#cloud-config`` of ``renderers.config`` for it, as an
``Fn::Sub`` whose variables are the values only the stack knows (file-system ids, database
addresses, the ARNs of their managed secrets, the parameters below). Each instance has a
``CreationPolicy``: the stack completes only when the instance's boot script reports
success through ``cfn-signal`` (once its service answers its health probe), and fails when
it reports an error (with the failed step) or stays silent. How long the stack waits is
derived from what the boot does: the signalling tool, the packages, the bounded waits of
its steps (downloads, mounts, other services) and of its probe.

What the boot needs, and nothing else, is granted to the instances that need it: a service
whose boot reads something gets its own role (the shared role's SSM access, plus exactly
that): the managed secret of each database it depends on, the certificate secret or
parameter of the entry when one is given, its application artifact when that is in S3.
Services that read nothing keep the shared role. The stack
outputs name each database's address and secret ARN, and say loudly when the entry's
certificate is a self-signed one made at first boot. No secret is ever in the user data:
instances fetch them with their role.

Parameters: ``TlsCertificateSecretArn`` (Secrets Manager) or ``TlsCertificateParameter``
(SSM SecureString), holding the certificate chain and private key as PEM; per
application service ``ArtifactUrl<Service>`` (https:// or s3://) and
``ArtifactSha256<Service>``, see ``tiered.software.application``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from tiered.exporters.base import ExportRefused
from tiered.placement.plan import Instance, Plan
from tiered.renderers.cloudformation.compute import PROFILE, add_role_and_profile, instance_id
from tiered.renderers.cloudformation.database import database_id
from tiered.renderers.cloudformation.filesystem import filesystem_id
from tiered.renderers.cloudformation.ids import logical_id
from tiered.renderers.cloudformation.tags import tags
from tiered.renderers.cloudformation.template import Json, Template, get_att, ref, sub
from tiered.renderers.config import boots
from tiered.renderers.config.cloudinit import (
    MAX_USER_DATA,
    TOOL_ATTEMPTS,
    TOOL_PAUSE,
    cloud_config,
)
from tiered.renderers.config.model import InstanceBoot
from tiered.software.stack import TLS_PARAMETER, TLS_SECRET, StackValue

#: Seconds from launch until the boot script runs (the image boots, cloud-init starts).
LAUNCH_SECONDS = 180
#: Seconds one dnf try may take (signalling tool), and a package set's: base plus per package.
DNF_TRY_SECONDS, PACKAGES_SECONDS, PACKAGE_SECONDS = 60, 120, 60
#: CloudFormation's longest wait for a signal.
MAX_SIGNAL_SECONDS = 12 * 3600
HAS_TLS_SECRET, HAS_TLS_PARAMETER, HAS_TLS = (
    "HasTlsCertificateSecret",
    "HasTlsCertificateParameter",
    "HasTlsCertificate",
)
_VARIABLE = re.compile(r"\$\{([^}]*)\}")
#: Stack values whose reading needs a grant: such a service gets a role of its own.
GRANTED = ("database-secret", "tls-secret", "tls-parameter", "artifact-url")


@dataclass(frozen=True)
class Delivery:
    """The boot of every instance of a plan, ready to be put on the instances."""

    by_instance: dict[str, InstanceBoot]

    def user_data(self, instance: Instance) -> Json:
        """The instance's ``UserData``: its cloud-config with the stack's values filled in."""
        boot = self.by_instance[instance.name]
        text = cloud_config(boot, signal=instance_id(instance.name))
        if len(text.encode()) > MAX_USER_DATA:
            raise ExportRefused(
                f"the user data of {instance.name} is {len(text.encode()):,} bytes, past "
                f"EC2's limit of {MAX_USER_DATA:,}",
                "give the service fewer routes or split it; see `tiered render config`",
            )
        variables = {
            value.name: _expression(value)
            for value in boot.stack_values.values()
            if value.kind != "pseudo"
        }
        return {
            "Fn::Base64": {"Fn::Sub": [_escape(text, variables), dict(sorted(variables.items()))]}
        }

    def creation_policy(self, instance: Instance) -> Json:
        """Wait for one signal, as long as the instance's boot may take at most."""
        seconds = signal_seconds(self.by_instance[instance.name])
        return {"ResourceSignal": {"Count": 1, "Timeout": f"PT{-(-seconds // 60)}M"}}

    def profile(self, instance: Instance) -> Json:
        """The instance profile of ``instance``: its service's own, or the shared one."""
        if instance.service in self.readers:
            return ref(profile_id(instance.service))
        return ref(PROFILE)

    @cached_property
    def readers(self) -> dict[str, dict[str, StackValue]]:
        """Services whose boot reads something, with the stack values they read (worked
        out once: every instance's profile asks)."""
        found: dict[str, dict[str, StackValue]] = {}
        for boot in self.by_instance.values():
            for value in boot.stack_values.values():
                if value.kind in GRANTED:
                    found.setdefault(boot.instance.service, {})[value.name] = value
        return found


def signal_seconds(boot: InstanceBoot) -> int:
    """The longest ``boot`` may take to signal: the sum of the bounds of what it does."""
    seconds = LAUNCH_SECONDS + TOOL_ATTEMPTS * (DNF_TRY_SECONDS + TOOL_PAUSE)
    if boot.packages:
        seconds += PACKAGES_SECONDS + PACKAGE_SECONDS * len(boot.packages)
    seconds += boot.waits + (boot.probe.seconds if boot.probe else 0)
    return min(seconds, MAX_SIGNAL_SECONDS)


def role_id(service: str) -> str:
    return logical_id("InstanceRole", service)


def profile_id(service: str) -> str:
    return logical_id("InstanceProfile", service)


def delivery(plan: Plan) -> Delivery:
    return Delivery({boot.instance.name: boot for boot in boots(plan)})


def _expression(value: StackValue) -> Any:
    service = value.service or ""
    if value.kind == "filesystem-id":
        return ref(filesystem_id(service))
    if value.kind == "database-address":
        return get_att(database_id(service), "Endpoint.Address")
    if value.kind == "database-secret":
        return get_att(database_id(service), "MasterUserSecret.SecretArn")
    return ref(value.name)  # a template parameter of the same name


def _escape(text: str, variables: dict[str, Any]) -> str:
    """``${X}`` kept for the variables and AWS pseudo parameters, written ``${!X}`` otherwise."""

    def keep(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in variables or name.startswith("AWS::"):
            return match.group(0)
        return "${!" + name + "}"

    return _VARIABLE.sub(keep, text)


def add_boot(template: Template, plan: Plan, chosen: Delivery) -> None:
    """Parameters, grants and outputs the instances' boot needs."""
    used: dict[str, StackValue] = {}
    for boot in chosen.by_instance.values():
        used.update(boot.stack_values)
    readers = chosen.readers
    for service in readers:
        _role(template, plan, service)

    def roles(name: str) -> list[Json]:
        return [ref(role_id(s)) for s, values in readers.items() if name in values]

    _tls(template, used, roles(TLS_SECRET))
    _artifacts(template, used)
    _database_secrets(template, plan, used, roles)


def _role(template: Template, plan: Plan, service: str) -> None:
    """A role of its own for ``service``: SSM Session Manager, plus its boot's grants."""
    add_role_and_profile(
        template,
        role_id(service),
        profile_id(service),
        f"{plan.name}: instances of {service}, managed through SSM Session Manager, reading "
        "what their boot needs",
        tags(plan.name, f"{service}-role", plan.services[service].tier, service),
        f"{service}'s",
    )


def _tls(template: Template, used: dict[str, StackValue], roles: list[Json]) -> None:
    if TLS_SECRET not in used:
        return
    template.parameters[TLS_SECRET] = {
        "AllowedPattern": r"^$|^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:\S+$",
        "ConstraintDescription": "empty, or the ARN of a Secrets Manager secret",
        "Default": "",
        "Description": "ARN of a Secrets Manager secret holding the entry's certificate chain "
        "and private key (PEM); empty: see TlsCertificateParameter",
        "Type": "String",
    }
    template.parameters[TLS_PARAMETER] = {
        "AllowedPattern": r"^$|^/[A-Za-z0-9/_.-]+$",
        "ConstraintDescription": "empty, or an SSM parameter name starting with /",
        "Default": "",
        "Description": "Name of an SSM SecureString parameter holding the certificate chain and "
        "private key (PEM); both empty: a SELF-SIGNED certificate is made at first boot",
        "Type": "String",
    }
    template.conditions[HAS_TLS_SECRET] = {"Fn::Not": [{"Fn::Equals": [ref(TLS_SECRET), ""]}]}
    template.conditions[HAS_TLS_PARAMETER] = {"Fn::Not": [{"Fn::Equals": [ref(TLS_PARAMETER), ""]}]}
    template.conditions[HAS_TLS] = {
        "Fn::Or": [{"Condition": HAS_TLS_SECRET}, {"Condition": HAS_TLS_PARAMETER}]
    }
    _group(template, "Entry certificate", [TLS_SECRET, TLS_PARAMETER])
    template.add(
        "BootPolicyTlsCertificate",
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": [
                    {
                        "Fn::If": [
                            HAS_TLS_SECRET,
                            {
                                "Action": "secretsmanager:GetSecretValue",
                                "Effect": "Allow",
                                "Resource": ref(TLS_SECRET),
                            },
                            ref("AWS::NoValue"),
                        ]
                    },
                    {
                        "Fn::If": [
                            HAS_TLS_PARAMETER,
                            {
                                "Action": "ssm:GetParameter",
                                "Effect": "Allow",
                                "Resource": sub(
                                    "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}"
                                    f":parameter${{{TLS_PARAMETER}}}"
                                ),
                            },
                            ref("AWS::NoValue"),
                        ]
                    },
                ],
                "Version": "2012-10-17",
            },
            "PolicyName": "tls-certificate",
            "Roles": roles,
        },
        source="the certificate read policy",
        Condition=HAS_TLS,
    )
    template.output(
        "TlsCertificate",
        "where the entry's TLS certificate comes from",
        {
            "Fn::If": [
                HAS_TLS,
                "the given secret or parameter",
                "SELF-SIGNED, generated at first boot on each entry instance: browsers will warn. "
                "Set TlsCertificateSecretArn or TlsCertificateParameter and replace the entry "
                "instances",
            ]
        },
    )


def _artifacts(template: Template, used: dict[str, StackValue]) -> None:
    urls = sorted((v for v in used.values() if v.kind == "artifact-url"), key=lambda v: v.name)
    names = []
    for url in urls:
        service = url.service or ""
        checksum = next(
            v for v in used.values() if v.kind == "artifact-sha256" and v.service == service
        )
        template.parameters[url.name] = {
            "AllowedPattern": r"^$|^(https|s3)://\S+$",
            "ConstraintDescription": "empty, or an https:// or s3:// URL",
            "Default": "",
            "Description": f"Application artifact of {service}: a .tar.gz with an executable "
            "install.sh at its top, run at first boot with the environment file; empty: "
            "the instances boot ready but run nothing",
            "Type": "String",
        }
        template.parameters[checksum.name] = {
            "AllowedPattern": r"^$|^[0-9a-f]{64}$",
            "ConstraintDescription": "empty, or 64 lowercase hexadecimal digits",
            "Default": "",
            "Description": f"SHA-256 of the artifact of {service} (required with its URL)",
            "Type": "String",
        }
        names += [url.name, checksum.name]
        in_s3 = logical_id("ArtifactInS3", service)
        template.conditions[in_s3] = {
            "Fn::Equals": [{"Fn::Select": [0, {"Fn::Split": ["://", ref(url.name)]}]}, "s3"]
        }
        template.add(
            logical_id("BootPolicyArtifact", service),
            "AWS::IAM::Policy",
            {
                "PolicyDocument": {
                    "Statement": [
                        {
                            "Action": "s3:GetObject",
                            "Effect": "Allow",
                            "Resource": {
                                "Fn::Sub": [
                                    "arn:${AWS::Partition}:s3:::${Object}",
                                    {
                                        "Object": {
                                            "Fn::Select": [
                                                1,
                                                {"Fn::Split": ["s3://", ref(url.name)]},
                                            ]
                                        }
                                    },
                                ]
                            },
                        }
                    ],
                    "Version": "2012-10-17",
                },
                "PolicyName": f"artifact-{service}",
                "Roles": [ref(role_id(service))],
            },
            source=f"the artifact read policy of {service}",
            Condition=in_s3,
        )
    if names:
        _group(template, "Applications", names)


def _database_secrets(
    template: Template,
    plan: Plan,
    used: dict[str, StackValue],
    roles: Callable[[str], list[Json]],
) -> None:
    for value in sorted(used.values(), key=lambda v: v.name):
        if value.kind != "database-secret" or value.service is None:
            continue
        service = plan.services[value.service]
        secret = get_att(database_id(service.name), "MasterUserSecret.SecretArn")
        template.add(
            logical_id("BootPolicySecret", service.name),
            "AWS::IAM::Policy",
            {
                "PolicyDocument": {
                    "Statement": [
                        {
                            "Action": "secretsmanager:GetSecretValue",
                            "Effect": "Allow",
                            "Resource": secret,
                        }
                    ],
                    "Version": "2012-10-17",
                },
                "PolicyName": f"database-secret-{service.name}",
                "Roles": roles(value.name),
            },
            source=f"database {service.name}",
            group=service.tier,
            unit=service.name,
        )
        template.output(
            logical_id("DatabaseSecretArn", service.name),
            f"ARN of the Secrets Manager secret with the master credentials of {service.name}",
            secret,
        )


def _group(template: Template, label: str, names: list[str]) -> None:
    interface = template.metadata.setdefault(
        "AWS::CloudFormation::Interface", {"ParameterGroups": [], "ParameterLabels": {}}
    )
    interface["ParameterGroups"].append({"Label": {"default": label}, "Parameters": names})
    for name in names:
        interface["ParameterLabels"][name] = {"default": name}
