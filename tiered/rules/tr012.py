"""TR012 failover-assumed: a failover mode that nothing tiered renders delivers.

The analysis counts a replicated service as failing over in its ``failover`` mode: a passive
replica takes over, a quorum elects, a replica stays when another dies. For some software
tiered renders what makes that true (ZooKeeper's ensemble, ActiveMQ's shared store, Redis
Sentinel, keepalived's virtual IP); for the others it renders an environment file and an
install hook only, and for ``generic`` software it cannot know how the software fails over.
There the failover is *assumed*: the fault tolerance and the availability trust it, but the
rendered system does not do it until you provide the mechanism (replication, a failover
manager such as Sentinel or Patroni, the cluster membership of a quorum). The report's
availability lists these services.

Which services: those in ``active-passive``, ``primary-standby`` or ``quorum`` mode (a role
moves, or the survivors elect), and those in ``active-active`` mode whose members form a
cluster (the kind declares peer ports: Kafka, Elasticsearch, RabbitMQ) or whose software
tiered does not know (``generic``), when the kind does not deliver the mode, or delivers it
only for more members than the service has (Redis Sentinel needs three: a majority of
Sentinels must survive the primary). Independent replicas of a known stateless kind (NGINX,
Tomcat, Node.js) fail over by being routed around, which the proxy and the entry do (TR008,
TR010); a single replica or ``failover: none`` has nothing to fail over.

A warning, not an error: the mechanism may be yours (configuration management, an operator,
an image). Provide it, then accept the finding with what provides it.

*Anti-pattern*::

    queue:
      software: kafka
      count: 3
      failover: quorum           # no KRaft controller quorum is rendered
    cache:
      software: redis
      count: 2
      failover: active-passive   # Sentinel is rendered, but 1 of 2 is no majority

*Best practice*: software whose failover tiered renders, with the members it needs, or
your own mechanism and ``accept: [{rule: TR012, reason: "KRaft from our Ansible role"}]``.
"""

from __future__ import annotations

from collections.abc import Iterator

from tiered.findings import Finding, Severity
from tiered.rules.base import Context
from tiered.software import software
from tiered.software.base import Kind

ID = "TR012"
NAME = "failover-assumed"
SEVERITY = Severity.WARNING

_WHAT = {
    "active-active": "that the surviving replicas carry on without the failed one (shared "
    "or replicated state, clients that move)",
    "active-passive": "replication to the passive replicas and something that promotes one "
    "and moves clients to it",
    "primary-standby": "replication to the standby and a failover manager that promotes it "
    "and moves clients to it",
    "quorum": "the cluster membership of every member (the initial cluster) so that the "
    "survivors elect",
}


def assumed_failover(kind: Kind, mode: str, count: int) -> str | None:
    """Why failover ``mode`` of ``count`` members of ``kind`` is assumed (what tiered does
    not render), or None when tiered delivers it or the software has nothing to do."""
    if mode == "none" or count < 2 or not _fails_over_by_itself(kind, mode):
        return None
    delivery = kind.delivery(mode)
    if delivery is None:
        return f"tiered renders no {mode} mechanism for {kind.name}"
    if not delivery.delivered:
        return delivery.note or f"tiered renders no {mode} mechanism for {kind.name}"
    if count < delivery.min_members:
        return (
            f"tiered renders it for {delivery.min_members} members or more, not "
            f"{count}: {delivery.note}"
        )
    return None


def check(context: Context) -> Iterator[Finding]:
    for name, service in context.plan.services.items():
        if service.managed:
            continue
        mode = service.failover
        why = assumed_failover(software(service.software), mode, service.count)
        if why is None:
            continue
        message = (
            f"{mode} failover of {service.software} is assumed, not delivered ({why}): the "
            "analysis counts it as failing over, the rendered system does not"
        )
        fix = (
            f"provide {_WHAT.get(mode, 'the failover mechanism')}; then accept it: "
            "`accept: [{rule: TR012, reason: ...}]`"
        )
        yield context.finding(ID, SEVERITY, name, (), message, fix)


def _fails_over_by_itself(kind: Kind, mode: str) -> bool:
    """Whether the software itself must do something for ``mode`` (not only the routing)."""
    return mode != "active-active" or bool(kind.peers) or kind.name == GENERIC


GENERIC = "generic"
