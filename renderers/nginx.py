"""NGINX renderer: one complete ``nginx.conf`` per entry-tier NGINX instance, from the plan.

Files: ``nginx/<instance>/nginx.conf`` for every instance of every entry-tier
compute service with ``software: nginx``. The configuration does not depend on the
instance, so the members of an active-passive pair get identical files.

What the model decides, and how:

* one ``upstream`` per routed service, named after it, holding exactly the plan's
  addresses of its instances and its port; instances of an active-passive (or
  primary-standby) target other than the first are ``backup`` servers;
* ``balance``: ``round-robin`` (nginx default), ``least-conn`` (``least_conn``),
  ``ip-hash`` (``ip_hash``; refused together with backup servers, which nginx forbids);
* passive health checking from the target's ``health_check`` (the model defaults when it
  has none): ``max_fails`` = ``unhealthy_threshold`` failures within ``fail_timeout`` =
  ``interval`` seconds mark a server down for ``interval`` seconds, after which it gets
  traffic again;
* a shared memory ``zone`` per upstream, so that every worker process counts the same
  failures and agrees on which replicas are down;
* timeouts: ``proxy_connect_timeout`` = min(health check ``timeout``, 2) s (a refused or
  unreachable replica is left quickly); ``proxy_read_timeout`` / ``proxy_send_timeout`` =
  the route's ``request_timeout`` (default 60 s), a setting of its own: a read timeout
  counts as a failed attempt towards ``max_fails``, so tying it to the health check's
  short ``timeout`` made a burst of slow but healthy requests mark every replica failed
  ("no live upstreams" for every request after them);
* retries: ``proxy_next_upstream error timeout http_502 http_503 http_504`` with
  ``proxy_next_upstream_tries`` = the number of servers of the upstream and
  ``proxy_next_upstream_timeout`` = 2 x ``request_timeout`` (one hung replica costs at
  most one request timeout; the total is bounded); POST, PATCH, LOCK are not retried
  unless the route says ``retry_non_idempotent: true`` (``non_idempotent``);
* listen ports: 443 terminates TLS (certificate and key from the service's ``tls``, with
  defaults), every other listed port redirects to HTTPS when 443 is listed and proxies
  plain HTTP otherwise; ``/healthz`` is answered by nginx itself on every port (for the
  Route 53 and keepalived health checks); everything else follows the routes.

Fixed choices (constants below): TLS 1.2 and 1.3 with the Mozilla "intermediate" ciphers,
HSTS on the TLS server, security headers, ``server_tokens off``, per-client request rate
and connection limits (loopback exempt, for local health checks), a body size limit,
keepalive to upstreams, ``X-Forwarded-*`` headers overwritten with what nginx saw (the
entry tier is the edge: client-supplied forwarding headers are not trusted), and an
access log with the upstream address, status and timings.

``--local`` (``ExportOptions.local``): a variant that runs unprivileged from a prefix
folder, ``nginx -p DIR -c nginx.conf -e error.log``: loopback listen addresses, logs, pid
and temporary files relative to the prefix, certificate and key under ``DIR/tls/``, and
``daemon off``. Ports and upstream addresses come from ``ExportOptions.extra``:

* ``extra["ports"]``: ``{model port: local port}``; unmapped ports below 1024 become
  port + 10000 (80 -> 10080, 443 -> 10443), others stay;
* ``extra["upstreams"]``: ``{instance name: port or "ip:port"}``; a bare port means
  127.0.0.1. Unmapped instances keep their port on the loopback address with the last
  three bytes of their planned address (10.0.2.4 -> 127.0.2.4; Linux answers all of
  127.0.0.0/8).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tiered.exporters.base import Exporter, ExportOptions, ExportRefused, Files
from tiered.model import HealthCheck, Route, Tls
from tiered.placement.plan import ComputeService, Instance, Plan, ServicePlan
from tiered.renderers import templating
from tiered.software import software
from tiered.software.kinds.nginx import HEALTH_PATH as HEALTH_PATH
from tiered.software.kinds.nginx import TLS_PORT as TLS_PORT

if TYPE_CHECKING:
    from tiered.pipeline import Result


# HEALTH_PATH (answered by nginx itself, for the Route 53 and keepalived health checks) and
# TLS_PORT (every other listen port redirects to it) are the nginx kind's.
#: Per-client limits: sustained requests per second, burst, concurrent connections.
RATE_PER_SECOND = 50
RATE_BURST = 100
CONNECTIONS_PER_CLIENT = 100
#: Largest request body accepted.
BODY_LIMIT = "16m"
#: Idle keepalive connections to each upstream, per worker.
UPSTREAM_KEEPALIVE = 32
#: Longest a connection attempt to a replica may take, seconds.
MAX_CONNECT_TIMEOUT = 2
#: How long a request may take when its route sets no ``request_timeout``, seconds.
DEFAULT_REQUEST_TIMEOUT = 60
#: Shared memory of each upstream's zone (peer states shared by the worker processes).
UPSTREAM_ZONE = "64k"
#: Local variant: ports below 1024 are shifted by this much.
LOCAL_PORT_OFFSET = 10000
BALANCE = {"round-robin": "", "least-conn": "least_conn", "ip-hash": "ip_hash"}
BACKUP_ROLES = ("passive", "standby")


@dataclass(frozen=True)
class Server:
    address: str
    backup: bool
    instance: str
    zone: str


@dataclass(frozen=True)
class Upstream:
    name: str
    balance: str
    servers: tuple[Server, ...]
    max_fails: int
    fail_timeout: int
    keepalive: int
    zone: str


@dataclass(frozen=True)
class Location:
    match: str  # "" (prefix) or "=" (exact)
    path: str
    upstream: str
    connect_timeout: int
    read_timeout: int
    next_upstream: tuple[str, ...]
    tries: int
    next_upstream_timeout: int


@dataclass(frozen=True)
class Listener:
    port: int
    address: str  # "" (all addresses) or an IP address
    role: str  # "tls", "redirect" or "plain"

    @property
    def bind(self) -> str:
        return f"{self.address}:{self.port}" if self.address else str(self.port)


class NginxRenderer(Exporter["Result"]):
    """Entry-tier NGINX configurations (``tiered render nginx``)."""

    name = "nginx"
    kind = "render"
    description = "nginx.conf for each entry-tier NGINX instance"

    def applies_to(self, result: Result) -> bool:
        plan = result.valid_plan
        return bool(proxies(plan))

    def export(self, result: Result, options: ExportOptions) -> Files:
        plan = result.valid_plan
        services = proxies(plan)
        if not services:
            raise ExportRefused(
                f"the entry tier '{plan.entry_tier.name}' has no NGINX service",
                "set `software: nginx` on the service of the entry tier that receives clients",
            )
        local = LocalMap.from_options(plan, options) if options.local else None
        files: dict[str, str | bytes] = {}
        for service in services:
            text = render_config(plan, service, local)
            for instance in service.instances:
                files[f"nginx/{instance}/nginx.conf"] = text
        return files


def proxies(plan: Plan) -> list[ComputeService]:
    """The entry-tier services this renderer writes configurations for: those whose software
    kind is the entry proxy (``Kind.entry_proxy``)."""
    return [
        service
        for name in plan.entry_services
        if isinstance(service := plan.services[name], ComputeService)
        and software(service.software).entry_proxy
    ]


@dataclass(frozen=True)
class LocalMap:
    """Where the local variant listens and finds its upstreams."""

    ports: Mapping[int, int]
    upstreams: Mapping[str, str]

    @classmethod
    def from_options(cls, plan: Plan, options: ExportOptions) -> LocalMap:
        extra: Mapping[str, Any] = options.extra or {}
        ports: dict[int, int] = {}
        for key, value in dict(extra.get("ports") or {}).items():
            ports[_port(key, "ports")] = _port(value, "ports")
        upstreams: dict[str, str] = {}
        known = {i.name for i in plan.instances}
        for name, value in dict(extra.get("upstreams") or {}).items():
            if name not in known:
                raise ExportRefused(
                    f"local upstream mapping names unknown instance '{name}'",
                    "map instance names of the plan (see `tiered plan`)",
                )
            upstreams[str(name)] = _address(value)
        return cls(ports, upstreams)

    def port(self, port: int) -> int:
        if port in self.ports:
            return self.ports[port]
        return port + LOCAL_PORT_OFFSET if port < 1024 else port

    def upstream(self, instance: Instance, port: int) -> str:
        if instance.name in self.upstreams:
            return self.upstreams[instance.name]
        low = int(instance.ip) & 0xFFFFFF
        return f"{ipaddress.IPv4Address((127 << 24) | low)}:{port}"


def _port(value: Any, what: str) -> int:
    try:
        port = int(value)
    except (TypeError, ValueError):
        port = 0
    if not 1 <= port <= 65535 or isinstance(value, bool):
        raise ExportRefused(f"{what}: '{value}' is not a port", "use a number from 1 to 65535")
    return port


def _address(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f"127.0.0.1:{_port(value, 'upstreams')}"
    host, _, port = str(value).rpartition(":")
    try:
        ip = ipaddress.IPv4Address(host)
    except ValueError:
        raise ExportRefused(
            f"upstreams: '{value}' is not an address", "use a port or 'ip:port'"
        ) from None
    return f"{ip}:{_port(port, 'upstreams')}"


#: The account nginx's workers run as, per distribution family, and the note beside it.
USERS = {
    "www-data": 'Debian/Ubuntu; "nginx" on RHEL-family and Amazon Linux',
    "nginx": "Amazon Linux 2023 (the nginx package's account)",
}


def render_config(
    plan: Plan, service: ServicePlan, local: LocalMap | None, user: str = "www-data"
) -> str:
    """The nginx.conf of one entry service (the same for each of its instances).

    ``user`` is the account of the target distribution (``USERS``): the config renderer
    asks for ``nginx`` on Amazon Linux 2023.
    """
    upstreams: list[Upstream] = []
    locations: list[Location] = []
    taken = {("=", HEALTH_PATH)}
    for route in service.routes:
        target = plan.services[route.to]
        if target.name not in {u.name for u in upstreams}:
            upstreams.append(_upstream(plan, plan.compute(service.name), target, local))
        upstream = next(u for u in upstreams if u.name == target.name)
        for location in _locations(route, target, upstream):
            if (location.match, location.path) in taken:
                clash = "the health check path" if location.path == HEALTH_PATH else "another route"
                raise ExportRefused(
                    f"route path '{route.path}' of '{service.name}' overlaps {clash}",
                    "give each route its own path (nginx answers /healthz itself)",
                )
            taken.add((location.match, location.path))
            locations.append(location)
    listeners = _listeners(service, local)
    tls_port = next((ln.port for ln in listeners if ln.role == "tls"), None)
    tls = plan.compute(service.name).tls or Tls()
    certificate, key = tls.certificate, tls.key
    if local is not None:
        certificate = "tls/" + certificate.rsplit("/", 1)[-1]
        key = "tls/" + key.rsplit("/", 1)[-1]
    return templating.render(
        "nginx.conf.j2",
        topology=plan.name,
        service=service.name,
        instances=service.instances,
        local=local is not None,
        user=user,
        user_note=USERS[user],
        server_name=(plan.entry.dns_name if plan.entry and plan.entry.dns_name else "_"),
        listeners=listeners,
        redirect_port="" if tls_port in (None, TLS_PORT) else f":{tls_port}",
        certificate=certificate,
        key=key,
        upstreams=upstreams,
        locations=locations,
        health_path=HEALTH_PATH,
        rate=RATE_PER_SECOND,
        burst=RATE_BURST,
        connections=CONNECTIONS_PER_CLIENT,
        body_limit=BODY_LIMIT,
    )


def _listeners(service: ServicePlan, local: LocalMap | None) -> list[Listener]:
    if not service.listen:
        raise ExportRefused(
            f"the entry service '{service.name}' listens on no port",
            "list its ports, e.g. `listen: [80, 443]`",
        )
    has_tls = TLS_PORT in service.listen
    listeners = []
    for port in service.listen:
        role = "tls" if port == TLS_PORT else ("redirect" if has_tls else "plain")
        if local is None:
            listeners.append(Listener(port, "", role))
        else:
            listeners.append(Listener(local.port(port), "127.0.0.1", role))
    return listeners


def _upstream(
    plan: Plan, proxy: ComputeService, target: ServicePlan, local: LocalMap | None
) -> Upstream:
    check = target.health_check or HealthCheck()
    port = target.port
    if port is None:  # a compute service always has one; keep mypy and the reader honest
        raise ExportRefused(f"service '{target.name}' has no port", "set `port:` on it")
    servers = []
    for instance in plan.instances_of(target.name):
        address = f"{instance.ip}:{port}" if local is None else local.upstream(instance, port)
        backup = instance.role in BACKUP_ROLES
        servers.append(Server(address, backup, instance.name, instance.zone))
    balance = BALANCE[proxy.balance]
    if balance == "ip_hash" and any(s.backup for s in servers):
        raise ExportRefused(
            f"balance ip-hash cannot be combined with the {target.failover} target "
            f"'{target.name}' (nginx forbids 'backup' servers with hashing)",
            "use round-robin or least-conn, or make the target active-active",
        )
    return Upstream(
        name=target.name,
        balance=balance,
        servers=tuple(servers),
        max_fails=check.unhealthy_threshold,
        fail_timeout=check.interval,
        keepalive=UPSTREAM_KEEPALIVE,
        zone=UPSTREAM_ZONE,
    )


def _locations(route: Route, target: ServicePlan, upstream: Upstream) -> list[Location]:
    check = target.health_check or HealthCheck()
    conditions: tuple[str, ...] = ("error", "timeout", "http_502", "http_503", "http_504")
    if route.retry_non_idempotent:
        conditions += ("non_idempotent",)
    request_timeout = route.request_timeout or DEFAULT_REQUEST_TIMEOUT

    def location(match: str, where: str) -> Location:
        return Location(
            match=match,
            path=where,
            upstream=upstream.name,
            connect_timeout=min(check.timeout, MAX_CONNECT_TIMEOUT),
            read_timeout=request_timeout,
            next_upstream=conditions,
            tries=len(upstream.servers),
            next_upstream_timeout=2 * request_timeout,
        )

    base = route.path.rstrip("/")
    if not base:
        return [location("", "/")]
    # "/api" serves /api and /api/..., but not /apifoo.
    return [location("=", base), location("", base + "/")]
