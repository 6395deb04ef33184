"""Live failover through a real nginx running the rendered ``--local`` configuration.

Debian's nginx runs unprivileged-style from a prefix folder on loopback ports, in front of
real backend processes (tests/nginx_backend.py). Backends are killed, stopped (SIGSTOP)
and restarted under load; the client must see no failed request. Every process is ended
by PID in fixture teardown, and every wait is bounded.
"""

from __future__ import annotations

import contextlib
import http.client
import ssl
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.nginx_backend import Backend, start_backend
from tests.nginx_support import NginxProcess, free_port, make_certificate
from tiered.exporters.base import ExportOptions
from tiered.loading.loader import load_bytes
from tiered.pipeline import Result, check_loaded
from tiered.placement.plan import Plan
from tiered.renderers.nginx import NginxRenderer

pytestmark = pytest.mark.slow

#: The topology under test: an NGINX pair in front of an active-active pool of three
#: and an active-passive pair, with short health-check numbers so failures show quickly.
TOPOLOGY = """
version: 1
name: live
provider: generic
zones: [a, b, c]
network: {cidr: 10.9.0.0/16}
tiers:
  web:
    role: presentation
    public: true
    services:
      proxy:
        software: nginx
        count: 2
        failover: active-passive
        listen: [80, 443]
        routes:
          - {path: /, to: app, request_timeout: 1}
          - {path: /admin, to: admin}
  apps:
    role: application
    services:
      app:
        software: generic
        count: 3
        port: 9000
        failover: active-active
        health_check: {interval: 2, timeout: 1, unhealthy_threshold: 2}
      admin:
        software: generic
        count: 2
        port: 9100
        failover: active-passive
        health_check: {interval: 2, timeout: 1, unhealthy_threshold: 1}
"""
READ_TIMEOUT = 1.0  # request_timeout of the / route: nginx's proxy_read_timeout
FAIL_TIMEOUT = 2.0  # health_check.interval of admin: nginx's fail_timeout


def plan_of(text: str) -> Plan:
    result = check_loaded(load_bytes(text.encode(), "live.yaml"))
    assert result.problems == [], [str(p) for p in result.problems]
    assert result.plan is not None
    return result.plan


@dataclass
class Site:
    """nginx with its backends, by instance name, and its loopback ports."""

    nginx: NginxProcess
    backends: dict[str, Backend]
    http_port: int
    https_port: int
    started: list[Backend] = field(default_factory=list)  # every process, for teardown

    def client(self, source: str = "127.0.0.1") -> http.client.HTTPSConnection:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return http.client.HTTPSConnection(
            "127.0.0.1", self.https_port, timeout=10, context=context, source_address=(source, 0)
        )

    def restart(self, name: str) -> Backend:
        """Start a backend again on the same port (after it was killed)."""
        old = self.backends[name]
        deadline = time.monotonic() + 10
        while True:
            try:
                backend = start_backend(name, old.port)
                break
            except RuntimeError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        self.started.append(backend)
        self.backends[name] = backend
        return backend


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    plan = plan_of(TOPOLOGY)
    backends: dict[str, Backend] = {}
    started: list[Backend] = []
    nginx: NginxProcess | None = None
    try:
        for instance in plan.instances:
            if instance.service in ("app", "admin"):
                backends[instance.name] = start_backend(instance.name)
                started.append(backends[instance.name])
        http_port, https_port = free_port(), free_port()
        extra = {
            "ports": {80: http_port, 443: https_port},
            "upstreams": {name: b.port for name, b in backends.items()},
        }
        files = NginxRenderer().export(Result.of_plan(plan), ExportOptions(local=True, extra=extra))
        prefix = tmp_path / "proxy-1"
        prefix.mkdir()
        (prefix / "nginx.conf").write_text(str(files["nginx/proxy-1/nginx.conf"]))
        make_certificate(prefix / "tls", "server.crt", "server.key")
        nginx = NginxProcess(prefix, http_port)
        yield Site(nginx, backends, http_port, https_port, started)
    finally:
        if nginx is not None:
            nginx.stop()
        for backend in started:
            with contextlib.suppress(OSError):
                backend.cont()
            backend.kill()


def get(conn: http.client.HTTPConnection, path: str) -> tuple[int, str, float]:
    """Status, body and seconds of one request on a keepalive connection."""
    start = time.monotonic()
    conn.request("GET", path)
    answer = conn.getresponse()
    return answer.status, answer.read().decode(), time.monotonic() - start


