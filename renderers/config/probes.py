"""The health probe of each software: the shell check a boot waits for before it reports success.

``health_probe`` is the one place that knows, per software, what "the service answers"
means on the instance itself (its planned address, its port): ZooKeeper answers ``srvr`` as
a member of a quorum; Solr's health endpoint answers; the ActiveMQ broker greets on its
port, or, the passive member of a shared-storage pair, runs while the other broker holds
the KahaDB lock (it legitimately waits for the lock and opens no port); nginx answers its
``/healthz``; an application answers its declared ``health_check`` path on its port (its
port accepting connections when it declares none), once an artifact was given.

Every check is ``curl`` (on the Amazon Linux 2023 image): HTTP for web services, its
``telnet://`` mode for the raw TCP ones (ZooKeeper's four-letter words, OpenWire).
"""

from __future__ import annotations

from tiered.placement.plan import Instance, Plan, ServicePlan
from tiered.renderers.config.model import Probe
from tiered.renderers.nginx import HEALTH_PATH, TLS_PORT

#: How often and how long a boot polls its service: 60 tries, 5 s apart (JVMs start slowly).
PROBE_ATTEMPTS, PROBE_PAUSE = 60, 5
#: How a ZooKeeper member in a working ensemble answers ``srvr``.
SERVING = "Mode: (leader|follower|standalone)"


def _probe(what: str, check: str) -> Probe:
    return Probe(what, check, PROBE_ATTEMPTS, PROBE_PAUSE)


def zookeeper_serving(address: str) -> str:
    """Whether the ZooKeeper server at ``address`` (host:port) serves in a quorum."""
    return (
        f"printf srvr | curl -s --max-time 3 telnet://{address} 2>/dev/null | grep -Eq '{SERVING}'"
    )


def http_answers(url: str, *, any_status: bool = False) -> str:
    """Whether ``url`` answers: with a 2xx/3xx status, or with any (``any_status``)."""
    fail = "" if any_status else "f"
    insecure = " -k" if url.startswith("https:") else ""
    return f"curl -s{fail}{insecure} -o /dev/null --max-time 5 {url}"


def port_open(address: str) -> str:
    """Whether something accepts TCP connections at ``address`` (curl's 7: refused)."""
    return (
        f"{{ rc=0; curl -s -o /dev/null --max-time 2 telnet://{address} </dev/null || rc=$?; "
        '[ "$rc" -ne 7 ]; }'
    )


def health_probe(
    software: str, plan: Plan, service: ServicePlan, instance: Instance
) -> Probe | None:
    """The probe of ``instance`` running ``software`` (``hook``: an application)."""
    address = f"{instance.ip}:{service.port}"
    if software == "zookeeper":
        return _probe(f"ZooKeeper on {address} serving in a quorum", zookeeper_serving(address))
    if software == "solr":
        cloud = any(plan.services[d].software == "zookeeper" for d in service.depends_on)
        path = "/solr/admin/info/health" if cloud else "/solr/admin/info/system"
        return _probe(
            f"Solr answering {path} on {address}", http_answers(f"http://{address}{path}")
        )
    if software == "activemq":
        from tiered.renderers.config.services import kahadb_directory

        lock = f"{kahadb_directory(plan, service)}/lock"
        greets = (
            f"curl -s --max-time 3 telnet://{address} </dev/null 2>/dev/null | grep -aq ActiveMQ"
        )
        waits = f"{{ systemctl is-active --quiet activemq && [ -e {lock} ]; }}"
        return _probe(
            f"the broker greeting on {address}, or running while the other broker holds {lock}",
            f"{greets} || {waits}",
        )
    if software == "nginx":
        plain = [p for p in service.listen if p != TLS_PORT]
        scheme, port = ("http", plain[0]) if plain else ("https", TLS_PORT)
        url = f"{scheme}://{instance.ip}:{port}{HEALTH_PATH}"
        return _probe(f"nginx answering {url}", http_answers(url))
    if service.port is None:
        return None
    if service.health_check is not None:
        url = f"http://{address}{service.health_check.path}"
        check, what = http_answers(url), f"{service.name} answering {url}"
    else:
        check, what = port_open(address), f"{service.name} accepting connections on {address}"
    # without an artifact nothing is installed: there is nothing to wait for
    return _probe(f"{what} (when an artifact was given)", f'[ -z "$artifact_url" ] || {check}')
