"""TR008 entry-without-failover: an active-passive entry service with no way to move clients.

An active-passive pair at the entry only helps if clients are moved to the passive node
when the active one fails: on AWS through Route 53 failover records with health checks
(``entry.dns_name`` and ``entry.hosted_zone``), on premises through a virtual IP that
keepalived moves (``entry.vip``). Without one, the passive node waits for a manual switch.

*Anti-pattern*::

    provider: aws
    # no entry: section
    tiers:
      web:
        services:
          nginx: {count: 2, failover: active-passive}

*Best practice*: ``entry: {dns_name: app.example.com, hosted_zone: example.com}`` on AWS,
``entry: {vip: 192.168.10.100}`` with ``provider: generic``.
"""

from __future__ import annotations

from collections.abc import Iterator

from tiered.findings import Finding, Severity
from tiered.rules.base import Context

ID = "TR008"
NAME = "entry-without-failover"
SEVERITY = Severity.WARNING


def check(context: Context) -> Iterator[Finding]:
    plan = context.plan
    entry = plan.entry
    if plan.provider == "aws":
        moved = entry is not None and bool(entry.dns_name and entry.hosted_zone)
        fix = (
            "add `entry: {dns_name: app.example.com, hosted_zone: example.com}`: Route 53 "
            "health checks and PRIMARY/SECONDARY failover records"
        )
        missing = "no DNS failover (entry.dns_name and entry.hosted_zone)"
    else:
        moved = entry is not None and entry.vip is not None
        fix = "add `entry: {vip: ADDRESS}` (an unused address of the network): keepalived moves it"
        missing = "no virtual IP (entry.vip)"
    if moved:
        return
    for name in plan.entry_services:
        service = plan.services[name]
        if service.failover != "active-passive" or service.count < 2:
            continue
        message = f"active-passive entry service with {missing}: clients stay on a failed node"
        yield context.finding(ID, SEVERITY, name, tuple(service.per_zone), message, fix)
