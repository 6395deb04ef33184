"""Elasticsearch: nodes replicate shards over the transport port."""

from __future__ import annotations

from tiered.software.base import Kind, PeerPort, assumed


class Elasticsearch(Kind):
    name = "elasticsearch"
    port = 9200
    failover = "active-active"
    peers = (PeerPort(9300, 9300, "Elasticsearch transport between nodes"),)
    modes = (assumed("active-active", "tiered renders no cluster configuration (seed hosts)"),)
    icon = "elastic/elasticsearch/elasticsearch.png"
