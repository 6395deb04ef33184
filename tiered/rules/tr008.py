"""TR008 entry-without-failover: an active-passive entry service with no way to move clients.

An active-passive pair at the entry only helps if clients are moved to the passive node
when the active one fails: on AWS through Route 53 failover records with health checks
(``entry.dns_name`` and ``entry.hosted_zone``), on premises through a virtual IP that
keepalived moves (``entry.vip``). Without one, the passive node waits for a manual switch.
keepalived fails over an active-passive NGINX pair only (its health check is NGINX's): any
other active-passive entry service on premises needs such a pair in front of it.

*Anti-pattern*::

    provider: aws
    # no entry: section
    tiers:
      web:
        services:
          nginx: {count: 2, failover: active-passive}

*Best practice*: ``entry: {dns_name: app.example.com, hosted_zone: example.com}`` on AWS,
``entry: {vip: 192.168.10.100}`` with ``provider: generic`` and an NGINX pair at the entry.
"""

from __future__ import annotations

from collections.abc import Iterator

from tiered.findings import Finding, Severity
from tiered.placement.networks.entry_segment import vrrp_pair
from tiered.placement.vip_pair import PAIR_SETTINGS
from tiered.rules.base import Context
from tiered.software import software

ID = "TR008"
NAME = "entry-without-failover"
SEVERITY = Severity.WARNING


def check(context: Context) -> Iterator[Finding]:
    plan = context.plan
    entry = plan.entry
    pair = vrrp_pair(plan.services) if plan.provider == "generic" else None
    for name in plan.entry_services:
        service = plan.services[name]
        if service.failover != "active-passive" or service.count < 2:
            continue
        if plan.provider == "aws":
            if entry is not None and entry.dns_name and entry.hosted_zone:
                continue
            missing = "no DNS failover (entry.dns_name and entry.hosted_zone)"
            fix = (
                "add `entry: {dns_name: app.example.com, hosted_zone: example.com}`: Route 53 "
                "health checks and PRIMARY/SECONDARY failover records"
            )
        elif pair is not None and pair.name == name:
            if entry is not None and entry.vip is not None:
                continue
            missing = "no virtual IP (entry.vip)"
            fix = (
                "add `entry: {vip: ADDRESS}` (an unused address of the network): keepalived "
                "moves it"
            )
        elif pair is not None and software(service.software).holds_vip:
            missing = f"no virtual IP of its own (keepalived moves entry.vip for {pair.name})"
            fix = (
                f"run one active-passive NGINX pair at the entry ({pair.name}); or accept TR008 "
                f"with the reason if something outside tiered moves clients to the passive {name}"
            )
        else:
            missing = "nothing to move clients (keepalived fails over only an NGINX pair)"
            fix = (
                f"put an NGINX pair ({PAIR_SETTINGS}) in a tier in front of {name}, routing to "
                "it, and add `entry: {vip: ADDRESS}`; or accept TR008 with the reason if "
                f"something outside tiered moves clients to the passive {name}"
            )
        message = f"active-passive entry service with {missing}: clients stay on a failed node"
        yield context.finding(ID, SEVERITY, name, tuple(service.per_zone), message, fix)
