"""Why a resource type is not part of the topology (None: it was read as network).

Network resources (VPC, subnets, route tables, NAT gateways, security groups ...) are
read for zones, egress and dependencies and are not listed; everything else the mapping
does not turn into a service is listed at the end of the written file with its reason.
"""

from __future__ import annotations

NETWORK = {
    "AWS::EC2::VPC",
    "AWS::EC2::Subnet",
    "AWS::EC2::RouteTable",
    "AWS::EC2::Route",
    "AWS::EC2::SubnetRouteTableAssociation",
    "AWS::EC2::InternetGateway",
    "AWS::EC2::VPCGatewayAttachment",
    "AWS::EC2::NatGateway",
    "AWS::EC2::EIP",
    "AWS::EC2::EIPAssociation",
    "AWS::EC2::NetworkInterface",
    "AWS::EC2::SecurityGroup",
    "AWS::EC2::SecurityGroupIngress",
    "AWS::EC2::SecurityGroupEgress",
    "AWS::CloudFormation::Stack",
}

_PREFIXES = (
    ("AWS::IAM::", "identity and permissions: not a failure domain"),
    ("AWS::CloudWatch::", "monitoring: not in the request path"),
    ("AWS::Logs::", "logging: not in the request path"),
    ("AWS::SNS::", "notifications: a regional service, not in the request path"),
    ("AWS::AutoScaling::", "scaling behaviour of a group: no effect on where replicas run"),
    ("AWS::ApplicationAutoScaling::", "scaling behaviour: no effect on where replicas run"),
    ("AWS::SecretsManager::", "secrets: a regional service AWS keeps across zones"),
    ("AWS::KMS::", "keys: a regional service AWS keeps across zones"),
    ("AWS::SSM::", "configuration: a regional service AWS keeps across zones"),
    ("AWS::S3::", "S3 is regional and stores data across zones: not a zone-loss risk"),
    ("AWS::DynamoDB::", "DynamoDB is regional and replicated across zones: not a zone-loss risk"),
    ("AWS::SQS::", "SQS is regional and replicated across zones: not a zone-loss risk"),
    ("AWS::Lambda::", "Lambda runs in several zones of the region: not modelled"),
    ("AWS::Route53::", "DNS: a global service, not a zone-loss risk"),
    ("AWS::EC2::NetworkAcl", "network ACLs filter traffic, they do not place anything"),
    (
        "AWS::EC2::SubnetNetworkAclAssociation",
        "network ACLs filter traffic, they do not place anything",
    ),
    ("AWS::EC2::LaunchTemplate", "a launch template no instance or group uses"),
    ("AWS::AutoScaling::LaunchConfiguration", "a launch configuration no group uses"),
    ("AWS::RDS::DBSubnetGroup", "a subnet group no database uses"),
    ("AWS::RDS::DBParameterGroup", "database settings: no effect on placement"),
    ("AWS::RDS::DBClusterParameterGroup", "database settings: no effect on placement"),
    ("AWS::RDS::OptionGroup", "database settings: no effect on placement"),
    (
        "AWS::ElasticLoadBalancingV2::",
        "a listener or target group with no mapped service behind it (ECS tasks, Lambda "
        "functions and IP targets are not modelled)",
    ),
    ("AWS::EFS::MountTarget", "a mount target of no file system in the template"),
    ("AWS::ElastiCache::CacheCluster", "a node of a replication group, judged with the group"),
    ("AWS::ElastiCache::", "cache settings: no effect on placement"),
    (
        "AWS::ECS::",
        "ECS is not modelled: its tasks run on the cluster's instances (an Auto Scaling "
        "group, judged on its own) or on Fargate; how the tasks spread is not judged",
    ),
    ("Custom::", "a custom resource: what it does is not known"),
    ("AWS::CloudFormation::", "stack machinery: not a failure domain"),
)


def reason_for(resource_type: str) -> str | None:
    if resource_type in NETWORK:
        return None
    for prefix, reason in _PREFIXES:
        if resource_type.startswith(prefix):
            return reason
    return f"{resource_type} is not a resource type tiered maps"
