"""Redis: a primary, its replicas and a Sentinel beside each, which moves the primary.

``active-passive``: the first planned member starts as the primary, every other member as
its replica (``replicaof``); each instance also runs a Sentinel (``sentinel.conf``)
monitoring the primary under the name ``primary`` with a quorum of a majority of the
members. When the primary fails, the Sentinels that survive (a majority of them must)
promote a replica and reconfigure the others; clients ask any Sentinel for the primary
(``<SERVICE>_SENTINELS``, ``<SERVICE>_MASTER_NAME``). With fewer than three members the
Sentinels of the survivors are no majority: the failover is not delivered (TR012 says so).

The files sit where Debian's ``redis-server`` and ``redis-sentinel`` packages read them
(``/etc/redis/``). On aws: Amazon Linux 2023's ``redis6`` package, the ``redis`` account
and a systemd unit for each daemon.
"""

from __future__ import annotations

from tiered.software import probes
from tiered.software.base import FailoverDelivery, Kind, PeerPort, SystemUser
from tiered.software.context import InstanceContext
from tiered.software.delivery import Delivery, Unit, header

PORT, SENTINEL_PORT = 6379, 26379
REDIS_CONF, SENTINEL_CONF = "/etc/redis/redis.conf", "/etc/redis/sentinel.conf"
DATA, SENTINEL_DATA = "/var/lib/redis", "/var/lib/redis-sentinel"
#: The name the Sentinels monitor the primary under (each service has its own Sentinels).
MASTER_NAME = "primary"
#: Sentinel timing: a primary silent this long is down; a failover may take this long.
DOWN_AFTER_MS, FAILOVER_TIMEOUT_MS = 5000, 60000
#: Amazon Linux 2023 ships Redis 6 as ``redis6`` (binaries ``redis6-server`` …).
AL2023_PACKAGE = "redis6"
SENTINELS_NEEDED = 3


def quorum(members: int) -> int:
    """Sentinels that must agree the primary is down: a majority of the members."""
    return members // 2 + 1


def redis_conf(instance: InstanceContext) -> str:
    """redis.conf of one member: its own address, a replica of the first member unless it
    is the first one."""
    service = instance.service
    primary = service.members[0]
    lines = [
        header(service.topology, service.name, "redis.conf").rstrip("\n"),
        f"# member {instance.ordinal} of {len(service.members)}, {instance.zone}",
        f"bind {instance.address}",
        "# the Sentinels and the primary know this replica by its planned address",
        f"replica-announce-ip {instance.address}",
        "protected-mode no",
        f"port {service.port}",
        "daemonize no",
        f"dir {DATA}",
        "appendonly yes",
        "# a replica the Sentinels promote must accept writes; a stale one does not serve",
        "replica-serve-stale-data no",
        "replica-read-only yes",
    ]
    if instance.ordinal != primary.ordinal:
        lines.append("# the primary at first; the Sentinels move it (they rewrite this line)")
        lines.append(f"replicaof {primary.address} {service.port}")
    return "\n".join(lines) + "\n"


def sentinel_conf(instance: InstanceContext) -> str:
    """sentinel.conf of one member: monitors the first member as the primary."""
    service = instance.service
    primary = service.members[0]
    name = MASTER_NAME
    lines = [
        header(service.topology, service.name, "sentinel.conf").rstrip("\n"),
        "# Sentinel rewrites this file as the primary moves: it must be writable by redis.",
        f"bind {instance.address}",
        "# the other Sentinels know this one by its planned address",
        f"sentinel announce-ip {instance.address}",
        "protected-mode no",
        f"port {SENTINEL_PORT}",
        "daemonize no",
        f"dir {SENTINEL_DATA}",
        f"# quorum {quorum(len(service.members))}: a majority of the "
        f"{len(service.members)} members",
        f"sentinel monitor {name} {primary.address} {service.port} {quorum(len(service.members))}",
        f"sentinel down-after-milliseconds {name} {DOWN_AFTER_MS}",
        f"sentinel failover-timeout {name} {FAILOVER_TIMEOUT_MS}",
        f"sentinel parallel-syncs {name} 1",
    ]
    return "\n".join(lines) + "\n"


def _exec(binary: str, config: str) -> str:
    """An ExecStart line: Amazon Linux names the binaries redis6-*, Debian redis-*."""
    return (
        f"ExecStart=/bin/sh -c 'exec \"$(command -v {binary.replace('redis', 'redis6', 1)} "
        f"|| command -v {binary})\" {config}'\n"
    )


class Redis(Kind):
    name = "redis"
    port = PORT
    failover = "active-passive"
    peers = (
        PeerPort(PORT, PORT, "Redis replication"),
        PeerPort(SENTINEL_PORT, SENTINEL_PORT, "Redis Sentinel"),
    )
    packages = (AL2023_PACKAGE,)
    user = SystemUser("redis", 884)
    config_files = (REDIS_CONF, SENTINEL_CONF)
    configured = "full"
    modes = (
        FailoverDelivery(
            "active-passive",
            files=(REDIS_CONF, SENTINEL_CONF),
            packages=(AL2023_PACKAGE,),
            units=("redis", "redis-sentinel"),
            note="replicas of the first member, a Sentinel on each member promotes one "
            "when the primary fails (three members at least: a majority of Sentinels)",
            min_members=SENTINELS_NEEDED,
        ),
    )
    icon = "onprem/inmemory/redis.png"

    def health_probe(self, port: int, path: str | None = None, address: str = "127.0.0.1") -> str:
        """``PING`` answered with ``+PONG``."""
        return probes.exchange(address, port, b"PING\r\n", b"+PONG", until_close=False)

    def endpoint_variables(self, members: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
        """Also ``SENTINELS`` (every member's Sentinel) and ``MASTER_NAME``: a client asks a
        Sentinel for the primary's address (``SENTINEL get-master-addr-by-name``)."""
        sentinels = ",".join(f"{m.rpartition(':')[0]}:{SENTINEL_PORT}" for m in members)
        return (
            *super().endpoint_variables(members),
            ("SENTINELS", sentinels),
            ("MASTER_NAME", MASTER_NAME),
        )

    def render(self, instance: InstanceContext) -> Delivery:
        delivery = Delivery(self.name)
        delivery.add_file(REDIS_CONF, redis_conf(instance))
        delivery.add_file(SENTINEL_CONF, sentinel_conf(instance))
        delivery.steps.append(
            f"install -d -o redis -g redis {DATA} {SENTINEL_DATA}\n"
            f"chown redis:redis {REDIS_CONF} {SENTINEL_CONF}"
        )
        member = f"member {instance.ordinal} of {instance.service.name}"
        delivery.units.append(
            Unit(
                "redis",
                f"Redis, {member}",
                f"User=redis\nGroup=redis\n{_exec('redis-server', REDIS_CONF)}",
            )
        )
        delivery.units.append(
            Unit(
                "redis-sentinel",
                f"Redis Sentinel, {member}",
                f"User=redis\nGroup=redis\n{_exec('redis-sentinel', SENTINEL_CONF)}",
            )
        )
        return delivery
