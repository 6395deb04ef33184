"""The experiment role: only the IAM actions the rendered FIS actions need, on tagged resources.

``PERMISSIONS`` lists, per FIS action, the IAM actions the AWS FIS actions reference names
for it; ``statements`` grants exactly those of the actions used, each mutating one only on
resources carrying the topology's tag (``tiered:topology``), the network ACLs FIS itself
creates (``managedByFIS``), or the topology's VPC. Reads that IAM cannot scope stay on
``*``. Logging to CloudWatch Logs needs the log-delivery actions of CloudWatch vended logs.
"""

from __future__ import annotations

from tiered.renderers.cloudformation.tags import TOPOLOGY
from tiered.renderers.cloudformation.template import Json, sub

STOP, NETWORK, FAILOVER = (
    "aws:ec2:stop-instances",
    "aws:network:disrupt-connectivity",
    "aws:rds:reboot-db-instances",
)

#: IAM actions each FIS action needs (AWS FIS actions reference, "Permissions").
PERMISSIONS: dict[str, tuple[str, ...]] = {
    STOP: ("ec2:DescribeInstances", "ec2:StartInstances", "ec2:StopInstances", "kms:CreateGrant"),
    NETWORK: (
        "ec2:CreateNetworkAcl",
        "ec2:CreateNetworkAclEntry",
        "ec2:CreateTags",
        "ec2:DeleteNetworkAcl",
        "ec2:DescribeManagedPrefixLists",
        "ec2:DescribeNetworkAcls",
        "ec2:DescribeSubnets",
        "ec2:DescribeVpcs",
        "ec2:GetManagedPrefixListEntries",
        "ec2:ReplaceNetworkAclAssociation",
    ),
    FAILOVER: ("rds:DescribeDBInstances", "rds:RebootDBInstance", "tag:GetResources"),
}

#: What delivering experiment logs to CloudWatch Logs needs (vended logs).
LOGGING = (
    "logs:CreateLogDelivery",
    "logs:DescribeLogGroups",
    "logs:DescribeResourcePolicies",
    "logs:PutResourcePolicy",
)

#: The tag FIS puts on the network ACLs it creates for aws:network:disrupt-connectivity.
FIS_TAG = "managedByFIS"


def _arn(service: str, resource: str, account: bool = True) -> Json:
    owner = "${AWS::AccountId}" if account else "*"
    return sub(f"arn:${{AWS::Partition}}:{service}:${{AWS::Region}}:{owner}:{resource}")


def _statement(
    sid: str, actions: list[str], resources: list[Json] | str, **condition: Json
) -> Json:
    statement: Json = {
        "Action": sorted(actions),
        "Effect": "Allow",
        "Resource": resources,
        "Sid": sid,
    }
    if condition:
        statement["Condition"] = condition
    return statement


def statements(topology: str, used: set[str], vpc_parameter: str) -> list[Json]:
    """The policy statements granting what the FIS actions in ``used`` need, and logging."""
    tagged = {f"aws:ResourceTag/{TOPOLOGY}": topology}
    vpc = sub(
        f"arn:${{AWS::Partition}}:ec2:${{AWS::Region}}:${{AWS::AccountId}}:vpc/${{{vpc_parameter}}}"
    )
    found: list[Json] = []
    if STOP in used:
        found += [
            _statement(
                "StopAndStartTopologyInstances",
                ["ec2:StartInstances", "ec2:StopInstances"],
                [_arn("ec2", "instance/*")],
                StringEquals=tagged,
            ),
            _statement(
                "RestartEncryptedVolumesThroughEc2",
                ["kms:CreateGrant"],
                [_arn("kms", "key/*")],
                Bool={"kms:GrantIsForAWSResource": "true"},
                StringLike={"kms:ViaService": sub("ec2.${AWS::Region}.amazonaws.com")},
            ),
        ]
    if NETWORK in used:
        found += [
            _statement(
                "CreateFisNetworkAclsInTheTopologyVpc",
                ["ec2:CreateNetworkAcl"],
                [vpc],
            ),
            _statement(
                "CreateOnlyNetworkAclsTaggedForFis",
                ["ec2:CreateNetworkAcl"],
                [_arn("ec2", "network-acl/*")],
                StringEquals={f"aws:RequestTag/{FIS_TAG}": "true"},
            ),
            _statement(
                "TagNetworkAclsWhenCreated",
                ["ec2:CreateTags"],
                [_arn("ec2", "network-acl/*")],
                StringEquals={
                    "ec2:CreateAction": "CreateNetworkAcl",
                    f"aws:RequestTag/{FIS_TAG}": "true",
                },
            ),
            _statement(
                "ChangeOnlyFisNetworkAcls",
                ["ec2:CreateNetworkAclEntry", "ec2:DeleteNetworkAcl"],
                [_arn("ec2", "network-acl/*")],
                StringEquals={f"aws:ResourceTag/{FIS_TAG}": "true"},
            ),
            _statement(
                "SwapNetworkAclsOfTopologySubnets",
                ["ec2:ReplaceNetworkAclAssociation"],
                [_arn("ec2", "subnet/*")],
                StringEquals=tagged,
            ),
            _statement(
                "SwapNetworkAclsInTheTopologyVpc",
                ["ec2:ReplaceNetworkAclAssociation"],
                [_arn("ec2", "network-acl/*")],
                StringEquals={"ec2:Vpc": vpc},
            ),
            _statement(
                "ReadPrefixListEntries",
                ["ec2:GetManagedPrefixListEntries"],
                [_arn("ec2", "prefix-list/*", account=False)],
            ),
        ]
    if FAILOVER in used:
        found.append(
            _statement(
                "FailOverTopologyDatabases",
                ["rds:RebootDBInstance"],
                [_arn("rds", "db:*")],
                StringEquals=tagged,
            )
        )
        found.append(
            _statement("DescribeDatabases", ["rds:DescribeDBInstances"], [_arn("rds", "db:*")])
        )
    reads = sorted(
        {
            action
            for fis_action in used
            for action in PERMISSIONS[fis_action]
            if action.split(":")[1].startswith("Describe") or action == "tag:GetResources"
        }
        - {"rds:DescribeDBInstances"}
    )
    if reads:
        found.append(_statement("ReadsIamCannotScope", reads, "*"))
    found.append(_statement("DeliverExperimentLogs", list(LOGGING), "*"))
    return found
