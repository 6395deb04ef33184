"""Route 53 failover for an active-passive entry service when ``entry`` names a DNS name.

The first two replicas (active, passive) get Elastic IPs (see ``compute``), a Route 53
health check each on ``/healthz``, and PRIMARY / SECONDARY failover records of the
entry's DNS name in its hosted zone.
"""

from __future__ import annotations

from tiered.placement.plan import Plan, ServicePlan
from tiered.renderers.cloudformation.compute import eip_id, instance_id
from tiered.renderers.cloudformation.ids import logical_id
from tiered.renderers.cloudformation.tags import tags
from tiered.renderers.cloudformation.template import Template, ref

HEALTH_PATH = "/healthz"
UNIT = "entry-dns"


def failover_service(plan: Plan) -> ServicePlan | None:
    """The entry service fronted by DNS failover, if the topology asks for one."""
    entry = plan.entry
    if entry is None or not entry.dns_name or not entry.hosted_zone:
        return None
    public = {tier.name for tier in plan.tiers if tier.public}
    for name in plan.entry_services:
        service = plan.services[name]
        if (
            service.kind == "compute"
            and service.failover == "active-passive"
            and service.count >= 2
            and service.listen
            and service.tier in public
        ):
            return service
    return None


def probe(listen: tuple[int, ...]) -> tuple[str, int]:
    """How Route 53 probes ``/healthz``: plain HTTP on 80 when open, else HTTPS on 443."""
    if 80 in listen:
        return "HTTP", 80
    if 443 in listen:
        return "HTTPS", 443
    return "HTTP", listen[0]


def add_dns_failover(template: Template, plan: Plan) -> None:
    service = failover_service(plan)
    if service is None or plan.entry is None:
        return
    dns_name, zone = plan.entry.dns_name, plan.entry.hosted_zone
    kind, port = probe(service.listen)
    pair = plan.instances_of(service.name)[:2]
    for role, instance in zip(("PRIMARY", "SECONDARY"), pair, strict=True):
        for logical in (
            instance_id(instance.name),
            logical_id("RecoveryAlarm", instance.name),
            eip_id(instance.name),
        ):
            template.units[logical] = UNIT
        check = template.add(
            logical_id("HealthCheck", instance.name),
            "AWS::Route53::HealthCheck",
            {
                "HealthCheckConfig": {
                    "FailureThreshold": 3,
                    "IPAddress": ref(eip_id(instance.name)),
                    "Port": port,
                    "RequestInterval": 10,
                    "ResourcePath": HEALTH_PATH,
                    "Type": kind,
                },
                "HealthCheckTags": tags(plan.name, instance.name, instance.tier, service.name),
            },
            source=f"instance {instance.name}",
            group=instance.tier,
            unit=UNIT,
        )
        template.add(
            logical_id("FailoverRecord", instance.name),
            "AWS::Route53::RecordSet",
            {
                "Failover": role,
                "HealthCheckId": ref(check),
                "HostedZoneName": f"{zone}.",
                "Name": f"{dns_name}.",
                "ResourceRecords": [ref(eip_id(instance.name))],
                "SetIdentifier": f"{plan.name}-{instance.name}",
                "TTL": "60",
                "Type": "A",
            },
            source=f"instance {instance.name}",
            group=instance.tier,
            unit=UNIT,
        )
    template.output("EntryDnsName", "DNS name clients use (Route 53 failover)", dns_name)
