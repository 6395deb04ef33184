"""Redis: a primary and its replicas; Sentinel would move the primary (not rendered yet)."""

from __future__ import annotations

from tiered.software import probes
from tiered.software.base import Kind, PeerPort, assumed


class Redis(Kind):
    name = "redis"
    port = 6379
    failover = "active-passive"
    peers = (
        PeerPort(6379, 6379, "Redis replication"),
        PeerPort(26379, 26379, "Redis Sentinel"),
    )
    modes = (
        assumed(
            "active-passive",
            "no replication nor Sentinel is configured: that a replica takes over is assumed",
        ),
    )
    icon = "onprem/inmemory/redis.png"

    def health_probe(self, port: int, path: str | None = None, address: str = "127.0.0.1") -> str:
        """``PING`` answered with ``+PONG``."""
        return probes.exchange(address, port, b"PING\r\n", b"+PONG", until_close=False)
