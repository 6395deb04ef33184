"""The network: VPC, subnets, internet gateway, NAT gateways and route tables.

Public subnets share one route table to the internet gateway. Private subnets get one
route table per zone whose default route goes to the NAT gateway serving that zone, so
with ``nat: per-zone`` no zone's egress depends on another zone.

An instance's boot needs the way out of its subnet: ``egress`` names the subnet's route
table association and the table's default route, which the instance depends on. A NAT
gateway depends on the same for its own (public) subnet: no private boot starts before
the NAT it goes through can reach the internet.
"""

from __future__ import annotations

from tiered.placement.plan import Plan, Subnet
from tiered.renderers.cloudformation.ids import logical_id
from tiered.renderers.cloudformation.parameters import zone_ref
from tiered.renderers.cloudformation.tags import tags
from tiered.renderers.cloudformation.template import Template, get_att, ref

VPC = "Vpc"
ATTACHMENT = "InternetGatewayAttachment"
PUBLIC_TABLE, PUBLIC_DEFAULT_ROUTE = "RouteTablePublic", "RoutePublicDefault"


def subnet_id(name: str) -> str:
    return logical_id("Subnet", name)


def association_id(subnet: str) -> str:
    return logical_id("RouteTableAssociation", subnet)


def egress(subnet: Subnet) -> list[str]:
    """What a boot in ``subnet`` needs to reach the internet: its route table association
    and that table's default route (which itself waits for the gateway it goes to)."""
    route = (
        PUBLIC_DEFAULT_ROUTE if subnet.public else logical_id("RoutePrivateDefault", subnet.zone)
    )
    return [association_id(subnet.name), route]


def add_network(template: Template, plan: Plan) -> None:
    """Add the VPC and everything that routes packets in and out of it."""
    name = plan.name
    template.add(
        VPC,
        "AWS::EC2::VPC",
        {
            "CidrBlock": str(plan.network.cidr),
            "EnableDnsHostnames": True,
            "EnableDnsSupport": True,
            "Tags": tags(name, "vpc"),
        },
        source="the VPC",
    )
    template.add(
        "InternetGateway",
        "AWS::EC2::InternetGateway",
        {"Tags": tags(name, "igw")},
        source="the internet gateway",
    )
    template.add(
        ATTACHMENT,
        "AWS::EC2::VPCGatewayAttachment",
        {"InternetGatewayId": ref("InternetGateway"), "VpcId": ref(VPC)},
        source="the internet gateway attachment",
    )
    template.add(
        PUBLIC_TABLE,
        "AWS::EC2::RouteTable",
        {"VpcId": ref(VPC), "Tags": tags(name, "public")},
        source="the public route table",
    )
    template.add(
        PUBLIC_DEFAULT_ROUTE,
        "AWS::EC2::Route",
        {
            "DestinationCidrBlock": "0.0.0.0/0",
            "GatewayId": ref("InternetGateway"),
            "RouteTableId": ref(PUBLIC_TABLE),
        },
        source="the public default route",
        DependsOn=ATTACHMENT,
    )
    for subnet in plan.subnets:
        logical = template.add(
            subnet_id(subnet.name),
            "AWS::EC2::Subnet",
            {
                "AvailabilityZone": zone_ref(subnet.zone),
                "CidrBlock": str(subnet.cidr),
                "MapPublicIpOnLaunch": False,
                "Tags": tags(name, subnet.name, tier=subnet.tier)
                + (
                    [{"Key": "tiered:purpose", "Value": "rds-subnet-group-only"}]
                    if subnet.rds_only
                    else []
                ),
                "VpcId": ref(VPC),
            },
            source=f"subnet {subnet.name}",
        )
        if subnet.rds_only:  # only in the DB subnet group: no route, nothing runs there
            continue
        table = PUBLIC_TABLE if subnet.public else logical_id("RouteTablePrivate", subnet.zone)
        template.add(
            association_id(subnet.name),
            "AWS::EC2::SubnetRouteTableAssociation",
            {"RouteTableId": ref(table), "SubnetId": ref(logical)},
            source=f"subnet {subnet.name}",
        )
    nat_of_zone: dict[str, str] = {}
    for nat in plan.network.nat_gateways:
        eip = template.add(
            logical_id("NatEip", nat.zone),
            "AWS::EC2::EIP",
            {"Domain": "vpc", "Tags": tags(name, nat.name)},
            source=nat.name,
            DependsOn=ATTACHMENT,
        )
        gateway = template.add(
            logical_id("NatGateway", nat.zone),
            "AWS::EC2::NatGateway",
            {
                "AllocationId": get_att(eip, "AllocationId"),
                "ConnectivityType": "public",
                "PrivateIpAddress": str(nat.ip),
                "SubnetId": ref(subnet_id(nat.subnet)),
                "Tags": tags(name, nat.name),
            },
            source=nat.name,
            DependsOn=egress(next(s for s in plan.subnets if s.name == nat.subnet)),
        )
        nat_of_zone.update(dict.fromkeys(nat.serves, gateway))
    private_zones = [
        z for z in plan.zones if any(not s.public and s.zone == z for s in plan.subnets)
    ]
    for zone in private_zones:
        table = template.add(
            logical_id("RouteTablePrivate", zone),
            "AWS::EC2::RouteTable",
            {"VpcId": ref(VPC), "Tags": tags(name, f"private-{zone}")},
            source=f"the private route table of {zone}",
        )
        template.add(
            logical_id("RoutePrivateDefault", zone),
            "AWS::EC2::Route",
            {
                "DestinationCidrBlock": "0.0.0.0/0",
                "NatGatewayId": ref(nat_of_zone[zone]),
                "RouteTableId": ref(table),
            },
            source=f"the private default route of {zone}",
        )
