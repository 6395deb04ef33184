"""TR001 single-point-of-failure: a service that one instance failure takes down.

A compute service with a single replica, a ``failover: none`` service, or an active-active
service whose ``min_healthy`` equals its count has no spare: losing any one instance takes
it down. A managed database with one instance (single-AZ RDS) has no standby to promote.

*Anti-pattern*::

    app:
      count: 1

*Best practice*: run at least two replicas in different zones with a failover mode that
survives the loss of one (``active-passive``, ``active-active`` with headroom, a
``quorum`` of three over three zones), or a Multi-AZ database (``count: 2``,
``primary-standby``). The fix suggested for a compute service is the one all its findings
share: the fewest zones and replicas that survive any single failure.
"""

from __future__ import annotations

from collections.abc import Iterator

from tiered.findings import Finding, Severity
from tiered.placement.plan import DatabaseService, FilesystemService, ServicePlan
from tiered.rules.base import Context
from tiered.rules.edits import Edit, add_zones, changes, then, zones_to_add
from tiered.rules.spread import spread_fix

ID = "TR001"
NAME = "single-point-of-failure"
SEVERITY = Severity.ERROR


def check(context: Context) -> Iterator[Finding]:
    plan = context.plan
    for name, service in plan.services.items():
        if isinstance(service, FilesystemService) or service.count - 1 >= service.survivors_needed:
            continue
        message, fix, edits = _advice(context, service)
        yield context.finding(
            ID, SEVERITY, name, tuple(service.per_zone), message, fix, edits=edits
        )


def _advice(context: Context, service: ServicePlan) -> tuple[str, str, tuple[Edit, ...]]:
    """The message, the fix and the fix as edits of the file."""
    plan = context.plan
    if isinstance(service, DatabaseService):
        added = zones_to_add(plan, 2)
        first, zone_edits = add_zones(plan, added)
        zone = next(iter(service.per_zone))
        other = next(z for z in [*plan.zones, *added] if z != zone)
        standby = (
            Edit((*service.path, "count"), 2),
            Edit((*service.path, "failover"), "primary-standby"),
            Edit((*service.path, "zones"), [zone, other]),
        )
        return (
            "a single-instance database: no standby to take over when it fails",
            then(first, changes(standby) + " (Multi-AZ)"),
            (*zone_edits, *standby),
        )
    if service.count == 1:
        message = "a single replica: when its instance fails, the service is down"
    elif service.failover == "quorum":
        message = "a quorum of 2 needs both members: neither may fail"
    elif service.failover == "none":
        message = f"failover none over {service.count} replicas: any one failing takes it down"
    else:
        message = (
            f"min_healthy {service.min_healthy} equals the count {service.count}: "
            "no replica may fail"
        )
    fix, edits = spread_fix(context, service.name)
    return message, fix, edits
