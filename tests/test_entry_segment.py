"""The entry segment of an on-premises VRRP pair: one VLAN over its zones, carved from the
top of the network, holding both nodes and the VIP; the other subnets do not move."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT, run_tiered
from tiered.loader import load_bytes
from tiered.pipeline import plan_file
from tiered.placement import Plan
from tiered.validate import validate

ONPREM = ROOT / "examples" / "onprem-generic.yaml"


def plan_of(data: dict[str, Any]) -> Plan:
    result = validate(load_bytes(yaml.safe_dump(data, sort_keys=False).encode(), "t.yaml"))
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
    assert segment.cidr.prefixlen > 24 and segment.cidr.broadcast_address == plan.network[-1]
    assert all(not s.cidr.overlaps(segment.cidr) for s in plan.subnets if s is not segment)


@pytest.mark.parametrize(
    ("vip", "what"),
    [
        ("10.1.0.250", "is outside the entry segment web-lb-segment 10.1.255.0/24"),
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
    assert "0 errors, 0 warnings" in result.stdout


def test_report_names_the_mechanism_and_its_takeover_time() -> None:
    result = run_tiered("report", str(ONPREM), "--format", "markdown")
    assert result.returncode == 0, result.stderr
    assert (
        "Entry failover: keepalived (VRRP) moves the virtual IP 10.20.255.250 from lb-1 to "
        "lb-2 on the entry segment dmz-lb-segment; expected takeover 0.6 s (keepalived "
        "stopped), 2.6 s (nginx dead), 3.6 s at worst (master crashed)."
    ) in result.stdout
    assert result.stdout.count("one L2 segment") == 1
