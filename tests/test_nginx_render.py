"""The NGINX renderer, checked statically: goldens, crossplane parse-back against the plan,
``nginx -t``, gixy, the model-to-directive mapping, refusals and injection guards."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import crossplane
import pytest

from tests.conftest import ALL_TOPOLOGIES, REGEN_GOLDEN, ROOT, run_tiered
from tests.nginx_support import make_certificate, nginx_test
from tiered.exporters.base import ExportOptions, ExportRefused
from tiered.loading.loader import load_bytes
from tiered.model import HealthCheck, Tls
from tiered.pipeline import Result, check_loaded, plan_file
from tiered.placement.plan import Plan
from tiered.renderers.nginx import HEALTH_PATH, NginxRenderer, proxies
from tiered.renderers.templating import UnsafeValue, token

GOLDEN = ROOT / "tests" / "golden"
GIXY = str(Path(sys.executable).parent / "gixy")
ids = [p.stem for p in ALL_TOPOLOGIES]


def render(plan: Plan, local: bool = False, **extra: Any) -> dict[str, str]:
    files = NginxRenderer().export(Result.of_plan(plan), ExportOptions(local=local, extra=extra))
    return {name: str(text) for name, text in files.items()}


def plan_of_yaml(text: str) -> Plan:
    result = check_loaded(load_bytes(text.encode(), "test.yaml"))
    assert result.problems == [], [str(p) for p in result.problems]
    assert result.plan is not None
    return result.plan


def parse(tmp_path: Path, text: str) -> list[dict[str, Any]]:
    """The directives of a config, parsed by crossplane (nginxinc's parser)."""
    path = tmp_path / "parse" / "nginx.conf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    payload = crossplane.parse(str(path), comments=False, single=True)
    assert payload["status"] == "ok", payload["errors"]
    return payload["config"][0]["parsed"]  # type: ignore[no-any-return]


def block(directives: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [d for d in directives if d["directive"] == name]


def values(directives: list[dict[str, Any]], name: str) -> list[list[str]]:
    return [d["args"] for d in block(directives, name)]


SMALL = """
version: 1
name: small
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
        listen: [8080]
        balance: BALANCE
        routes:
          - {path: /, to: app}
          - {path: /upload, to: app2, retry_non_idempotent: true, request_timeout: 300}
  apps:
    role: application
    services:
      app: {software: generic, count: 3, port: 9000, failover: active-active,
            health_check: {interval: 7, timeout: 4, unhealthy_threshold: 5}}
      app2: {software: generic, count: 2, port: 9001, failover: FAILOVER}
"""


def small(balance: str = "round-robin", failover: str = "active-active") -> str:
    return SMALL.replace("BALANCE", balance).replace("FAILOVER", failover)


# --- goldens -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ALL_TOPOLOGIES, ids=ids)
def test_nginx_golden(path: Path) -> None:
    """The rendered configs (production and --local) equal the reviewed golden files."""
    plan = plan_file(str(path))
    files = render(plan)
    files |= {
        name.replace("nginx/", "nginx/local/", 1): text
        for name, text in render(plan, local=True).items()
    }
    root = GOLDEN / path.stem
    if REGEN_GOLDEN:
        shutil.rmtree(root / "nginx", ignore_errors=True)
        for name, text in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text)
    expected = {
        str(p.relative_to(root)): p.read_text() for p in sorted((root / "nginx").rglob("*.conf"))
    }
    assert files == expected


def test_render_is_byte_identical_across_hash_seeds(tmp_path: Path) -> None:
    outputs = []
    for seed in ("0", "1", "12345"):
        out = tmp_path / seed
        result = run_tiered(
            "render",
            "nginx",
            "examples/marketplace-large.yaml",
            "--out",
            str(out),
            env={"PYTHONHASHSEED": seed},
        )
        assert result.returncode == 0, result.stderr
        outputs.append({p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*.conf"))})
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(outputs[0]) == 2


# --- the config holds exactly the plan ------------------------------------------------------


@pytest.mark.parametrize("path", ALL_TOPOLOGIES, ids=ids)
def test_crossplane_upstreams_equal_the_plan(path: Path, tmp_path: Path) -> None:
    """Parsed back, each upstream holds exactly the planned addresses, backups marked."""
    plan = plan_file(str(path))
    files = render(plan)
    for service in proxies(plan):
        text = files[f"nginx/{service.instances[0]}/nginx.conf"]
        http = block(parse(tmp_path, text), "http")[0]["block"]
        upstreams = {u["args"][0]: u["block"] for u in block(http, "upstream")}
        routed = {route.to for route in service.routes}
        assert set(upstreams) == routed
        for name, members in upstreams.items():
            target = plan.services[name]
            check = target.health_check or HealthCheck()
            expected = [
                [
                    f"{i.ip}:{target.port}",
                    f"max_fails={check.unhealthy_threshold}",
                    f"fail_timeout={check.interval}s",
                    *(["backup"] if i.role in ("passive", "standby") else []),
                ]
                for i in plan.instances_of(name)
            ]
            assert values(members, "server") == expected
            balance = {"round-robin": [], "least-conn": [[]], "ip-hash": []}[service.balance]
            assert values(members, "least_conn") == balance
            assert values(members, "keepalive") == [["32"]]
            # one zone per upstream: every worker sees the same failures
            assert values(members, "zone") == [[f"upstream_{name}", "64k"]]
        # Every route is served by a location proxying to its upstream, with bounded retries.
        servers = block(http, "server")
        proxied = [s for s in servers if any(values(s["block"], "listen"))]
        for server in proxied:
            listen = values(server["block"], "listen")[0]
            locations = {
                tuple(loc["args"]): loc["block"] for loc in block(server["block"], "location")
            }
            assert locations[("=", HEALTH_PATH)]
            if "ssl" not in listen and 443 in service.listen:
                assert values(locations[("/",)], "return") == [["301", "https://$host$request_uri"]]
                continue
            for route in service.routes:
                target = plan.services[route.to]
                check = target.health_check or HealthCheck()
                key = ("/",) if route.path == "/" else ("=", route.path.rstrip("/"))
                body = locations[key]
                assert values(body, "proxy_pass") == [[f"http://{route.to}"]]
                # the request timeout is the route's own, not the health check's timeout
                request = route.request_timeout or 60
                assert values(body, "proxy_read_timeout") == [[f"{request}s"]]
                assert values(body, "proxy_send_timeout") == [[f"{request}s"]]
                assert values(body, "proxy_connect_timeout") == [[f"{min(check.timeout, 2)}s"]]
                assert values(body, "proxy_next_upstream_tries") == [[str(target.count)]]
                assert values(body, "proxy_next_upstream_timeout") == [[f"{2 * request}s"]]
                conditions = values(body, "proxy_next_upstream")[0]
                assert conditions[:5] == ["error", "timeout", "http_502", "http_503", "http_504"]
                assert ("non_idempotent" in conditions) == route.retry_non_idempotent


@pytest.mark.parametrize("path", ALL_TOPOLOGIES, ids=ids)
def test_active_passive_pair_gets_identical_configs(path: Path) -> None:
    plan = plan_file(str(path))
    files = render(plan)
    for service in proxies(plan):
        texts = {files[f"nginx/{i}/nginx.conf"] for i in service.instances}
        assert len(texts) == 1
    assert len(files) == sum(len(s.instances) for s in proxies(plan))


def test_reference_config_has_the_required_hardening(tmp_path: Path) -> None:
    plan = plan_file(str(ROOT / "topology.yaml"))
    text = render(plan)["nginx/nginx-1/nginx.conf"]
    top = parse(tmp_path, text)
    http = block(top, "http")[0]["block"]
    assert values(http, "server_tokens") == [["off"]]
    assert values(http, "ssl_protocols") == [["TLSv1.2", "TLSv1.3"]]
    assert values(http, "proxy_http_version") == [["1.1"]]
    headers = dict(tuple(v) for v in values(http, "proxy_set_header"))
    assert headers["Connection"] == ""
    assert headers["X-Forwarded-For"] == "$remote_addr"
    assert headers["X-Real-IP"] == "$remote_addr"
    assert headers["X-Forwarded-Proto"] == "$scheme"
    assert values(http, "client_max_body_size") == [["16m"]]
    assert block(http, "limit_req") and block(http, "limit_conn")
    assert "$upstream_addr" in " ".join(values(http, "log_format")[0])
    tls = next(s for s in block(http, "server") if "ssl" in values(s["block"], "listen")[0])
    assert values(tls["block"], "listen") == [["443", "ssl", "http2", "default_server"]]
    assert values(tls["block"], "ssl_certificate") == [["/etc/nginx/tls/server.crt"]]
    assert values(tls["block"], "ssl_certificate_key") == [["/etc/nginx/tls/server.key"]]
    added = {v[0]: v[1] for v in values(tls["block"], "add_header")}
    assert added["Strict-Transport-Security"] == "max-age=63072000"
    assert {"X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"} <= set(added)


def test_model_fields_reach_the_config(tmp_path: Path) -> None:
    """balance, active-passive backups, health-check mapping and non-idempotent retries."""
    plan = plan_of_yaml(small("least-conn", "active-passive"))
    http = block(parse(tmp_path, render(plan)["nginx/proxy-1/nginx.conf"]), "http")[0]["block"]
    upstreams = {u["args"][0]: u["block"] for u in block(http, "upstream")}
    assert values(upstreams["app"], "least_conn") == [[]]
    assert values(upstreams["app"], "server")[0] == [
        f"{plan.instance('app-1').ip}:9000",
        "max_fails=5",
        "fail_timeout=7s",
    ]
    assert [s[-1] for s in values(upstreams["app2"], "server")] == ["fail_timeout=10s", "backup"]
    server = block(http, "server")[0]["block"]
    assert values(server, "listen") == [["8080", "default_server"]]  # plain: no TLS port
    locations = {tuple(loc["args"]): loc["block"] for loc in block(server, "location")}
    assert "non_idempotent" not in values(locations[("/",)], "proxy_next_upstream")[0]
    for key in (("=", "/upload"), ("/upload/",)):
        assert values(locations[key], "proxy_next_upstream")[0][-1] == "non_idempotent"
        assert values(locations[key], "proxy_pass") == [["http://app2"]]
    # the health check's timeout (4 s) bounds connecting only; requests get their own timeout
    assert values(locations[("/",)], "proxy_connect_timeout") == [["2s"]]
    assert values(locations[("/",)], "proxy_read_timeout") == [["60s"]]
    for key in (("=", "/upload"), ("/upload/",)):
        assert values(locations[key], "proxy_read_timeout") == [["300s"]]
        assert values(locations[key], "proxy_next_upstream_timeout") == [["600s"]]

    hashed = render(plan_of_yaml(small("ip-hash")))["nginx/proxy-1/nginx.conf"]
    assert "        ip_hash;\n" in hashed and "backup" not in hashed


def test_ip_hash_with_an_active_passive_target_is_a_located_error(tmp_path: Path) -> None:
    source = tmp_path / "t.yaml"
    source.write_text(small("ip-hash", "active-passive"))
    result = run_tiered("render", "nginx", str(source), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "t.yaml:17:" in result.stderr and "ip-hash" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_ip_hash_with_a_standby_target_is_refused_by_the_renderer() -> None:
    """Validation rejects ip-hash with active-passive; the renderer also guards standbys."""
    plan = plan_of_yaml(small("ip-hash", "primary-standby"))
    with pytest.raises(ExportRefused, match="forbids 'backup'"):
        render(plan)


def test_local_variant_uses_the_supplied_ports_and_loopback(tmp_path: Path) -> None:
    plan = plan_of_yaml(small())
    extra = {"ports": {8080: 18080}, "upstreams": {"app-1": 31001, "app2-2": "127.0.0.5:31005"}}
    text = render(plan, local=True, **extra)["nginx/proxy-1/nginx.conf"]
    top = parse(tmp_path, text)
    assert values(top, "daemon") == [["off"]]
    assert values(top, "pid") == [["nginx.pid"]]
    http = block(top, "http")[0]["block"]
    assert values(http, "proxy_temp_path") == [["proxy_temp"]]
    upstreams = {u["args"][0]: u["block"] for u in block(http, "upstream")}

    def loopback(name: str) -> str:  # the planned address, moved into 127.0.0.0/8
        return "127." + str(plan.instance(name).ip).split(".", 1)[1]

    assert [s[0] for s in values(upstreams["app"], "server")] == [
        "127.0.0.1:31001",
        f"{loopback('app-2')}:9000",
        f"{loopback('app-3')}:9000",
    ]
    assert [s[0] for s in values(upstreams["app2"], "server")] == [
        f"{loopback('app2-1')}:9001",
        "127.0.0.5:31005",
    ]
    server = block(http, "server")[0]["block"]
    assert values(server, "listen") == [["127.0.0.1:18080", "default_server"]]
    assert "/var/" not in text and "/run/" not in text and "/etc/" not in text


@pytest.mark.parametrize(
    "extra",
    [{"upstreams": {"nosuch-1": 1000}}, {"ports": {80: 0}}, {"upstreams": {"app-1": "x:1"}}],
)
def test_local_variant_refuses_bad_mappings(extra: dict[str, Any]) -> None:
    with pytest.raises(ExportRefused):
        render(plan_of_yaml(small()), local=True, **extra)


# --- refusals and injection guards -----------------------------------------------------------


def test_entry_without_nginx_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "t.yaml"
    source.write_text(small().replace("software: nginx", "software: haproxy"))
    assert not NginxRenderer().applies_to(Result.of_plan(plan_of_yaml(source.read_text())))
    result = run_tiered("render", "nginx", str(source), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "has no NGINX service" in result.stderr and "software: nginx" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_route_on_the_health_path_is_refused_by_validation_located() -> None:
    text = small().replace("path: /upload", "path: /healthz")
    result = check_loaded(load_bytes(text.encode(), "test.yaml"))
    assert result.plan is None
    assert [(p.code, p.location.line) for p in result.problems] == [
        (
            "route-on-health-path",
            text.splitlines().index(
                next(line for line in text.splitlines() if "path: /healthz" in line)
            )
            + 1,
        )
    ]


@pytest.mark.parametrize(
    "value", ["a;b", "a b", "{", "}", '"', "'", "#x", "a\nb", "$host", "", "a\\b"]
)
def test_template_filter_refuses_anything_but_plain_tokens(value: str) -> None:
    with pytest.raises(UnsafeValue):
        token(value)


def test_hostile_route_path_never_reaches_a_config(tmp_path: Path) -> None:
    source = tmp_path / "t.yaml"
    source.write_text(small().replace("path: /upload", 'path: "/x; return 200 owned"'))
    result = run_tiered("render", "nginx", str(source), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert re.search(r"t\.yaml:\d+:\d+: ", result.stderr)
    assert not (tmp_path / "out").exists()


# --- real tools: nginx -t and gixy ----------------------------------------------------------


@pytest.mark.parametrize("path", ALL_TOPOLOGIES, ids=ids)
def test_nginx_accepts_the_local_config(path: Path, tmp_path: Path) -> None:
    plan = plan_file(str(path))
    for name, text in render(plan, local=True).items():
        prefix = tmp_path / Path(name).parent
        prefix.mkdir(parents=True)
        (prefix / "nginx.conf").write_text(text)
        service = plan.services[plan.instance(prefix.name).service]
        tls = service.tls or Tls()
        make_certificate(prefix / "tls", Path(tls.certificate).name, Path(tls.key).name)
        result = nginx_test(prefix)
        assert result.returncode == 0, result.stderr
        assert "test is successful" in result.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="the production config opens /var/log/nginx")
@pytest.mark.parametrize("path", ALL_TOPOLOGIES, ids=ids)
def test_nginx_accepts_the_production_config(path: Path, tmp_path: Path) -> None:
    """The production config, unchanged but for the certificate paths (pointed at a test
    certificate: the real ones live on the proxy host)."""
    plan = plan_file(str(path))
    make_certificate(tmp_path / "tls", "test.crt", "test.key")
    for name, text in render(plan).items():
        lines = text.splitlines(keepends=True)
        swapped = 0
        for number, line in enumerate(lines):
            match = re.fullmatch(r"(\s*ssl_certificate(_key)?) (\S+);\n", line)
            if match:
                target = tmp_path / "tls" / ("test.key" if match.group(2) else "test.crt")
                lines[number] = f"{match.group(1)} {target};\n"
                swapped += 1
        service = plan.services[plan.instance(Path(name).parent.name).service]
        assert swapped == (2 if 443 in service.listen else 0)
        prefix = tmp_path / Path(name).parent
        prefix.mkdir(parents=True)
        (prefix / "nginx.conf").write_text("".join(lines))
        result = nginx_test(prefix)
        assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("path", ALL_TOPOLOGIES, ids=ids)
@pytest.mark.parametrize("local", [False, True], ids=["production", "local"])
def test_gixy_reports_no_issue(path: Path, local: bool, tmp_path: Path) -> None:
    plan = plan_file(str(path))
    targets = []
    for name, text in render(plan, local=local).items():
        target = tmp_path / name
        target.parent.mkdir(parents=True)
        target.write_text(text)
        targets.append(str(target))
    result = subprocess.run(
        [GIXY, "-f", "json", *targets], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout) == []


def test_gixy_would_notice_a_problem(tmp_path: Path) -> None:
    """The gixy check is live: a config with a known issue is reported."""
    plan = plan_file(str(ROOT / "topology.yaml"))
    text = render(plan)["nginx/nginx-1/nginx.conf"].replace("server_tokens off", "server_tokens on")
    target = tmp_path / "nginx.conf"
    target.write_text(text)
    result = subprocess.run(
        [GIXY, "-f", "json", str(target)], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode != 0
    assert json.loads(result.stdout)


# --- packaging ------------------------------------------------------------------------------


@pytest.mark.slow
def test_wheel_ships_the_templates(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("tiered-*.whl")
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    assert {
        "tiered/renderers/templates/nginx.conf.j2",
        "tiered/renderers/templates/keepalived.conf.j2",
    } <= names


def test_cli_writes_one_config_per_entry_instance(tmp_path: Path) -> None:
    result = run_tiered("render", "nginx", "topology.yaml", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*.conf"))
    assert written == ["nginx/nginx-1/nginx.conf", "nginx/nginx-2/nginx.conf"]
    assert f"wrote {tmp_path / 'nginx/nginx-1/nginx.conf'}" in result.stdout
