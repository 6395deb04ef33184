"""Apache Kafka: brokers replicate partitions to each other on the client port."""

from __future__ import annotations

from tiered.software.base import JAVA, Kind, PeerPort, assumed


class Kafka(Kind):
    name = "kafka"
    port = 9092
    failover = "active-active"
    peers = (PeerPort(9092, 9092, "Kafka replication between brokers"),)
    packages = (JAVA,)
    modes = (
        assumed("active-active", "tiered renders no broker configuration (KRaft, replication)"),
    )
    icon = "onprem/queue/kafka.png"
