"""A software kind shipped by a third party: installed from its own package (its entry point
in ``tiered.software``), it is validated, planned and rendered by the real command line."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, run_tiered

pytestmark = pytest.mark.slow

PLUGIN = ROOT / "tests" / "plugins" / "tiered-kind-example"

TOPOLOGY = """
version: 1
name: vendor
provider: generic
zones: [rack-a, rack-b, rack-c]
network: {cidr: 10.30.0.0/16}
tiers:
  app:
    role: application
    services:
      orders: {software: generic, count: 2, depends_on: [kv]}
  data:
    role: data
    services:
      kv: {software: example-kv, count: 3}
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example kind's package, installed into a folder of its own."""
    folder = tmp_path_factory.mktemp("plugin")
    source = folder / "source"
    shutil.copytree(PLUGIN, source)
    target = folder / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--target",
            str(target),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return target


def test_an_installed_kind_is_rendered_from_the_plan(site: Path, tmp_path: Path) -> None:
    topology = tmp_path / "vendor.yaml"
    topology.write_text(TOPOLOGY, encoding="utf-8")
    out = tmp_path / "out"
    env = {"PYTHONPATH": str(site)}
    result = run_tiered("render", "config", str(topology), "--out", str(out), env=env)
    assert result.returncode == 0, result.stderr
    plan = run_tiered("plan", str(topology), "--format", "json", env=env)
    assert plan.returncode == 0, plan.stderr
    instances = [i for i in json.loads(plan.stdout)["instances"] if i["service"] == "kv"]
    assert [i["name"] for i in instances] == ["kv-1", "kv-2", "kv-3"]
    for instance in instances:
        text = (out / "config" / instance["name"] / "etc/example-kv/cluster.conf").read_text()
        lines = text.splitlines()
        assert f"node_id = {instance['name'].rsplit('-', 1)[1]}" in lines
        assert f"listen = {instance['ip']}:7946" in lines
        peers = [
            f"peer.{i['name'].rsplit('-', 1)[1]} = {i['ip']}:7947  # {i['zone']}" for i in instances
        ]
        assert [line for line in lines if line.startswith("peer.")] == peers
    seeds = " ".join(f"{i['ip']}:7946" for i in instances)
    env_file = (out / "config/orders-1/etc/tiered/orders.env").read_text().splitlines()
    assert f'KV_SEEDS="{seeds}"' in env_file


def test_without_the_package_the_kind_is_unknown(tmp_path: Path) -> None:
    topology = tmp_path / "vendor.yaml"
    topology.write_text(TOPOLOGY, encoding="utf-8")
    result = run_tiered("validate", str(topology))
    assert result.returncode == 2
    assert "unknown software 'example-kv'" in result.stdout + result.stderr
