"""Security groups chained along the dependency edges of the plan.

Each service gets one group. An entry service is open to the world on its ``listen``
ports; every other group admits only the groups of the services that call it
(``ServicePlan.calls``: dependencies and route targets), on its own port — the engine
port for a database, NFS (2049) for a file system. The members of a clustered service
(two or more replicas of software with peer ports in ``tiered.software``: ZooKeeper's
2888/3888, SolrCloud's 8983, ...) reach each other on those ports, member to member only:
a separate ingress rule whose source is the service's own group.
"""

from __future__ import annotations

from tiered.placement.plan import ComputeService, Plan
from tiered.renderers.cloudformation.ids import logical_id
from tiered.renderers.cloudformation.network import VPC
from tiered.renderers.cloudformation.tags import service_tags, tags
from tiered.renderers.cloudformation.template import Json, Template, get_att, ref
from tiered.software import software

WORLD = "0.0.0.0/0"


def group_id(service: str) -> str:
    return logical_id("SecurityGroup", service)


def callers_of(plan: Plan) -> dict[str, list[str]]:
    """For every service, the services that call it, in plan order."""
    callers: dict[str, list[str]] = {name: [] for name in plan.services}
    for service in plan.services.values():
        for callee in service.calls:
            callers[callee].append(service.name)
    return callers


def add_security_groups(template: Template, plan: Plan) -> None:
    """One security group per service, admitting only what the plan says may call it."""
    callers = callers_of(plan)
    roles = {tier.name: tier.role for tier in plan.tiers}
    index = {tier.name: number for number, tier in enumerate(plan.tiers)}
    for service in plan.services.values():
        ingress: list[Json] = []
        if service.entry and isinstance(service, ComputeService):
            ingress.extend(
                {
                    "CidrIp": WORLD,
                    "Description": f"clients to {service.name} on {port}",
                    "FromPort": port,
                    "IpProtocol": "tcp",
                    "ToPort": port,
                }
                for port in service.listen
            )
        if service.port is not None:
            ingress.extend(
                {
                    "Description": f"{caller} to {service.name}",
                    "FromPort": service.port,
                    "IpProtocol": "tcp",
                    "SourceSecurityGroupId": get_att(group_id(caller), "GroupId"),
                    "ToPort": service.port,
                }
                for caller in callers[service.name]
            )
        properties: Json = {
            "GroupDescription": f"{plan.name}: {service.kind} service {service.name} "
            f"of tier {service.tier}",
            "Tags": sorted(
                tags(plan.name, f"{service.name}-sg", service.tier, service.name)
                + service_tags(service, roles[service.tier], index[service.tier]),
                key=lambda tag: str(tag["Key"]),
            ),
            "VpcId": ref(VPC),
        }
        if ingress:
            properties["SecurityGroupIngress"] = ingress
        metadata = None
        if any(rule.get("CidrIp") == WORLD and rule["FromPort"] == 80 for rule in ingress):
            metadata = {
                "checkov": {
                    "skip": [
                        {
                            "id": "CKV_AWS_260",
                            "comment": f"{service.name} is the entry point: port 80 is open "
                            "to clients on purpose (it redirects to HTTPS and answers the "
                            "Route 53 health checks on /healthz)",
                        }
                    ]
                }
            }
        template.add(
            group_id(service.name),
            "AWS::EC2::SecurityGroup",
            properties,
            source=f"service {service.name}",
            Metadata=metadata,
        )


def add_peer_rules(template: Template, plan: Plan) -> None:
    """Ingress between the members of each clustered service, on its software's peer ports."""
    for service in plan.services.values():
        if service.managed or service.count < 2:
            continue
        group = get_att(group_id(service.name), "GroupId")
        for peer in software(service.software).peers:
            ports = str(peer.first) if peer.first == peer.last else f"{peer.first}-{peer.last}"
            suffix = "" if peer.protocol == "tcp" else peer.protocol
            template.add(
                logical_id("PeerIngress", service.name, ports.replace("-", "to"), suffix),
                "AWS::EC2::SecurityGroupIngress",
                {
                    "Description": f"{peer.purpose}: {service.name} members to each other",
                    "FromPort": peer.first,
                    "GroupId": group,
                    "IpProtocol": peer.protocol,
                    "SourceSecurityGroupId": group,
                    "ToPort": peer.last,
                },
                source=f"service {service.name}",
            )
