"""The keepalived renderer: goldens, ``keepalived --config-test`` on every rendered file,
the VRRP values taken from the plan, and the refusals (aws, no VIP, no pair)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ALL_TOPOLOGIES, REGEN_GOLDEN, ROOT, run_tiered
from tiered.exporters.base import ExportOptions, ExportRefused
from tiered.loading.loader import load_bytes
from tiered.pipeline import Result, check_loaded, plan_file
from tiered.placement.plan import Plan
from tiered.renderers.keepalived import KeepalivedRenderer

GOLDEN = ROOT / "tests" / "golden"
KEEPALIVED = shutil.which("keepalived") or "/usr/sbin/keepalived"
ids = [p.stem for p in ALL_TOPOLOGIES]

PAIR = """
version: 1
name: trio
provider: generic
zones: [room-1, room-2, room-3]
network: {cidr: 192.168.0.0/16}
entry:
  vip: 192.168.255.200
  vrrp:
    {check_interval: 3, check_timeout: 1, fall: 2, rise: 4, advert_interval: 2, preempt_delay: 0}
tiers:
  front:
    role: presentation
    public: true
    services:
      lb:
        software: nginx
        count: COUNT
        failover: active-passive
        listen: LISTEN
        health_check: {interval: 3, timeout: 1, healthy_threshold: 4, unhealthy_threshold: 2}
        routes: [{path: /, to: web}]
  back:
    role: application
    services:
      web: {software: generic, count: 2, port: 8000}
