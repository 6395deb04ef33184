"""HAProxy: a proxy in front of a tier; tiered installs the package, the hook does the rest."""

from __future__ import annotations

from tiered.software.base import Kind, assumed


class Haproxy(Kind):
    name = "haproxy"
    port = 80
    failover = "active-passive"
    listen = (80, 443)
    packages = ("haproxy",)
    config_files = ()
    modes = (
        assumed("active-passive", "tiered renders no haproxy.cfg nor anything that moves clients"),
        assumed("active-active", "tiered renders no haproxy.cfg"),
    )
    icon = "onprem/network/haproxy.png"