def test_killing_backends_under_load_loses_no_request(site: Site) -> None:
    """1,200 requests from four keepalive clients while two of three backends are killed."""
    total, workers = 1200, 4
    results: list[tuple[int, str]] = []
    errors: list[str] = []
    lock = threading.Lock()
    sent = [0]

    def client() -> None:
        conn = site.client()
        try:
            while True:
                with lock:
                    if sent[0] >= total:
                        return
                    sent[0] += 1
                try:
                    status, body, _ = get(conn, "/")
                except (OSError, http.client.HTTPException) as error:
                    with lock:
                        errors.append(repr(error))
                    conn.close()
                    conn = site.client()
                    continue
                with lock:
                    results.append((status, body))
        finally:
            conn.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(workers)]
    for thread in threads:
        thread.start()
    kills = {200: "app-1", 550: "app-2"}
    deadline = time.monotonic() + 120
    while kills and time.monotonic() < deadline:
        with lock:
            done = len(results) + len(errors)
        for at in sorted(kills):
            if done >= at:
                site.backends[kills.pop(at)].kill()
        time.sleep(0.002)
    for thread in threads:
        thread.join(timeout=max(1.0, deadline - time.monotonic()))
        assert not thread.is_alive(), "the load did not finish in time"

    assert errors == [], errors[:5]
    failed = [r for r in results if r[0] != 200]
    assert failed == []
    assert len(results) == total
    served = Counter(body for _, body in results)
    assert set(served) == {"app-1", "app-2", "app-3"}  # all three served before the kills
    assert {body for _, body in results[-300:]} == {"app-3"}  # the survivor carries the rest
    # nginx did retry on another replica: some requests name two upstream addresses.
    retried = [line for line in site.nginx.access_log() if ", " in line.split("upstream=")[1]]
    assert retried, "no request was retried: the kills were not exercised"


def test_a_hung_backend_costs_at_most_the_read_timeout(site: Site) -> None:
    """A SIGSTOPped backend accepts connections but never answers: bounded delay, no error."""
    site.backends["app-2"].stop()
    conn = site.client()
    timings: list[float] = []
    bodies = Counter[str]()
    try:
        for _ in range(30):
            status, body, seconds = get(conn, "/")
            assert status == 200
            bodies[body] += 1
            timings.append(seconds)
    finally:
        conn.close()
    assert "app-2" not in bodies and set(bodies) == {"app-1", "app-3"}
    slow = [t for t in timings if t >= READ_TIMEOUT * 0.9]
    assert slow, "no request reached the stopped backend"
    assert max(timings) < READ_TIMEOUT + 0.75  # one read timeout, then the retry
    # max_fails=2 within fail_timeout: the stopped replica is skipped after two timeouts.
    assert len(slow) <= 2


def test_backup_takes_over_and_primary_gets_traffic_back(site: Site) -> None:
    conn = site.client()
    try:
        first = [get(conn, "/admin/status") for _ in range(40)]
        assert {(status, body) for status, body, _ in first} == {(200, "admin-1")}

        site.backends["admin-1"].kill()
        during = [get(conn, "/admin") for _ in range(40)]
        assert {(status, body) for status, body, _ in during} == {(200, "admin-2")}

        site.restart("admin-1")
        back_at = None
        deadline = time.monotonic() + FAIL_TIMEOUT + 10
        while time.monotonic() < deadline:
            status, body, _ = get(conn, "/admin")
            assert status == 200
            if body == "admin-1":
                back_at = time.monotonic()
                break
            time.sleep(0.1)
        assert back_at is not None, "the recovered primary never got traffic back"
        after = [get(conn, "/admin") for _ in range(20)]
        assert {(status, body) for status, body, _ in after} == {(200, "admin-1")}
    finally:
        conn.close()


def test_http_redirects_to_https_and_healthz_is_answered_by_nginx(site: Site) -> None:
    for backend in site.backends.values():
        backend.kill()  # nginx answers /healthz itself
    conn = http.client.HTTPConnection("127.0.0.1", site.http_port, timeout=10)
    try:
        conn.request("GET", "/some/page?x=1")
        answer = conn.getresponse()
        answer.read()
        assert answer.status == 301
        assert answer.getheader("Location") == f"https://127.0.0.1:{site.https_port}/some/page?x=1"
        assert get(conn, "/healthz")[:2] == (200, "ok\n")
    finally:
        conn.close()
    tls = site.client()
    try:
        tls.request("GET", "/healthz")
        answer = tls.getresponse()
        assert (answer.status, answer.read()) == (200, b"ok\n")
        assert answer.getheader("Strict-Transport-Security") == "max-age=63072000"
        assert answer.getheader("X-Content-Type-Options") == "nosniff"
        assert answer.getheader("Server") == "nginx"  # server_tokens off: no version
    finally:
        tls.close()


def test_clients_are_rate_limited_but_loopback_is_not(site: Site) -> None:
    """A burst from another address (127.0.0.2) meets 429; 127.0.0.1 (local checks) never.

    (``/healthz`` is answered by ``return`` before the limits apply: a proxied path here.)"""
    statuses = {"127.0.0.2": Counter[int](), "127.0.0.1": Counter[int]()}
    for source, counter in statuses.items():
        conn = site.client(source)
        try:
            for _ in range(250):
                counter[get(conn, "/")[0]] += 1
        finally:
            conn.close()
    assert statuses["127.0.0.1"] == Counter({200: 250})
    assert statuses["127.0.0.2"][429] > 0
    assert statuses["127.0.0.2"][200] >= 100  # the burst
