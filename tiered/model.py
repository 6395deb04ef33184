"""The topology format as pydantic models: declarations and single-field checks only.

Checks that span fields or refer to other parts of the file (references, placement,
zones of the region, CIDR fit) live in ``tiered.validation.checks`` so that each one can be
reported at the right place with a hint.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

#: Tier, service and zone names: they end up in file names, logical ids and configs.
NAME_PATTERN = r"^[a-z][a-z0-9-]{0,62}$"
#: Route and health-check paths: plain URL paths, nothing nginx could read as syntax.
URL_PATH_PATTERN = r"^/[A-Za-z0-9._~/-]*$"
#: DNS host names (RFC 1123), lowercase or not, without a trailing dot.
HOSTNAME_PATTERN = (
    r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
)
#: File paths written into configs (certificates): no spaces, quotes or parent references.
FILE_PATH_PATTERN = r"^/?[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$"
#: Rule ids as published: TR001 ...
RULE_ID_PATTERN = r"^TR[0-9]{3}$"
#: Instance types and RDS classes (t3.micro, db.t3.micro, m7g.2xlarge).
INSTANCE_TYPE_PATTERN = r"^[a-z0-9-]+(\.[a-z0-9-]+){1,2}$"
#: Compute sizes: an EC2 type on provider aws (checked there), any safe size name on premises.
SIZE_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"

Name = Annotated[str, StringConstraints(pattern=NAME_PATTERN)]
UrlPath = Annotated[str, StringConstraints(pattern=URL_PATH_PATTERN, max_length=256)]
Hostname = Annotated[str, StringConstraints(pattern=HOSTNAME_PATTERN, max_length=253)]
FilePath = Annotated[str, StringConstraints(pattern=FILE_PATH_PATTERN, max_length=512)]
InstanceType = Annotated[str, StringConstraints(pattern=INSTANCE_TYPE_PATTERN, max_length=64)]
SizeName = Annotated[str, StringConstraints(pattern=SIZE_NAME_PATTERN, max_length=64)]
Port = Annotated[int, Field(ge=1, le=65535)]
Seconds = Annotated[int, Field(ge=1, le=3600)]
Threshold = Annotated[int, Field(ge=1, le=10)]
Probability = Annotated[float, Field(gt=0, lt=1)]

Failover = Literal["active-active", "active-passive", "quorum", "primary-standby", "none"]
Kind = Literal["compute", "database", "filesystem"]
Role = Literal["presentation", "application", "data"]
Balance = Literal["round-robin", "least-conn", "ip-hash"]
Engine = Literal["postgres", "mysql", "mariadb"]
Provider = Literal["aws", "generic"]
Nat = Literal["per-zone", "single"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class HealthCheck(_Model):
    """How a service's health is probed (by nginx passively, by Route 53 or keepalived)."""

    path: UrlPath = "/"
    interval: Seconds = 10
    timeout: Seconds = 5
    healthy_threshold: Threshold = 2
    unhealthy_threshold: Threshold = 3


class Route(_Model):
    """A proxy route: requests under ``path`` go to the service ``to``."""

    path: UrlPath
    to: Name
    retry_non_idempotent: bool = Field(
        False, description="also retry POST/PATCH/... on another replica after an error"
    )
    request_timeout: Seconds | None = Field(
        None,
        description="seconds a request through this route may take before the proxy gives "
        "up on the replica (default 60); not the health check's timeout, so slow but healthy "
        "requests do not mark replicas failed",
    )


class Tls(_Model):
    """Certificate and key an entry service terminates TLS with (paths on the proxy host)."""

    certificate: FilePath = "/etc/nginx/tls/server.crt"
    key: FilePath = "/etc/nginx/tls/server.key"


class Accept(_Model):
    """An accepted risk: the finding of ``rule`` on this service is reported, not failed."""

    rule: Annotated[str, StringConstraints(pattern=RULE_ID_PATTERN)]
    reason: Annotated[str, StringConstraints(min_length=1, max_length=1000)]


class Service(_Model):
    """A service: replicas of one piece of software, or a managed database or file system."""

    kind: Kind = "compute"
    software: Name | None = None
    description: Annotated[str, StringConstraints(max_length=1000)] = ""
    instance_type: SizeName | None = None
    instance_class: InstanceType | None = None
    engine: Engine | None = None
    count: Annotated[int, Field(ge=1, le=1000)] | None = None
    zones: list[Name] | None = None
    placement: dict[Name, Annotated[int, Field(ge=0, le=1000)]] | None = None
    failover: Failover | None = None
    min_healthy: Annotated[int, Field(ge=1)] | None = None
    port: Port | None = None
    listen: list[Port] | None = None
    health_check: HealthCheck | None = None
    routes: list[Route] = []
    balance: Balance = "round-robin"
    tls: Tls | None = None
    depends_on: list[Name] = []
    accept: list[Accept] = []


class Tier(_Model):
    """A tier: a layer of the architecture with its own subnet in every zone."""

    role: Role
    public: bool = False
    description: Annotated[str, StringConstraints(max_length=1000)] = ""
    services: Annotated[dict[Name, Service], Field(min_length=1)]


class Network(_Model):
    """The VPC (or on-premises network) the subnets are carved from."""

    cidr: str = Field(description="IPv4 network, e.g. 10.0.0.0/16")
    nat: Nat = Field(
        "per-zone", description="aws: one NAT gateway per zone, or a single shared one"
    )


class Vrrp(_Model):
    """How fast keepalived moves the virtual IP between the entry pair (provider generic).

    The defaults detect a dead nginx within about 2 s (two failed checks one second apart)
    and hand the virtual IP back to the recovered master 5 s after it is healthy again.
    """

    check_interval: Annotated[int, Field(ge=1, le=60)] = Field(
        1, description="seconds between two checks of nginx's /healthz on each node"
    )
    check_timeout: Annotated[int, Field(ge=1, le=60)] = Field(
        1, description="seconds a check may take before it counts as failed"
    )
    fall: Threshold = Field(
        2, description="failed checks in a row before a node gives up the virtual IP"
    )
    rise: Threshold = Field(2, description="passed checks in a row before a node may hold it again")
    advert_interval: Annotated[int, Field(ge=1, le=255)] = Field(
        1, description="seconds between VRRP adverts; a backup waits 3 of them for a dead master"
    )
    preempt_delay: Annotated[int, Field(ge=0, le=1000)] = Field(
        5, description="seconds a recovered higher-priority node waits before taking the VIP back"
    )


class Entry(_Model):
    """How clients find the entry tier."""

    dns_name: Hostname | None = None
    hosted_zone: Hostname | None = None
    vip: str | None = Field(
        None,
        description="generic: virtual IP keepalived moves; inside the pair's entry segment",
    )
    vrrp: Vrrp | None = Field(
        None, description="generic: failover timing of the keepalived pair (defaults shown)"
    )


class Assumptions(_Model):
    """Availability of each failure domain, used by the availability estimate."""

    instance: Probability = 0.995
    zone: Probability = 0.9995
    database: Probability = 0.9995
    filesystem: Probability = 0.9999


class Topology(_Model):
    """A tiered, multi-zone deployment."""

    version: int
    name: Name
    description: Annotated[str, StringConstraints(max_length=2000)] = ""
    provider: Provider = "aws"
    region: str | None = None
    zones: Annotated[list[Name], Field(min_length=1, max_length=26)]
    network: Network
    entry: Entry | None = None
    assumptions: Assumptions = Assumptions()
    tiers: Annotated[dict[Name, Tier], Field(min_length=1)]
