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
from tiered.rules.wording import each, either

ID = "TR006"
NAME = "cascading-failure"
SEVERITY = Severity.ERROR

Domain = tuple[str, ...]  # ("zone", z) | ("instance", s, z)
#: Failures, causes and root causes a finding lists before "and N more".
SHOWN = 3


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
    labels = {domain: _label(context, domain) for domain in through}
    by_cause: dict[tuple[str, str], list[str]] = {}  # (root, via) -> the failures through it
    by_root: dict[str, list[str]] = {}
    for domain, (root, via) in through.items():
        by_cause.setdefault((root, via), []).append(labels[domain])
        by_root.setdefault(root, []).append(labels[domain])
    what = either(list(labels.values()), SHOWN)
    causes = list(by_cause.items())
    if len(causes) == 1:
        (root, via), _ = causes[0]
        if root == via:
            message = (
                f"goes down when {what} fails: it depends on {via} (the root cause), "
                "which goes down"
            )
        else:
            message = (
                f"goes down when {what} fails: it depends on {via}, which goes down "
                f"(root cause: {root})"
            )
    else:
        parts = [_cause(root, via, either(failures, SHOWN)) for (root, via), failures in causes]
        shown = parts[:SHOWN] + ([f"{len(parts) - SHOWN} more"] if len(parts) > SHOWN else [])
        message = f"goes down when {what} fails: it depends on " + ", and on ".join(shown)
    if len(by_root) == 1:
        root, failures = next(iter(by_root.items()))
        fix = (
            f"fix the root cause, {root}, so that it survives {_each_of(failures)} "
            "(see its own finding)"
        )
    else:
        fixes = [
            f"{root} so that it survives {_each_of(failures)}" for root, failures in by_root.items()
        ]
        more = len(fixes) - SHOWN
        fix = "fix each root cause (see their own findings): " + ", ".join(
            fixes[:SHOWN] + ([f"and {more} more"] if more > 0 else [])
        )
    depends_on = context.plan.services[name].depends_on
    direct = [via for _, via in by_cause if via in depends_on]
    direct = list(dict.fromkeys(direct))
    if len(direct) == 1:
        fix += f"; if {name} can degrade gracefully without {direct[0]}, drop it from depends_on"
    elif direct:
        fix += (
            f"; if {name} can degrade gracefully without {either(direct)}, drop that one "
            "from depends_on"
        )
    zones = tuple(dict.fromkeys(d[-1] for d in through if d[0] in ("zone", "instance")))
    return context.finding(ID, SEVERITY, name, zones, message, fix)


def _cause(root: str, via: str, failures: str) -> str:
    """One way down: the dependency, the failures that take it down, and their root cause."""
    if root == via:
        return f"{via} (the root cause), which goes down when {failures} fails"
    return f"{via}, which goes down when {failures} fails (root cause: {root})"


def _each_of(failures: list[str]) -> str:
    """What a root cause must survive: one failure, or each of several (one at a time)."""
    return failures[0] if len(failures) == 1 else "each of " + each(failures, SHOWN)
