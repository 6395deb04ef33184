"""PostgreSQL run on the instances (not RDS): a primary streaming to its standbys."""

from __future__ import annotations

from tiered.software.base import Kind, PeerPort, assumed


class Postgres(Kind):
    name = "postgres"
    port = 5432
    failover = "primary-standby"
    peers = (PeerPort(5432, 5432, "PostgreSQL streaming replication"),)
    modes = (
        assumed(
            "primary-standby",
            "no streaming replication nor promotion is configured: the takeover is assumed",
        ),
    )
    icon = "onprem/database/postgresql.png"
