"""RabbitMQ: brokers cluster over epmd and the inter-node port."""

from __future__ import annotations

from tiered.software.base import Kind, PeerPort, assumed


class RabbitMq(Kind):
    name = "rabbitmq"
    port = 5672
    failover = "active-active"
    peers = (
        PeerPort(4369, 4369, "RabbitMQ peer discovery (epmd)"),
        PeerPort(25672, 25672, "RabbitMQ inter-node and CLI traffic"),
    )
    modes = (assumed("active-active", "tiered renders no cluster nor quorum-queue configuration"),)
    icon = "onprem/queue/rabbitmq.png"
