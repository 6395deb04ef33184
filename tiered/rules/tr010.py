"""TR010 proxied-without-health-check: a replicated service behind a proxy, no health check.

A proxy spreads requests over the replicas of the services it routes to. Without a
health check it only learns that a replica is dead from failed requests, and keeps
sending it traffic between attempts; with one, it takes the replica out of rotation
before users notice.

*Anti-pattern*::

    nginx: {routes: [{path: /, to: app}]}
    app:   {count: 3}                  # no health_check

*Best practice*::

    app:
      count: 3
      health_check: {path: /health, interval: 10, timeout: 5, unhealthy_threshold: 3}
"""

from __future__ import annotations

from collections.abc import Iterator

from tiered.findings import Finding, Severity
from tiered.rules.base import Context

ID = "TR010"
NAME = "proxied-without-health-check"
SEVERITY = Severity.WARNING


def check(context: Context) -> Iterator[Finding]:
    plan = context.plan
    proxies: dict[str, list[str]] = {}
    for name, service in plan.services.items():
        for route in service.routes:
            proxies.setdefault(route.to, [])
            if name not in proxies[route.to]:
                proxies[route.to].append(name)
    for name, service in plan.services.items():
        if name not in proxies or service.managed or service.count < 2:
            continue
        if service.health_check is not None:
            continue
        message = (
            f"{service.count} replicas behind {', '.join(proxies[name])} without a health check: "
            "a dead replica keeps receiving requests"
        )
        fix = (
            "add `health_check: {path: /health, interval: 10, timeout: 5, unhealthy_threshold: 3}`"
        )
        yield context.finding(ID, SEVERITY, name, tuple(service.per_zone), message, fix)
