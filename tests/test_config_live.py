"""The rendered configurations run: a real ZooKeeper ensemble and a real ActiveMQ pair.

ZooKeeper (Debian's package, ``java`` with its classpath): every member starts from its
rendered ``zoo.cfg`` and ``myid`` with the planned addresses rewritten to loopback ones (and
free ports, the data folder a temporary one); the ensemble forms a quorum, and killing the
members planned in each zone keeps or loses it exactly as ``tiered whatif --fail ZONE``
predicts. ActiveMQ (Debian's package): both brokers start from the rendered
``activemq.xml``, sharing a temporary folder in place of the EFS mount; the slave waits
for the lock, and when the master is killed it takes the lock and accepts connections.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_tiered
from tests.java_support import (
    activemq_command,
    free_port,
    openwire_greeting,
    processes,
    replace_address,
    serving,
    wait_until,
    zookeeper_command,
)
from tiered.exporters.base import ExportOptions
from tiered.pipeline import Result, plan_file
from tiered.renderers.config import ConfigRenderer
from tiered.renderers.config.context import Contexts
from tiered.software.kinds.activemq import DATA as ACTIVEMQ_DATA
from tiered.software.kinds.activemq import kahadb_directory

pytestmark = pytest.mark.slow

#: Bounded waits, seconds: an election, and the time a lost quorum must stay lost.
QUORUM_TIMEOUT = 90
LOST_FOR = 6


def predicted_survivors(path: str, zone: str, service: str) -> bool:
    """What `tiered whatif --fail ZONE` says about ``service``: up (True) or down."""
    result = run_tiered("whatif", path, "--fail", zone, "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    scenario = json.loads(result.stdout)
    return service not in scenario["down"]


@pytest.mark.parametrize(
    ("path", "network"),
    [("topology.yaml", 77), ("examples/reference-three-zones.yaml", 78)],
    ids=["topology", "reference-three-zones"],
)
def test_zookeeper_quorum_survives_exactly_as_whatif_predicts(
    path: str, network: int, tmp_path: Path
) -> None:
    plan = plan_file(str(ROOT / path))
    files = ConfigRenderer().export(Result.of_plan(plan), ExportOptions())
    members = plan.instances_of("zookeeper")
    local = {m.name: f"127.{network}.0.{m.ordinal}" for m in members}
    hosts = list(local.values())
    client, quorum, election = (free_port(hosts) for _ in range(3))
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
        assert str(member.ip) not in text and local[member.name] in text
        (folder / "zoo.cfg").write_text(text)
        myid = files[f"config/{member.name}/var/lib/zookeeper/myid"]
        (folder / "data" / "myid").write_text(str(myid))
        configs[member.name] = folder / "zoo.cfg"

    def start(name: str) -> None:
        running.start(name, zookeeper_command(configs[name]), configs[name].parent)

    def quorum_among(names: list[str]) -> bool:
        return any(serving(local[name], client) for name in names)

    with processes() as running:
        for member in members:
            start(member.name)
        assert wait_until(lambda: all(serving(h, client) for h in hosts), QUORUM_TIMEOUT)
        outcomes = {}
        for zone in plan.zones:
            planned_here = [m.name for m in members if m.zone == zone]
            survivors = [m.name for m in members if m.zone != zone]
            expected = predicted_survivors(path, zone, "zookeeper")
            for name in planned_here:
                running.kill(name)
            if expected:
                assert wait_until(lambda s=survivors: quorum_among(s), QUORUM_TIMEOUT), zone
            else:
                assert wait_until(lambda s=survivors: not quorum_among(s), QUORUM_TIMEOUT), zone
                assert not wait_until(lambda s=survivors: quorum_among(s), LOST_FOR), zone
            outcomes[zone] = expected
            for name in planned_here:  # the zone comes back: the whole ensemble again
                start(name)
            assert wait_until(lambda: all(serving(h, client) for h in hosts), QUORUM_TIMEOUT)
    if path == "topology.yaml":  # two of three members in us-east-1b: the documented flaw
        assert outcomes == {"us-east-1b": False, "us-east-1c": True}
    else:
        assert set(outcomes.values()) == {True}


def test_activemq_slave_takes_over_when_the_master_dies(tmp_path: Path) -> None:
    plan = plan_file(str(ROOT / "topology.yaml"))
    service = plan.services["activemq"]
    files = ConfigRenderer().export(Result.of_plan(plan), ExportOptions())
    brokers = plan.instances_of("activemq")
    local = {b.name: f"127.79.0.{b.ordinal}" for b in brokers}
    port = free_port(list(local.values()))
    shared = tmp_path / "efs"
    configs = {}
    for broker in brokers:
        folder = tmp_path / broker.name
        folder.mkdir()
        text = str(files[f"config/{broker.name}/etc/activemq/activemq.xml"])
        text = (
            text.replace(
                kahadb_directory(Contexts(plan).service(service.name)), str(shared / "kahadb")
            )
            .replace(f'dataDirectory="{ACTIVEMQ_DATA}"', f'dataDirectory="{folder / "data"}"')
            .replace(f"tcp://0.0.0.0:{service.port}", f"tcp://{local[broker.name]}:{port}")
        )
        assert str(shared) in text and local[broker.name] in text
        (folder / "activemq.xml").write_text(text)
        configs[broker.name] = folder
    master, slave = (b.name for b in brokers)

    def accepts(name: str) -> bool:
        return b"ActiveMQ" in openwire_greeting(local[name], port)

    with processes() as running:
        running.start(
            master,
            activemq_command(configs[master] / "activemq.xml", configs[master]),
            configs[master],
        )
        assert wait_until(lambda: accepts(master), 90), "the master does not serve"
        running.start(
            slave, activemq_command(configs[slave] / "activemq.xml", configs[slave]), configs[slave]
        )
        # the slave waits for the lock of the shared KahaDB: it opens no port
        assert not wait_until(lambda: accepts(slave), 15)
        assert accepts(master)
        running.kill(master)
        assert wait_until(lambda: accepts(slave), 90), "the slave did not take over"
