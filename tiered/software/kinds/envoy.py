"""Envoy: a proxy configured by its own control plane; it gets the install hook."""

from __future__ import annotations

from tiered.software.base import Kind, assumed


class Envoy(Kind):
    name = "envoy"
    port = 8080
    failover = "active-active"
    listen = (80, 443)
    modes = (assumed("active-active", "tiered renders no Envoy configuration"),)
    icon = "onprem/network/envoy.png"