"""


def pair(count: int = 3, listen: str = "[80, 443]", vip: bool = True) -> Plan:
    text = PAIR.replace("COUNT", str(count)).replace("LISTEN", listen)
    if not vip:
        text = text[: text.index("entry:")] + text[text.index("tiers:") :]
    result = check_loaded(load_bytes(text.encode(), "trio.yaml"))
    assert result.problems == [], [str(p) for p in result.problems]
    assert result.plan is not None
    return result.plan


def interface() -> str:
    """A real non-loopback interface of this machine (keepalived checks it exists)."""
    names = sorted(p.name for p in Path("/sys/class/net").iterdir() if p.name != "lo")
    if "eth0" in names:
        return "eth0"
    if not names:
        pytest.skip("no network interface besides lo")
    return names[0]


def config_test(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [KEEPALIVED, "--config-test", "-f", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def render(plan: Plan, **extra: str) -> dict[str, str]:
    files = KeepalivedRenderer().export(Result.of_plan(plan), ExportOptions(extra=extra))
    return {name: str(text) for name, text in files.items()}


@pytest.mark.parametrize("path", ALL_TOPOLOGIES, ids=ids)
def test_keepalived_golden(path: Path) -> None:
    plan = plan_file(str(path))
    root = GOLDEN / path.stem / "keepalived"
    renderer = KeepalivedRenderer()
    files = render(plan) if renderer.applies_to(Result.of_plan(plan)) else {}
    if REGEN_GOLDEN:
        shutil.rmtree(root, ignore_errors=True)
        for name, text in files.items():
            target = root.parent / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
    expected = {
        str(p.relative_to(root.parent)): p.read_text() for p in sorted(root.rglob("*.conf"))
    }
    assert files == expected
    assert bool(files) == (plan.provider == "generic" and plan.entry is not None)


@pytest.mark.parametrize(
    "plan",
    [pair(2), pair(3), pair(2, "[443]")]
    + [plan_file(str(p)) for p in ALL_TOPOLOGIES if plan_file(str(p)).provider == "generic"],
    ids=lambda plan: f"{plan.name}-{len(plan.instances_of(plan.entry_services[0]))}",
)
def test_keepalived_accepts_every_rendered_config(plan: Plan, tmp_path: Path) -> None:
    files = render(plan, interface=interface())
    assert files
    for name, text in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True)
        target.write_text(text)
        result = config_test(target)
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""  # not even a warning


def test_config_test_rejects_a_broken_file(tmp_path: Path) -> None:
    """The check above is live: keepalived does reject a damaged configuration."""
    text = render(pair(2), interface=interface())["keepalived/lb-1/keepalived.conf"]
    for damaged in (text.replace("virtual_router_id", "virtual_router"), text[:-3]):
        target = tmp_path / "keepalived.conf"
        target.write_text(damaged)
        assert config_test(target).returncode != 0


def test_vrrp_values_come_from_the_plan() -> None:
    plan = pair(3)
    files = render(plan)
    nodes = plan.instances_of("lb")
    routers, passwords = set(), set()
    for position, node in enumerate(nodes):
        text = files[f"keepalived/{node.name}/keepalived.conf"]
        assert f"router_id {node.name}\n" in text
        assert "    state BACKUP\n" in text  # the election by priority decides
        assert f"    priority {[150, 100, 99][position]}\n" in text
        assert "    advert_int 2\n" in text and "    preempt_delay 0\n" in text
        assert f"    unicast_src_ip {node.ip}\n" in text
        peers = re.findall(r"^ {8}(\d+\.\d+\.\d+\.\d+)  # ", text, re.M)
        assert peers == [str(n.ip) for n in nodes if n.name != node.name]
        assert node.subnet == "front-lb-segment"
        assert "        192.168.255.200/24 dev eth0\n" in text  # the prefix of the segment
        assert (
            'script "/usr/bin/curl -fsS -o /dev/null --max-time 1 http://127.0.0.1:80/healthz"'
            in text
        )
        assert "    interval 3\n    timeout 1\n    fall 2\n    rise 4\n" in text  # entry.vrrp
        # stated: skew (256-100)/256 x 2 = 1.2 s; dead nginx 2 x 3 + 1.2; crash 3 x 2 + 1.2
        assert "keepalived stopped or host shut down on the master:  1.2 s" in text
        assert "nginx dead on the master (connections refused):      7.2 s" in text
        assert "nginx hung on the master (check times out):          8.2 s" in text
        assert "master crashed (host, link or keepalived killed):    7.2 s" in text
        assert "worst case:                                          8.2 s" in text
        assert "    track_script {\n        check_nginx\n    }\n" in text
        assert "nopreempt" in text and "\n    nopreempt" not in text  # documented, not set
        routers.add(re.search(r"virtual_router_id (\d+)", text).group(1))  # type: ignore[union-attr]
        passwords.add(re.search(r"auth_pass (\S+)", text).group(1))  # type: ignore[union-attr]
    assert len(routers) == 1 and 1 <= int(routers.pop()) <= 255
    assert len(passwords) == 1 and len(passwords.pop()) == 8  # VRRP PASS: at most 8


def test_https_only_pair_checks_over_https() -> None:
    text = render(pair(2, "[443]"))["keepalived/lb-1/keepalived.conf"]
    assert "-k -o /dev/null --max-time 1 https://127.0.0.1:443/healthz" in text


def test_interface_option_and_its_guard() -> None:
    assert " dev bond0\n" in render(pair(2), interface="bond0")["keepalived/lb-2/keepalived.conf"]
    with pytest.raises(ValueError, match="refusing"):
        render(pair(2), interface="eth0; rm")


def test_aws_is_refused_with_the_reason(tmp_path: Path) -> None:
    for path in ALL_TOPOLOGIES:
        plan = plan_file(str(path))
        if plan.provider == "aws":
            assert not KeepalivedRenderer().applies_to(Result.of_plan(plan))
    result = run_tiered("render", "keepalived", "topology.yaml", "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "VRRP does not work in a VPC" in result.stderr
    assert "Route 53" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("plan", "message"),
    [(pair(2, vip=False), "virtual IP"), (pair(1, vip=False), "active-passive NGINX pair")],
    ids=["no-vip", "single-node"],
)
def test_generic_without_a_pair_or_vip_is_refused(plan: Plan, message: str) -> None:
    assert not KeepalivedRenderer().applies_to(Result.of_plan(plan))
    with pytest.raises(ExportRefused, match=message):
        KeepalivedRenderer().export(Result.of_plan(plan), ExportOptions())


def test_cli_renders_the_onprem_pair(tmp_path: Path) -> None:
    example = ROOT / "examples" / "onprem-generic.yaml"
    result = run_tiered("render", "keepalived", str(example), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*.conf"))
    assert written == ["keepalived/lb-1/keepalived.conf", "keepalived/lb-2/keepalived.conf"]
