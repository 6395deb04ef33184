"""Apache Tomcat: a Java application server; the Java runtime and the install hook."""

from __future__ import annotations

from tiered.software.base import JAVA, Kind, assumed


class Tomcat(Kind):
    name = "tomcat"
    port = 8080
    failover = "active-active"
    packages = (JAVA,)
    modes = (assumed("active-active", "stateless replicas are assumed; no session replication"),)
    icon = "onprem/network/tomcat.png"
