"""Node.js applications: the runtime and the install hook."""

from __future__ import annotations

from tiered.software.base import Kind, assumed


class NodeJs(Kind):
    name = "nodejs"
    port = 3000
    failover = "active-active"
    packages = ("nodejs",)
    modes = (assumed("active-active", "stateless replicas are assumed"),)
    icon = "programming/language/nodejs.png"
