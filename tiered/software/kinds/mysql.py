"""MySQL run on the instances (not RDS): a primary replicating to its standbys."""

from __future__ import annotations

from tiered.software.base import Kind, PeerPort, assumed


class MySql(Kind):
    name = "mysql"
    port = 3306
    failover = "primary-standby"
    peers = (PeerPort(3306, 3306, "MySQL replication"),)
    modes = (
        assumed(
            "primary-standby", "no replication nor promotion is configured: the takeover is assumed"
        ),
    )
    icon = "onprem/database/mysql.png"
