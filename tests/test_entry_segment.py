"""The entry segment of an on-premises VRRP pair: one VLAN over its zones, carved around the
VIP (here at the top of the network), holding both nodes and the VIP; the other subnets do
not move."""

from __future__ import annotations

import ipaddress
import json
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT, run_tiered
from tiered.exporters.base import ExportOptions
from tiered.loading.loader import load_bytes
from tiered.pipeline import Result, check_loaded, plan_file
from tiered.placement.plan import Plan
from tiered.renderers.keepalived import KeepalivedRenderer

ONPREM = ROOT / "examples" / "onprem-generic.yaml"


def plan_of(data: dict[str, Any]) -> Plan:
    result = check_loaded(load_bytes(yaml.safe_dump(data, sort_keys=False).encode(), "t.yaml"))
    assert result.problems == [], [str(p) for p in result.problems]
    assert result.plan is not None
    return result.plan


def pair(cidr: str, vip: str | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "version": 1,
        "name": "t",
        "provider": "generic",
        "zones": ["a", "b", "c"],
        "network": {"cidr": cidr},
        "tiers": {
            "web": {
                "role": "presentation",
                "services": {
                    "lb": {
                        "software": "nginx",
                        "count": 2,
                        "failover": "active-passive",
                        "zones": ["a", "b"],
                        "routes": [{"path": "/", "to": "app"}],
                    }
                },
            },
            "back": {"role": "application", "services": {"app": {"count": 3, "port": 80}}},
        },
    }
    if vip:
        data["entry"] = {"vip": vip}
    return data


def test_onprem_pair_and_vip_share_one_segment_over_its_racks() -> None:
    plan = plan_file(str(ONPREM))
    segment = plan.entry_segment
    assert segment is not None and segment.stretched
    assert segment.zones == ("rack-a", "rack-b")
    assert str(segment.cidr) == "10.20.255.0/24"  # the top of 10.20.0.0/16
    lbs = plan.instances_of("lb")
    assert [(i.zone, i.subnet, str(i.ip)) for i in lbs] == [
        ("rack-a", "dmz-lb-segment", "10.20.255.2"),
        ("rack-b", "dmz-lb-segment", "10.20.255.3"),
    ]
    assert plan.entry is not None and plan.entry.vip is not None
    assert ipaddress.IPv4Address(plan.entry.vip) in segment.cidr
    others = [s for s in plan.subnets if s is not segment]
    assert all(not s.cidr.overlaps(segment.cidr) for s in others)
    assert all(i.subnet != segment.name for i in plan.instances if i.service != "lb")


def test_the_segment_moves_no_other_subnet() -> None:
    with_vip = plan_of(pair("10.1.0.0/16", "10.1.255.100"))
    without = plan_of(pair("10.1.0.0/16", None))
    assert without.entry_segment is None
    assert [(s.name, s.cidr) for s in with_vip.subnets if not s.stretched] == [
        (s.name, s.cidr) for s in without.subnets
    ]
    assert [i.ip for i in with_vip.instances_of("app")] == [
        i.ip for i in without.instances_of("app")
    ]


def test_a_small_network_gets_a_small_segment() -> None:
    plan = plan_of(pair("192.168.7.0/24", "192.168.7.253"))
    segment = plan.entry_segment
    assert segment is not None
    assert segment.cidr.prefixlen > 24 and segment.cidr.broadcast_address == plan.network.cidr[-1]
    assert all(not s.cidr.overlaps(segment.cidr) for s in plan.subnets if s is not segment)


@pytest.mark.parametrize(
    ("vip", "what"),
    [
        ("10.1.0.250", "is inside the subnet web-a 10.1.0.0/24"),
        ("10.1.255.0", "is the network address of the entry segment"),
        ("10.1.255.1", "is the gateway address of the entry segment"),
        ("10.1.255.255", "is the broadcast address of the entry segment"),
        ("10.1.255.2", "is the planned address of lb-1"),
    ],
)
def test_vip_must_be_a_free_host_of_the_segment(vip: str, what: str, tmp_path: Any) -> None:
    source = tmp_path / "t.yaml"
    source.write_text(yaml.safe_dump(pair("10.1.0.0/16", vip), sort_keys=False))
    result = run_tiered("validate", str(source))
    assert result.returncode == 2
    assert what in result.stderr, result.stderr
    assert result.stderr.startswith(f"{source}:")  # file:line:col
    assert "Traceback" not in result.stderr


def test_validate_states_the_l2_assumption_once_not_as_a_finding() -> None:
    result = run_tiered("validate", str(ONPREM))
    assert result.returncode == 0, result.stderr
    assumed = [line for line in result.stdout.splitlines() if line.startswith("assumes: ")]
    assert len(assumed) == 1
    assert "entry segment dmz-lb-segment 10.20.255.0/24" in assumed[0]
    assert "VLAN stretched over rack-a, rack-b" in assumed[0]
    assert "0 errors, 4 warnings" in result.stdout  # TR012: etcd, queue, pg, reports
    assert "TR010" not in result.stdout and "TR008" not in result.stdout


