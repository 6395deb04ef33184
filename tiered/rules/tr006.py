"""TR006 cascading-failure: a service goes down in a single failure because a dependency does.

A service is only as available as everything it depends on: when a dependency goes down,
so does every service that calls it, all the way to the entry tier. The finding names the
failure, the dependency the service goes down through, and the root cause: the service
that failed on its own.

*Anti-pattern*: ``solr`` and ``integrate`` depend on a ZooKeeper ensemble of 2+1 over
two zones; losing the zone holding two members takes the quorum, then Solr, then the
application down, although both run replicas in both zones.

Single failures are those of a zone or an instance; the outage of a managed service as a
whole (the database, the file system) is the provider's to prevent: it shows in the
scenarios, the fault tolerance and the availability, not as a finding.

*Best practice*: fix the root cause (the dependency's own finding says how), or make the
dependency soft (the service degrades instead of failing) and drop it from
``depends_on``.
"""

from __future__ import annotations

from collections.abc import Iterator

from tiered.findings import Finding, Severity
from tiered.rules.base import Context

ID = "TR006"
NAME = "cascading-failure"
SEVERITY = Severity.ERROR

Domain = tuple[str, ...]  # ("zone", z) | ("instance", s, z)


def check(context: Context) -> Iterator[Finding]:
    plan = context.plan
    calls = context.calls
    down_by: dict[str, dict[Domain, tuple[str, str]]] = {}  # domain -> (root, via)
    found: dict[str, dict[Domain, tuple[str, str]]] = {}
    for name in calls.order:  # callees first
        service = plan.services[name]
        own: dict[Domain, tuple[str, str]] = {}
        for zone in service.per_zone:
            if name in context.down_when_zone_fails(zone):
                own[("zone", zone)] = (name, name)
        if not service.managed and service.count - 1 < service.survivors_needed:
            for zone in service.per_zone:
                own[("instance", name, zone)] = (name, name)
        through: dict[Domain, tuple[str, str]] = {}
        for callee in calls.callees[name]:
            for domain, (root, _) in down_by[callee].items():
                if domain not in own and domain not in through:
                    through[domain] = (root, callee)
        down_by[name] = {**own, **through}
        if through:
            found[name] = through
    for name in plan.services:
        if name in found:
            yield _finding(context, name, found[name])


def _label(context: Context, domain: Domain) -> str:
    if domain[0] == "zone":
        return domain[1]
    return f"an instance of {domain[1]} in {domain[2]}"


def _finding(context: Context, name: str, through: dict[Domain, tuple[str, str]]) -> Finding:
    domains = list(through)
    first = domains[0]
    root, via = through[first]
    labels = [_label(context, d) for d in domains[:3]]
    more = len(domains) - len(labels)
    what = ", ".join(labels) + (f" and {more} more" if more > 0 else "")
    if root == via:
        message = (
            f"goes down when {what} fails: it depends on {via} (the root cause), which goes down"
        )
    else:
        message = (
            f"goes down when {what} fails: it depends on {via}, which goes down "
            f"(root cause: {root})"
        )
    fix = (
        f"fix the root cause, {root}, so that it survives {_label(context, first)} "
        "(see its own finding)"
    )
    if via in context.plan.services[name].depends_on:
        fix += f"; if {name} can degrade gracefully without {via}, drop it from depends_on"
    zones = tuple(dict.fromkeys(d[-1] for d in domains if d[0] in ("zone", "instance")))
    return context.finding(ID, SEVERITY, name, zones, message, fix)
