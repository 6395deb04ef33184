"""Route 53 failover for an active-passive entry service when ``entry`` names a DNS name.

The first two replicas (active, passive) get Elastic IPs (see ``compute``), a Route 53
health check each on ``/healthz``, and PRIMARY / SECONDARY failover records of the
entry's DNS name in its hosted zone. In us-east-1, the only region holding Route 53's
metrics, an alarm fires when neither health check passes (the entry is down): the stop
condition of the FIS experiments (``renderers.fis``).
"""

from __future__ import annotations

from tiered.placement.plan import ComputeService, Plan, ServicePlan
from tiered.renderers.cloudformation.compute import eip_id, instance_id
from tiered.renderers.cloudformation.ids import logical_id
from tiered.renderers.cloudformation.tags import tags
from tiered.renderers.cloudformation.template import Template, ref

HEALTH_PATH = "/healthz"
UNIT = "entry-dns"
ENTRY_ALARM = "EntryHealthAlarm"


def failover_service(plan: Plan) -> ServicePlan | None:
    """The entry service fronted by DNS failover, if the topology asks for one."""
    entry = plan.entry
    if entry is None or not entry.dns_name or not entry.hosted_zone:
        return None
    public = {tier.name for tier in plan.tiers if tier.public}
    for name in plan.entry_services:
        service = plan.services[name]
        if (
            isinstance(service, ComputeService)
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
    checks = []
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
        checks.append(check)
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
    name = entry_alarm_name(plan)
    if name is not None:
        _add_entry_alarm(template, plan, service, checks, name)


def entry_alarm_name(plan: Plan) -> str | None:
    """The entry's health alarm, by name: its metrics exist only in us-east-1. A fixed name
    is safe: the entry's DNS records already make the topology one per account."""
    if plan.region != "us-east-1" or failover_service(plan) is None:
        return None
    return f"{plan.name}-entry-down"


def _add_entry_alarm(
    template: Template, plan: Plan, service: ServicePlan, checks: list[str], name: str
) -> None:
    """An alarm in ALARM while no health check of the entry pair passes."""
    metrics: list[dict[str, object]] = [
        {
            "Id": f"check{index}",
            "MetricStat": {
                "Metric": {
                    "Dimensions": [{"Name": "HealthCheckId", "Value": ref(check)}],
                    "MetricName": "HealthCheckStatus",
                    "Namespace": "AWS/Route53",
                },
                "Period": 60,
                "Stat": "Minimum",
            },
            "ReturnData": False,
        }
        for index, check in enumerate(checks, start=1)
    ]
    ids = ", ".join(str(m["Id"]) for m in metrics)
    metrics.append({"Expression": f"MAX([{ids}])", "Id": "healthy", "ReturnData": True})
    template.add(
        ENTRY_ALARM,
        "AWS::CloudWatch::Alarm",
        {
            "AlarmName": name,
            "AlarmDescription": f"no instance of the entry {service.name} passes its Route 53 "
            "health check: the system is down",
            "ComparisonOperator": "LessThanThreshold",
            "EvaluationPeriods": 1,
            "Metrics": metrics,
            "Tags": tags(plan.name, "entry-health", service.tier, service.name),
            "Threshold": 1,
        },
        source=f"service {service.name}",
        group=service.tier,
        unit=UNIT,
    )
    template.output(
        "EntryHealthAlarmName", "alarm of the entry going down (FIS stop condition)", name
    )
