"""TR004 even-quorum: a quorum ensemble with an even number of members.

A majority of 2n members is n+1, so 2n members tolerate n-1 failures: no more than 2n-1
members would, with one server more to run and one more to fail.

*Anti-pattern*::

    etcd:
      count: 4
      failover: quorum

*Best practice*: an odd count: 3 (tolerates one failure), 5 (two), 7 (three).
"""

from __future__ import annotations

from collections.abc import Iterator

from tiered.findings import Finding, Severity
from tiered.rules.base import Context
from tiered.rules.spread import spread_fix

ID = "TR004"
NAME = "even-quorum"
SEVERITY = Severity.WARNING


def check(context: Context) -> Iterator[Finding]:
    for name, service in context.plan.services.items():
        if service.failover != "quorum" or service.count % 2:
            continue
        tolerance = service.count - service.survivors_needed
        message = (
            f"{service.count} members tolerate {tolerance} failure"
            f"{'s' if tolerance != 1 else ''}, no more than {service.count - 1} would"
        )
        fix, edits = spread_fix(context, name)
        yield context.finding(
            ID, SEVERITY, name, tuple(service.per_zone), message, fix, edits=edits
        )
