"""The boot script's frame: the signalling tool first, a failure reported with its reason, the
probe of each software, the heap of each instance type and the stack's wait derived from it.

The two runs here execute an application's rendered boot script for real (as root, in a
private mount namespace, ``tests.boot_support``): without an artifact it signals success
at once; with an artifact URL but no checksum it signals failure naming the step and the
line the script logged.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.boot_support import REGION, STACK, boots, fakes, start_boot
from tests.java_support import wait_until
from tiered.pipeline import plan_file
from tiered.renderers.cloudformation.boot import delivery, signal_seconds
from tiered.renderers.cloudformation.compute import instance_id
from tiered.renderers.config import boots as config_boots
from tiered.renderers.config.cloudinit import boot_script
from tiered.renderers.config.heap import heap_mib, memory_gib
from tiered.software import software


@pytest.mark.parametrize(
    ("instance_type", "gib", "heap"),
    [
        ("t2.micro", 1, 512),
        ("t3.small", 2, 1024),
        ("t3.medium", 4, 2048),
        ("t4g.nano", 0.5, 256),
        ("c6i.large", 4, 2048),
        ("m6i.large", 8, 4096),
        ("r6g.xlarge", 32, 16384),
        ("m7g.4xlarge", 64, 31744),  # capped: compressed object pointers
        ("x2iedn.metal", None, 512),  # unknown: what a 1 GiB instance gets
    ],
)
def test_heaps_are_half_the_instance_memory(instance_type: str, gib: float, heap: int) -> None:
    assert memory_gib(instance_type) == gib
    assert heap_mib(instance_type) == heap


def test_each_software_has_its_probe() -> None:
    """Each boot waits for its kind's readiness: the kind's health probe, polled 60 x 5 s."""
    plan = plan_file("topology.yaml")
    by_instance = {boot.instance.name: boot for boot in config_boots(plan)}

    def probe(instance: str) -> str:
        found = by_instance[instance].probe
        assert found is not None and found.seconds == 300
        return found.check

    # ZooKeeper serves in a quorum: srvr on its own address (it binds only that one)
    zookeeper = probe("zookeeper-1")
    assert zookeeper == software("zookeeper").health_probe(2181, None, "10.0.9.136")
    assert "10.0.9.136" in zookeeper and "2181" in zookeeper and "srvr" in zookeeper
    # SolrCloud: the health endpoint, which also needs ZooKeeper
    assert probe("solr-1").endswith("http://10.0.9.152:8983/solr/admin/info/health")
    # the active broker greets; the passive one runs while the other holds the lock
    activemq = probe("activemq-1")
    assert activemq.startswith(software("activemq").health_probe(61616, None, "10.0.9.196"))
    assert '[ -e "/mnt/files/activemq/activemq/kahadb"/lock ]' in activemq
    assert probe("nginx-1").endswith("http://10.0.1.108:80/healthz")
    # the application's declared health_check, on its port, once an artifact was given
    assert probe("integrate-1") == (
        '[ -z "$artifact_url" ] || curl -fsS -o /dev/null --max-time 5 http://10.0.9.92:8080/health'
    )


def test_the_configuration_tree_script_does_not_signal() -> None:
    for boot in config_boots(plan_file("topology.yaml")):
        script = boot_script(boot)
        assert "cfn-signal" not in script and "${AWS::StackName}" not in script
        assert "trap 'rm -rf \"$work\"' EXIT" in script


def test_the_signal_timeout_adds_up_the_boot() -> None:
    plan = plan_file("examples/single-zone-webapp.yaml")
    boot = delivery(plan).by_instance["shop-1"]
    # 180 s to the script, the tool 5 x (60 + 15), packages 120 + 60 (nodejs), the artifact's
    # download 600 s, the probe 60 x 5 s
    assert (boot.packages, boot.waits) == (["nodejs"], 600)
    assert signal_seconds(boot) == 180 + 375 + 180 + 600 + 300


def _application(url: str) -> str:
    plan = plan_file("examples/single-zone-webapp.yaml")
    boot = delivery(plan).by_instance["shop-1"]
    script = boot_script(boot, signal=instance_id("shop-1"))
    for variable, value in {
        "${AWS::StackName}": STACK,
        "${AWS::Region}": REGION,
        "${ArtifactUrlShop}": url,
        "${ArtifactSha256Shop}": "",
    }.items():
        script = script.replace(variable, value)
    return script


def test_an_application_without_artifact_signals_at_once(tmp_path: Path) -> None:
    script = _application("")
    with boots() as started:
        started.append(
            start_boot("shop-1", tmp_path / "shop-1", script, {}, [], fakes(tmp_path / "bin"))
        )
        boot = started[0]
        assert boot.process is not None and boot.process.wait(timeout=60) == 0
        assert wait_until(lambda: bool(boot.sent()), 5)
        (call,) = boot.sent()
        assert call[:4] == [
            "--exit-code",
            "0",
            "--reason",
            (
                "shop-1 healthy: shop accepting connections on 172.16.4.4:3000 "
                "(when an artifact was given)"
            ),
        ]
        log = boot.log.read_text()
        assert "no application artifact given (ArtifactUrlShop)" in log
        commands = (boot.state / "commands").read_text().splitlines()
        assert commands == [
            "dnf install -y --setopt=retries=10 --setopt=timeout=30 nodejs"
        ]  # the signalling tool was there: no install of it


def test_a_failing_step_signals_its_name_and_its_last_line(tmp_path: Path) -> None:
    script = _application("https://artifacts.invalid/shop.tar.gz")
    with boots() as started:
        started.append(
            start_boot("shop-1", tmp_path / "shop-1", script, {}, [], fakes(tmp_path / "bin"))
        )
        boot = started[0]
        assert boot.process is not None and boot.process.wait(timeout=60) == 1
        (call,) = boot.sent()
        assert call == [
            "--exit-code",
            "1",
            "--reason",
            "shop-1: installing the artifact of shop failed (exit 1): "
            "tiered-boot: ArtifactSha256Shop is required",
            "--stack",
            STACK,
            "--resource",
            "InstanceShop1",
            "--region",
            REGION,
        ]
