"""The ZooKeeper kind's health probe against a real ensemble (Debian's ZooKeeper): it passes
on a member only while the member serves in a quorum, as the boot signal needs."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.java_support import (
    four_letter,
    free_port,
    processes,
    replace_address,
    wait_until,
    zookeeper_command,
)
from tiered.exporters.base import ExportOptions
from tiered.pipeline import Result, plan_file
from tiered.renderers.config import ConfigRenderer
from tiered.software import software

pytestmark = pytest.mark.slow

#: Bounded waits, seconds: an election, and how long a lone member must stay unhealthy.
QUORUM_TIMEOUT = 90
ALONE_FOR = 5


def _healthy(command: str) -> bool:
    return subprocess.run(["sh", "-c", command], capture_output=True, timeout=30).returncode == 0


def test_the_zookeeper_probe_passes_only_on_a_member_of_a_quorum(tmp_path: Path) -> None:
    plan = plan_file(str(ROOT / "topology.yaml"))
    files = ConfigRenderer().export(Result.of_plan(plan), ExportOptions())
    members = plan.instances_of("zookeeper")
    local = {m.name: f"127.81.0.{m.ordinal}" for m in members}
    client, quorum, election = (free_port(list(local.values())) for _ in range(3))
    configs = {}
    for member in members:
        folder = tmp_path / member.name
        (folder / "data").mkdir(parents=True)
        text = str(files[f"config/{member.name}/etc/zookeeper/zoo.cfg"])
        for other in members:
            text = replace_address(text, str(other.ip), local[other.name])
        text = (
            text.replace(":2888:3888", f":{quorum}:{election}")
            .replace(f"clientPort={plan.services['zookeeper'].port}", f"clientPort={client}")
            .replace("dataDir=/var/lib/zookeeper", f"dataDir={folder / 'data'}")
        )
        (folder / "zoo.cfg").write_text(text)
        (folder / "data" / "myid").write_text(
            str(files[f"config/{member.name}/var/lib/zookeeper/myid"])
        )
        configs[member.name] = folder / "zoo.cfg"
    kind = software("zookeeper")
    probe = {name: kind.health_probe(client, None, address) for name, address in local.items()}
    first, second = (m.name for m in members[:2])
    with processes() as running:
        running.start(first, zookeeper_command(configs[first]), configs[first].parent)
        # alone, one of three members answers srvr ("not currently serving") but does not serve
        assert wait_until(lambda: four_letter(local[first], client) != "", QUORUM_TIMEOUT)
        assert "not currently serving" in four_letter(local[first], client)
        assert not wait_until(lambda: _healthy(probe[first]), ALONE_FOR)
        running.start(second, zookeeper_command(configs[second]), configs[second].parent)
        assert wait_until(
            lambda: _healthy(probe[first]) and _healthy(probe[second]), QUORUM_TIMEOUT
        )
        running.kill(second)
        assert wait_until(lambda: not _healthy(probe[first]), QUORUM_TIMEOUT)
    assert not _healthy(probe[first])  # stopped: nothing answers
