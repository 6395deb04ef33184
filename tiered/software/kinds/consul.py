"""Consul servers: raft over RPC, membership over serf gossip (TCP and UDP)."""

from __future__ import annotations

from tiered.software.base import Kind, PeerPort, assumed


class Consul(Kind):
    name = "consul"
    port = 8500
    failover = "quorum"
    peers = (
        PeerPort(8300, 8300, "Consul server RPC (raft)"),
        PeerPort(8301, 8302, "Consul serf gossip (LAN, WAN)"),
        PeerPort(8301, 8302, "Consul serf gossip (LAN, WAN)", "udp"),
    )
    modes = (assumed("quorum", "tiered renders no Consul server configuration (retry_join)"),)
    icon = "onprem/network/consul.png"
