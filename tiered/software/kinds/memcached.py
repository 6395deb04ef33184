"""memcached: independent cache nodes; clients spread keys over them."""

from __future__ import annotations

from tiered.software.base import Kind, assumed


class Memcached(Kind):
    name = "memcached"
    port = 11211
    failover = "active-active"
    modes = (assumed("active-active", "independent nodes: a lost node loses its keys"),)
    icon = "onprem/inmemory/memcached.png"
