"""What a backend would refuse, validation refuses first, located (issue 21, point 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_tiered

HEAD = """version: 1
name: probe
provider: aws
region: us-east-1
zones: [us-east-1a, us-east-1b]
network: {cidr: 10.0.0.0/16}
tiers:
  web:
    role: presentation
    public: true
    services:
      lb:
        software: nginx
        count: 2
"""
APPS = """  apps:
    role: application
    services:
      app: {count: 2, port: 8080}
"""
CASES = {
    "health-path": (
        "        routes: [{path: /healthz/, to: app}]\n" + APPS,
        "15:25: route path '/healthz/' is the health check path /healthz",
    ),
    "slash-twins": (
        "        routes: [{path: /api, to: app}, {path: /api/, to: app}]\n" + APPS,
        "15:48: route path '/api/' and '/api' are one location to NGINX",
    ),
    "no-listen": (
        "        listen: []\n        routes: [{path: /, to: app}]\n" + APPS,
        "15:17: the entry proxy 'lb' listens on no port",
    ),
    "brokers-without-storage": (
        "        routes: [{path: /, to: mq}]\n"
        "  apps:\n    role: application\n    services:\n"
        "      mq: {software: activemq, count: 2, failover: active-passive}\n",
        "19:39: activemq service 'mq' has 2 brokers but no shared file system",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_validate_refuses_what_render_would_refuse(case: str, tmp_path: Path) -> None:
    body, expected = CASES[case]
    path = tmp_path / "t.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    validated = run_tiered("validate", str(path))
    assert validated.returncode == 2
    assert f"{path}:{expected}" in validated.stderr + validated.stdout


def test_brokers_with_a_shared_file_system_validate_and_render(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        HEAD
        + "        routes: [{path: /, to: mq}]\n"
        + "  apps:\n    role: application\n    services:\n"
        + "      mq: {software: activemq, count: 2, failover: active-passive, "
        + "depends_on: [files]}\n"
        + "  data:\n    role: data\n    services:\n      files: {kind: filesystem}\n",
        encoding="utf-8",
    )
    assert run_tiered("validate", str(path)).returncode in (0, 1)
    rendered = run_tiered("render", "config", str(path), "--out", str(tmp_path / "out"))
    assert rendered.returncode == 0, rendered.stderr
