"""Slow but healthy backends through a real nginx: a burst of slow requests fails nothing.

Reproduces the defect of a proxy whose read timeout was the health check's ``timeout``
(5 s): eight concurrent requests taking 6 s timed out, were retried on every replica, and
each timeout counted towards ``max_fails``, so every replica was marked failed and the
next fast requests got 502 "no live upstreams". The read timeout is now the route's
``request_timeout`` (default 60 s), and the upstreams share a zone between workers.
"""

from __future__ import annotations

import contextlib
import http.client
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.nginx_backend import Backend, start_backend
from tests.nginx_support import NginxProcess, free_port, nginx_test
from tiered.exporters.base import ExportOptions
from tiered.loading.loader import load_bytes
from tiered.pipeline import Result, check_loaded
from tiered.placement.plan import Plan
from tiered.renderers.nginx import NginxRenderer

pytestmark = pytest.mark.slow

#: Health-check numbers of the reproduction (the model's defaults: timeout 5 s, 3 failures
#: within 10 s); plain HTTP on one port. /brief has a request timeout shorter than the
#: slow requests.
TOPOLOGY = """
version: 1
name: slow
provider: generic
zones: [a, b, c]
network: {{cidr: 10.9.0.0/16}}
tiers:
  web:
    role: presentation
    public: true
    services:
      proxy:
        software: nginx
        count: 1
        failover: none
        listen: [8080]
        routes:
          - {{path: /, to: app{root_timeout}}}
          - {{path: /brief, to: app, request_timeout: 2}}
  apps:
    role: application
    services:
      app:
        software: generic
        count: 3
        port: 9000
        failover: active-active
        health_check: {{interval: 10, timeout: 5, unhealthy_threshold: 3}}
"""
SLOW = 6.0  # seconds each slow request takes at the backend
BURST = 8  # concurrent slow requests


def plan_of(text: str) -> Plan:
    result = check_loaded(load_bytes(text.encode(), "slow.yaml"))
    assert result.problems == [], [str(p) for p in result.problems]
    assert result.plan is not None
    return result.plan


@contextlib.contextmanager
def proxy(tmp_path: Path, root_timeout: str = "") -> Iterator[int]:
    """nginx (rendered --local) in front of three backends; yields its port."""
    plan = plan_of(TOPOLOGY.format(root_timeout=root_timeout))
    started: list[Backend] = []
    nginx: NginxProcess | None = None
    try:
        for instance in plan.instances_of("app"):
            started.append(start_backend(instance.name))
        port = free_port()
        extra = {"ports": {8080: port}, "upstreams": {b.name: b.port for b in started}}
        options = ExportOptions(local=True, extra=extra)
        files = NginxRenderer().export(Result.of_plan(plan), options)
        prefix = tmp_path / "proxy"
        prefix.mkdir()
        (prefix / "nginx.conf").write_text(str(files["nginx/proxy-1/nginx.conf"]))
        checked = nginx_test(prefix)
        assert checked.returncode == 0, checked.stderr
        nginx = NginxProcess(prefix, port)
        yield port
    finally:
        if nginx is not None:
            nginx.stop()
        for backend in started:
            backend.kill()


def get(port: int, path: str) -> tuple[int, str, float]:
    """Status, body and seconds of one request on a fresh connection."""
    start = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        answer = conn.getresponse()
        return answer.status, answer.read().decode(), time.monotonic() - start
    finally:
        conn.close()


def burst_then_fast(port: int, slow_path: str) -> tuple[list[int], Counter[tuple[int, str]]]:
    """Statuses of BURST concurrent slow requests, then what 30 fast requests got."""
    with ThreadPoolExecutor(BURST) as pool:
        slow = [status for status, _, _ in pool.map(lambda _: get(port, slow_path), range(BURST))]
    fast = Counter((status, body) for status, body, _ in (get(port, "/") for _ in range(30)))
    return slow, fast


def test_a_burst_of_slow_requests_marks_no_replica_failed(tmp_path: Path) -> None:
    with proxy(tmp_path) as port:
        slow, fast = burst_then_fast(port, f"/report?delay={SLOW}")
        error_log = (tmp_path / "proxy" / "error.log").read_text()
    assert slow == [200] * BURST  # within the default request timeout (60 s)
    assert set(fast) == {(200, "app-1"), (200, "app-2"), (200, "app-3")}  # every replica up
    assert "no live upstreams" not in error_log


def test_the_old_mapping_reproduces_the_defect(tmp_path: Path) -> None:
    """The same burst with the request timeout at the health check's 5 s (the old mapping):
    every replica is marked failed and the fast requests get 502. This is what the test
    above guards against."""
    with proxy(tmp_path, root_timeout=", request_timeout: 5") as port:
        slow, fast = burst_then_fast(port, f"/report?delay={SLOW}")
        error_log = (tmp_path / "proxy" / "error.log").read_text()
    assert set(slow) <= {502, 504}  # timed out, or found no replica left to retry on
    assert {status for status, _ in fast} == {502}
    assert "no live upstreams" in error_log


def test_a_request_past_its_route_timeout_times_out_and_fast_ones_are_served(
    tmp_path: Path,
) -> None:
    with proxy(tmp_path) as port:
        status, _, seconds = get(port, f"/brief?delay={SLOW}")
        fast = Counter((s, body) for s, body, _ in (get(port, "/") for _ in range(30)))
    assert status == 504
    # timed out per the route's request_timeout (2 s), retried once within 2 x 2 s
    assert 2.0 <= seconds < SLOW
    assert set(fast) == {(200, "app-1"), (200, "app-2"), (200, "app-3")}
