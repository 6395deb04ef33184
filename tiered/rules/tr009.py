"""TR009 tier-skipping: a service reaches past the next tier.

Tiers are layers: each talks to the next one in. A presentation service calling the data
tier directly bypasses the application tier's checks, widens the data tier's security
groups to the DMZ, and couples the outermost layer to the innermost.

*Anti-pattern*::

    web:  {services: {nginx: {depends_on: [db]}}}   # presentation → data
    app:  ...
    data: {services: {db: ...}}

*Best practice*: go through the next tier: the presentation tier routes to the application
tier, which is the only caller of the data tier.
"""

from __future__ import annotations

from collections.abc import Iterator

from tiered.findings import Finding, Severity
from tiered.rules.base import Context

ID = "TR009"
NAME = "tier-skipping"
SEVERITY = Severity.WARNING


def check(context: Context) -> Iterator[Finding]:
    plan = context.plan
    index = {tier.name: i for i, tier in enumerate(plan.tiers)}
    for name, service in plan.services.items():
        here = index[service.tier]
        targets: list[tuple[str, tuple[str | int, ...]]] = [
            (t, ("depends_on", i)) for i, t in enumerate(service.depends_on)
        ]
        targets += [(r.to, ("routes", i, "to")) for i, r in enumerate(service.routes)]
        for target, where in targets:
            there = index[plan.services[target].tier]
            if there <= here + 1:
                continue
            skipped = [tier.name for tier in plan.tiers[here + 1 : there]]
            message = (
                f"{name} (tier {service.tier}) calls {target} (tier "
                f"{plan.services[target].tier}) directly, skipping tier {', '.join(skipped)}"
            )
            fix = f"reach {target} through a service of tier {skipped[0]}"
            yield context.finding(
                ID,
                SEVERITY,
                name,
                (),
                message,
                fix,
                location=context.locate(name, *where, key=False),
            )
