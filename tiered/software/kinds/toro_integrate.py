"""TORO Integrate: a Java integration platform; the Java runtime and the install hook."""

from __future__ import annotations

from tiered.software.base import JAVA, Kind, assumed


class ToroIntegrate(Kind):
    name = "toro-integrate"
    port = 8080
    failover = "active-active"
    packages = (JAVA,)
    modes = (assumed("active-active", "tiered renders no TORO Integrate configuration"),)
