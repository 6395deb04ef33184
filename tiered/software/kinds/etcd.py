"""etcd: a raft key-value store; members reach each other on the peer port."""

from __future__ import annotations

from tiered.software.base import Kind, PeerPort, assumed


class Etcd(Kind):
    name = "etcd"
    port = 2379
    failover = "quorum"
    peers = (PeerPort(2380, 2380, "etcd peer traffic (raft)"),)
    modes = (assumed("quorum", "tiered renders no etcd cluster configuration (initial-cluster)"),)
    icon = "onprem/network/etcd.png"
