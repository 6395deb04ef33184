"""What tiered knows about the software a service runs: default ports and failover modes."""

from __future__ import annotations

from dataclasses import dataclass

from tiered.validation.model import Failover


@dataclass(frozen=True, slots=True)
class Software:
    """Defaults a service inherits from the software it runs."""

    port: int
    failover: Failover
    listen: tuple[int, ...] = ()


SOFTWARE: dict[str, Software] = {
    "generic": Software(8080, "active-active"),
    "nginx": Software(80, "active-passive", (80, 443)),
    "haproxy": Software(80, "active-passive", (80, 443)),
    "envoy": Software(8080, "active-active", (80, 443)),
    "toro-integrate": Software(8080, "active-active"),
    "tomcat": Software(8080, "active-active"),
    "nodejs": Software(3000, "active-active"),
    "zookeeper": Software(2181, "quorum"),
    "etcd": Software(2379, "quorum"),
    "consul": Software(8500, "quorum"),
    "solr": Software(8983, "active-active"),
    "elasticsearch": Software(9200, "active-active"),
    "activemq": Software(61616, "active-passive"),
    "rabbitmq": Software(5672, "active-active"),
    "kafka": Software(9092, "active-active"),
    "redis": Software(6379, "active-passive"),
    "memcached": Software(11211, "active-active"),
    "postgres": Software(5432, "primary-standby"),
    "mysql": Software(3306, "primary-standby"),
}

#: Database engines of a managed ``kind: database`` service and their ports.
ENGINE_PORTS: dict[str, int] = {"postgres": 5432, "mysql": 3306, "mariadb": 3306}

#: The port of the NFS protocol a managed file system is reached on.
NFS_PORT = 2049


def survivors_needed(failover: str, count: int, min_healthy: int) -> int:
    """Replicas that must survive for a service in ``failover`` mode to stay up."""
    if failover == "active-active":
        return min_healthy
    if failover == "quorum":
        return count // 2 + 1
    if failover == "none":
        return count
    return 1
