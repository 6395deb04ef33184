"""TR011 managed-single-failure: a managed service whose own failure takes the system down.

The model counts a managed database (RDS) and a managed file system (EFS) as one regional
failure domain each: Multi-AZ and per-zone mount targets survive the loss of a zone, but
not the failure of the service itself (a regional outage of the service, a corrupted or
deleted database, an operator's mistake). When everything depends on it, that one domain
takes the system down, whatever the zones; the fault tolerance and the availability
estimate say so too (the ``database`` and ``filesystem`` figures of ``assumptions``).

A warning, not an error: a managed service is often the right trade-off. What mitigates
it is a recovery you know: automated backups (RDS point-in-time recovery, AWS Backup for
EFS) with a restore you have tested and timed (that time is your recovery time), and,
for the regional failure, a copy in a second region (a cross-region read replica or
backup copy, EFS replication). Once that is in place, or the risk is knowingly taken,
accept the finding on the service with the reason.

*Anti-pattern*::

    app:
      depends_on: [db]        # nothing said about what happens when db itself fails
    db:
      kind: database

*Best practice*: backups with a tested restore time and, where the budget allows, a
second region; then ``accept: [{rule: TR011, reason: "PITR, restore tested at 40 min"}]``.
"""

from __future__ import annotations

from collections.abc import Iterator

from tiered.findings import Finding, Severity
from tiered.rules.base import Context

ID = "TR011"
NAME = "managed-single-failure"
SEVERITY = Severity.WARNING

_FIX = {
    "database": "keep automated backups (point-in-time recovery) and test and time the "
    "restore; for a regional failure, a cross-region replica in a second region; then "
    "accept it: `accept: [{rule: TR011, reason: ...}]`",
    "filesystem": "back it up (AWS Backup) and test and time the restore; for a regional "
    "failure, EFS replication to a second region; then accept it: "
    "`accept: [{rule: TR011, reason: ...}]`",
}


def check(context: Context) -> Iterator[Finding]:
    for name, service in context.plan.services.items():
        if not service.managed or name not in context.calls.closure:
            continue
        message = (
            f"the {service.noun} is one regional failure domain: when it fails as a "
            "whole, the system is down, whatever the zones"
        )
        # No zones: the failure domain is the managed service itself, whatever its zones.
        yield context.finding(ID, SEVERITY, name, (), message, _FIX[service.kind])