def test_report_names_the_mechanism_and_its_takeover_time() -> None:
    result = run_tiered("report", str(ONPREM), "--format", "markdown")
    assert result.returncode == 0, result.stderr
    assert (
        "Entry failover: keepalived (VRRP) moves the virtual IP 10.20.255.250 from lb-1 to "
        "lb-2 on the entry segment dmz-lb-segment; expected takeover 0.6 s (keepalived "
        "stopped), 2.6 s (nginx dead), 3.6 s at worst (master crashed)."
    ) in result.stdout
    assert result.stdout.count("one L2 segment") == 1


@st.composite
def generic_pairs(draw: st.DrawFn) -> dict[str, Any]:
    """Generic topologies with an entry pair and a VIP at the top host of the network."""
    zones = [f"rack-{i}" for i in range(draw(st.integers(1, 6)))]
    prefix = draw(st.integers(16, 23))
    network = ipaddress.IPv4Network((0x0A000000, prefix))
    pair_zones = draw(st.lists(st.sampled_from(zones), min_size=1, unique=True))
    data = pair(str(network), str(network.broadcast_address - 1))
    data["zones"] = zones
    lb = data["tiers"]["web"]["services"]["lb"]
    lb.update(count=draw(st.integers(2, 4)), zones=pair_zones)
    data["tiers"]["web"]["services"]["side"] = {"count": draw(st.integers(1, 9))}
    data["tiers"]["back"]["services"]["app"]["count"] = draw(st.integers(1, 40))
    return data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generic_pairs())
def test_segment_invariants(data: dict[str, Any]) -> None:
    plan = plan_of(data)
    segment = plan.entry_segment
    assert segment is not None
    lb = plan.services["lb"]
    assert segment.zones == tuple(lb.per_zone)
    assert segment.cidr.broadcast_address == plan.network.cidr.broadcast_address  # on top
    others = [s for s in plan.subnets if s is not segment]
    assert all(not s.cidr.overlaps(segment.cidr) for s in others)
    nodes = plan.instances_of("lb")
    assert {i.subnet for i in nodes} == {segment.name}
    assert len({i.ip for i in nodes}) == len(nodes)
    assert all(segment.cidr.network_address + 1 < i.ip < segment.cidr[-1] for i in nodes)
    # the other subnets and addresses are those of the same topology without the VIP,
    # whenever the network has room for the smallest segment beside them
    del data["entry"]
    plain = plan_of(data)
    # every tier reserves a subnet per zone slot
    sizes = {s.tier: s.cidr.num_addresses for s in plain.subnets}
    used = plain.network.zone_slots * sum(sizes.values())
    if used + 8 > plan.network.cidr.num_addresses:
        return
    assert [(s.name, s.cidr) for s in others] == [(s.name, s.cidr) for s in plain.subnets]
    # (in the pair's own tier the others move down into the addresses the pair left)
    assert [i.ip for i in plan.instances if i.tier != "web"] == [
        i.ip for i in plain.instances if i.tier != "web"
    ]
    # keepalived renders the VIP with the segment's prefix, peers inside the segment
    files = KeepalivedRenderer().export(Result.of_plan(plan), ExportOptions())
    text = str(files["keepalived/lb-1/keepalived.conf"])
    assert f" {data_vip(plan)}/{segment.cidr.prefixlen} dev eth0\n" in text


def data_vip(plan: Plan) -> str:
    assert plan.entry is not None and plan.entry.vip is not None
    return plan.entry.vip


def test_plan_table_json_diagram_and_keepalived_agree(tmp_path: Any) -> None:
    cidr, vip = "10.20.255.0/24", "10.20.255.250/24"
    table = run_tiered("plan", str(ONPREM))
    assert f"dmz-lb-segment {cidr}: one VLAN stretched over rack-a, rack-b" in table.stdout
    document = json.loads(run_tiered("plan", str(ONPREM), "--format", "json").stdout)
    assert document["entry_segment"]["cidr"] == cidr
    assert document["entry_segment"]["vip"] == vip
    assert document["entry_segment"]["instances"] == ["lb-1", "lb-2"]
    mermaid = run_tiered(
        "diagram", str(ONPREM), "--format", "mermaid", "-o", str(tmp_path / "d.mmd")
    )
    assert mermaid.returncode == 0, mermaid.stderr
    drawn = (tmp_path / "d.mmd").read_text()
    assert f"entry segment {cidr} · one VLAN over rack-a, rack-b" in drawn
    assert f"VIP {vip}" in drawn
    rendered = run_tiered("render", "keepalived", str(ONPREM), "--out", str(tmp_path / "out"))
    assert rendered.returncode == 0, rendered.stderr
    for name, own, peer in (
        ("lb-1", "10.20.255.2", "10.20.255.3"),
        ("lb-2", "10.20.255.3", "10.20.255.2"),
    ):
        text = (tmp_path / "out" / "keepalived" / name / "keepalived.conf").read_text()
        assert f"segment dmz-lb-segment {cidr}, one VLAN stretched over rack-a, rack-b" in text
        assert f"unicast_src_ip {own}\n" in text and f"        {peer}  # " in text
        assert f"        {vip} dev eth0\n" in text
