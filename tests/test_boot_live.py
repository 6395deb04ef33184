"""The rendered boot scripts run for real and signal CloudFormation only when they should.

Each instance's boot script, as ``tiered render cloudformation`` puts it in the user data
(with the stack name and region filled in), runs as root in a private mount namespace with
the instance's rendered files in place (``tests.boot_support``), the planned addresses
rewritten to loopback ones and the ports to free ones. Debian's ZooKeeper, ActiveMQ and
nginx serve; a test double of ``cfn-signal`` records what the stack would receive.

* ZooKeeper: a member alone does not signal (it is not serving: no quorum); once the other
  two boot, each signals success, and the running JVM has the heap sized from t2.micro.
* A download whose checksum is wrong: the boot signals failure, naming the check and what
  sha256sum said, and starts nothing.
* ActiveMQ: the master signals once it greets clients; the passive member signals once it
  runs waiting for the master's lock on the shared folder, with its port closed.
* nginx: signals once /healthz answers.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from tests.boot_support import REGION, STACK, Boot, boots, fakes, start_boot
from tests.java_support import free_port, openwire_greeting, replace_address, serving, wait_until
from tiered.pipeline import plan_file
from tiered.placement.plan import Instance, Plan
from tiered.renderers.cloudformation.boot import delivery
from tiered.renderers.cloudformation.compute import instance_id
from tiered.renderers.config.cloudinit import boot_script
from tiered.renderers.config.model import InstanceBoot
from tiered.software import software

pytestmark = pytest.mark.slow

#: Bounded waits (seconds): a boot up to its signal, and how long a lone member must not signal.
SIGNAL_TIMEOUT = 150
ALONE_FOR = 12


def rendered(plan: Plan, name: str) -> tuple[InstanceBoot, str]:
    """The instance's boot and its boot script as the stack's user data carries it."""
    boot = delivery(plan).by_instance[name]
    script = boot_script(boot, signal=instance_id(name))
    for variable, value in {
        "${AWS::StackName}": STACK,
        "${AWS::Region}": REGION,
        "${TlsCertificateSecretArn}": "",
        "${TlsCertificateParameter}": "",
    }.items():
        script = script.replace(variable, value)
    assert "${" not in script
    return boot, script


def rewrite(text: str, local: dict[Instance, str], ports: dict[str, str]) -> str:
    for instance, address in local.items():
        text = replace_address(text, str(instance.ip), address)
    for old, new in ports.items():
        text = text.replace(old, new)
    return text


def signalled(boot: Boot) -> bool:
    return bool(boot.sent())


def only_signal(boot: Boot) -> dict[str, str]:
    (call,) = boot.sent()
    return dict(zip(call[::2], call[1::2], strict=True))


def test_zookeeper_members_signal_once_the_ensemble_serves(tmp_path: Path) -> None:
    plan = plan_file("topology.yaml")
    members = plan.instances_of("zookeeper")
    local = {m: f"127.81.0.{m.ordinal}" for m in members}
    client, quorum, election = (free_port(list(local.values())) for _ in range(3))
    ports = {
        ":2888:3888": f":{quorum}:{election}",
        "clientPort=2181": f"clientPort={client}",
        ":2181": f":{client}",
        ", 2181)": f", {client})",  # the probes' python socket calls
    }
    bin_folder = fakes(tmp_path / "bin")
    with boots() as started:

        def boot(member: Instance) -> Boot:
            instance_boot, script = rendered(plan, member.name)
            files = {f.path: rewrite(f.content, local, ports) for f in instance_boot.files}
            started.append(
                start_boot(
                    member.name,
                    tmp_path / member.name,
                    rewrite(script, local, ports),
                    files,
                    [
                        "/opt",
                        "/etc/systemd/system",
                        "/etc/zookeeper",
                        "/var/lib/zookeeper",
                        "/var/log/zookeeper",
                    ],
                    bin_folder,
                    stand_in="zookeeper",
                )
            )
            return started[-1]

        first = boot(members[0])
        assert wait_until(lambda: first.daemon_pid("zookeeper") is not None, 60), first.log
        # alone it cannot serve: its boot waits and does not signal
        assert not wait_until(lambda: signalled(first), ALONE_FOR)
        assert first.process is not None and first.process.poll() is None
        others = [boot(m) for m in members[1:]]
        for member, running in zip(members, [first, *others], strict=True):
            assert wait_until(lambda r=running: signalled(r), SIGNAL_TIMEOUT), running.log
            assert running.process is not None and running.process.wait(timeout=30) == 0
            call = only_signal(running)
            assert call == {
                "--exit-code": "0",
                "--reason": f"{member.name} healthy: ZooKeeper on {local[member]}:{client} "
                "serving in a quorum",
                "--stack": STACK,
                "--resource": instance_id(member.name),
                "--region": REGION,
            }
            assert serving(local[member], client)
        # the heap is half of t2.micro's 1 GiB, not the JVM's default
        pid = first.daemon_pid("zookeeper")
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        assert b"-Xmx512m" in command


def test_a_wrong_checksum_signals_failure_with_its_reason(tmp_path: Path) -> None:
    plan = plan_file("topology.yaml")
    member = plan.instances_of("zookeeper")[0]
    instance_boot, script = rendered(plan, member.name)
    files = {f.path: f.content for f in instance_boot.files}
    with boots() as started:
        started.append(
            start_boot(
                member.name,
                tmp_path / member.name,
                script,
                files,
                ["/opt", "/etc/systemd/system", "/etc/zookeeper", "/var/lib/zookeeper"],
                fakes(tmp_path / "bin"),
            )  # no release unpacked: the boot downloads it, from a corrupted mirror
        )
        failed = started[0]
        assert failed.process is not None and failed.process.wait(timeout=60) != 0
        call = only_signal(failed)
        assert call["--exit-code"] == "1"
        assert call["--reason"].startswith(
            f"{member.name}: checking zookeeper 3.8.4 against its published sha256 checksum "
            "failed (exit 1): sha256sum: WARNING: 1 computed checksum did NOT match"
        )
        assert (call["--resource"], call["--stack"]) == (instance_id(member.name), STACK)
        assert failed.daemon_pid("zookeeper") is None  # nothing was started


def test_activemq_master_and_passive_member_both_signal(tmp_path: Path) -> None:
    plan = plan_file("topology.yaml")
    brokers = plan.instances_of("activemq")
    local = {b: f"127.84.0.{b.ordinal}" for b in brokers}
    port = free_port(list(local.values()))
    ports = {
        "tcp://0.0.0.0:61616": "tcp://{address}:" + str(port),
        ":61616": f":{port}",
        ", 61616)": f", {port})",  # the probe's python socket call
    }
    shared = tmp_path / "efs"
    shared.mkdir()
    bin_folder = fakes(tmp_path / "bin")
    with boots() as started:
        for broker in brokers:
            instance_boot, script = rendered(plan, broker.name)
            mine = {k: v.replace("{address}", local[broker]) for k, v in ports.items()}
            files = {f.path: rewrite(f.content, local, mine) for f in instance_boot.files}
            started.append(
                start_boot(
                    broker.name,
                    tmp_path / broker.name,
                    rewrite(script, local, mine),
                    files,
                    ["/opt", "/etc/systemd/system", "/etc/activemq", "/var/lib/activemq", "/mnt"],
                    bin_folder,
                    shared={"/mnt/files": shared},
                    stand_in="activemq",
                )
            )
            running = started[-1]
            assert wait_until(lambda r=running: signalled(r), SIGNAL_TIMEOUT), running.log
            assert running.process is not None and running.process.wait(timeout=30) == 0
        master, passive = started
        kahadb = "/mnt/files/activemq/activemq/kahadb"
        assert only_signal(master)["--reason"] == (
            f"activemq-1 healthy: the broker greeting on {local[brokers[0]]}:{port}, or running "
            f"while the other broker holds the lock of {kahadb}"
        )
        assert only_signal(passive)["--exit-code"] == "0"
        assert b"ActiveMQ" in openwire_greeting(local[brokers[0]], port)
        assert openwire_greeting(local[brokers[1]], port) == b""  # waits for the lock
        # the kind's own probe: the master greets, the passive member opens no port
        probe = software("activemq").health_probe
        for broker, healthy in zip(brokers, (True, False), strict=True):
            check = subprocess.run(
                ["sh", "-c", probe(port, None, local[broker])], capture_output=True, timeout=30
            )
            assert (check.returncode == 0) is healthy, check.stderr
        assert (shared / "activemq" / "activemq" / "kahadb" / "lock").exists()
        # the broker heap follows the instance type (t2.micro: 512 MiB)
        pid = passive.daemon_pid("activemq")
        assert b"-Xmx512m" in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")


def test_nginx_signals_once_healthz_answers(tmp_path: Path) -> None:
    plan = plan_file("topology.yaml")
    proxy = plan.instances_of("nginx")[0]
    address = "127.83.0.1"
    plain, tls = free_port([address]), free_port([address])
    ports = {
        "user nginx;": "user www-data;",  # Debian's account
        "listen 80 ": f"listen {address}:{plain} ",
        "listen 443 ": f"listen {address}:{tls} ",
        f"{address}:80/": f"{address}:{plain}/",
    }
    instance_boot, script = rendered(plan, proxy.name)
    local = {proxy: address}
    files = {f.path: rewrite(f.content, local, ports) for f in instance_boot.files}
    with boots() as started:
        started.append(
            start_boot(
                proxy.name,
                tmp_path / proxy.name,
                rewrite(script, local, ports),
                files,
                ["/etc/nginx", "/var/log/nginx", "/run"],
                fakes(tmp_path / "bin"),
                copy=("/etc/nginx",),
            )
        )
        boot = started[0]
        started_at = time.monotonic()
        assert wait_until(lambda: signalled(boot), SIGNAL_TIMEOUT), boot.log.read_text()
        assert boot.process is not None and boot.process.wait(timeout=30) == 0
        assert only_signal(boot)["--reason"] == (
            f"nginx-1 healthy: nginx answering http://{address}:{plain}/healthz"
        )
        assert time.monotonic() - started_at < SIGNAL_TIMEOUT
        log = boot.log.read_text()
        assert "generating a SELF-SIGNED one" in log  # no certificate parameter given
