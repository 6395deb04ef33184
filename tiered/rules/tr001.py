"""TR001 single-point-of-failure: a service that one instance failure takes down.

A compute service with a single replica, a ``failover: none`` service, or an active-active
service whose ``min_healthy`` equals its count has no spare: losing any one instance takes
it down. A managed database with one instance (single-AZ RDS) has no standby to promote.

*Anti-pattern*::

    app:
      count: 1

*Best practice*: run at least two replicas in different zones with a failover mode that
survives the loss of one (``active-passive``, ``active-active`` with headroom, a
``quorum`` of three), or a Multi-AZ database (``count: 2``, ``primary-standby``).
"""

from __future__ import annotations

from collections.abc import Iterator

from tiered.findings import Finding, Severity
from tiered.placement.planner import round_robin
from tiered.rules.base import Context, placement_text

ID = "TR001"
NAME = "single-point-of-failure"
SEVERITY = Severity.ERROR


def check(context: Context) -> Iterator[Finding]:
    plan = context.plan
    for name, service in plan.services.items():
        if service.kind == "filesystem" or service.count - 1 >= service.survivors_needed:
            continue
        zones = tuple(service.per_zone)
        spread = list(plan.zones[:2]) if len(plan.zones) > 1 else list(plan.zones)
        if service.kind == "database":
            message = "a single-instance database: no standby to take over when it fails"
            fix = "set `count: 2` and `failover: primary-standby` (Multi-AZ)"
        elif service.count == 1:
            message = "a single replica: when its instance fails, the service is down"
            mode = (
                "active-passive"
                if service.failover in ("none", "active-passive")
                else (service.failover)
            )
            if service.failover == "quorum":
                fix = (
                    f"run 3 replicas, placement {placement_text(round_robin(3, list(plan.zones)))}"
                )
            else:
                fix = f"run 2 replicas with `failover: {mode}`" + (
                    f", placement {placement_text(round_robin(2, spread))}"
                    if len(spread) > 1
                    else ""
                )
        elif service.failover == "none":
            message = f"failover none over {service.count} replicas: any one failing takes it down"
            fix = "pick a failover mode that survives one loss (active-active or active-passive)"
        else:
            message = (
                f"min_healthy {service.min_healthy} equals the count {service.count}: "
                "no replica may fail"
            )
            fix = f"add a replica (count: {service.count + 1}) or lower min_healthy"
        yield context.finding(ID, SEVERITY, name, zones, message, fix)
