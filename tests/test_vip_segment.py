"""A VIP the user gives is kept: the on-premises entry segment is carved around it (issue 21.5).

The VRRP pair's segment is the block (a /24 when there is room) that holds the VIP, above
every per-zone subnet and zone slot; a VIP is refused only for a real collision, named.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT, run_tiered
from tiered.loading.loader import load_bytes
from tiered.pipeline import Result, check_loaded

ONPREM = ROOT / "examples" / "onprem-generic.yaml"
NETWORK = ipaddress.IPv4Network("10.20.0.0/16")


def with_vip(vip: str) -> bytes:
    """The on-premises example with its ``entry.vip`` replaced, comments and lines kept."""
    text = ONPREM.read_text()
    assert "  vip: 10.20.255.250\n" in text
    return text.replace("  vip: 10.20.255.250\n", f"  vip: {vip}\n").encode()


def checked(vip: str) -> Result:
    return check_loaded(load_bytes(with_vip(vip), "onprem.yaml"))


def test_the_issue_case_keeps_the_vip_and_carves_the_segment_around_it(tmp_path: Path) -> None:
    source = tmp_path / "onprem.yaml"
    source.write_bytes(with_vip("10.20.40.10"))
    assert run_tiered("validate", str(source)).returncode == 0

    table = run_tiered("plan", str(source))
    assert table.returncode == 0, table.stderr
    assert "dmz-lb-segment 10.20.40.0/24: one VLAN stretched over rack-a, rack-b" in table.stdout
    assert "its virtual IP 10.20.40.10/24" in table.stdout

    out = tmp_path / "out"
    for backend in ("nginx", "keepalived"):
        rendered = run_tiered("render", backend, str(source), "-o", str(out))
        assert rendered.returncode == 0, rendered.stderr
    assert (out / "nginx" / "lb-1" / "nginx.conf").is_file()
    lb1 = (out / "keepalived" / "lb-1" / "keepalived.conf").read_text()
    lb2 = (out / "keepalived" / "lb-2" / "keepalived.conf").read_text()
    assert "        10.20.40.10/24 dev eth0\n" in lb1
    assert "    unicast_src_ip 10.20.40.2\n" in lb1
    assert "        10.20.40.2  # lb-1, rack-a\n" in lb2


def test_carving_around_the_vip_moves_no_other_subnet_or_address() -> None:
    kept, original = checked("10.20.40.10").plan, checked("10.20.255.250").plan
    assert kept is not None and original is not None
    assert [(s.name, s.cidr) for s in kept.subnets if not s.stretched] == [
        (s.name, s.cidr) for s in original.subnets if not s.stretched
    ]
    assert [(i.name, i.ip) for i in kept.instances if i.service != "lb"] == [
        (i.name, i.ip) for i in original.instances if i.service != "lb"
    ]


@pytest.mark.parametrize(
    ("vip", "code", "named", "fix"),
    [
        (
            "10.20.1.10",
            "vip-outside-segment",
            "is inside the subnet dmz-rack-b 10.20.1.0/24 (tier 'dmz', zone rack-b)",
            "e.g. `vip: 10.20.255.254`",
        ),
        (
            "10.20.9.200",
            "vip-outside-segment",
            "is inside the subnet app-rack-b 10.20.9.0/24",
            "above 10.20.23.255",
        ),
        (
            "10.20.5.10",
            "vip-outside-segment",
            "is inside 10.20.5.0/24, the zone slot 5 that tier 'dmz' keeps for a zone added later",
            "e.g. `vip: 10.20.255.254`",
        ),
        (
            "10.20.40.1",
            "vip-outside-segment",
            "is the gateway address of the entry segment dmz-lb-segment 10.20.40.0/24",
            "e.g. `vip: 10.20.40.254`",
        ),
        (
            "10.20.40.255",
            "vip-outside-segment",
            "is the broadcast address of the entry segment dmz-lb-segment 10.20.40.0/24",
            "e.g. `vip: 10.20.40.254`",
        ),
        (
            "10.20.40.3",
            "vip-in-use",
            "is the planned address of lb-2 in the entry segment dmz-lb-segment 10.20.40.0/24",
            "e.g. `vip: 10.20.40.254`",
        ),
    ],
)
def test_a_colliding_vip_is_refused_with_the_collision_named(
    vip: str, code: str, named: str, fix: str, tmp_path: Path
) -> None:
    source = tmp_path / "onprem.yaml"
    source.write_bytes(with_vip(vip))
    result = run_tiered("validate", str(source))
    assert result.returncode == 2
    assert result.stderr.startswith(f"{source}:21:8: vip {vip} {named}"), result.stderr
    assert fix in result.stderr
    assert "Traceback" not in result.stderr
    problems = checked(vip).problems
    assert [p.code for p in problems] == [code]


# -- property: a free VIP is kept, a refused one names a real collision --

#: Where the example's per-zone subnets and their zone slots end: 3 tiers x 8 slots x /24.
SLOTS_END = NETWORK.network_address + 3 * 8 * 256
SUBNETS = {
    f"{tier}-rack-{zone}": ipaddress.IPv4Network(f"10.20.{base + slot}.0/24")
    for tier, base in (("dmz", 0), ("app", 8), ("data", 16))
    for slot, zone in enumerate("abc")
}


def collision(vip: ipaddress.IPv4Address) -> str | None:
    """What the VIP collides with, worked out independently of the planner."""
    block = ipaddress.IPv4Network((vip, 24), strict=False)
    if vip < SLOTS_END:
        used = [name for name, cidr in SUBNETS.items() if vip in cidr]
        return f"subnet {used[0]} {block}" if used else f"{block}, the zone slot"
    role = {0: "network", 1: "gateway", 255: "broadcast"}.get(int(vip) & 255)
    if role is not None:
        return f"{role} address of the entry segment dmz-lb-segment {block}"
    node = {2: "lb-1", 3: "lb-2"}.get(int(vip) & 255)
    return f"planned address of {node}" if node else None


octets = st.one_of(st.integers(0, 255), st.integers(0, 30))
last_octets = st.one_of(st.integers(0, 255), st.sampled_from([0, 1, 2, 3, 4, 254, 255]))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(octets, last_octets)
def test_a_free_vip_is_kept_and_a_refusal_names_a_real_collision(third: int, fourth: int) -> None:
    vip = ipaddress.IPv4Address(f"10.20.{third}.{fourth}")
    result = checked(str(vip))
    expected = collision(vip)
    if expected is None:
        assert result.problems == [], [str(p) for p in result.problems]
        plan = result.plan
        assert plan is not None and plan.entry_segment is not None
        segment = plan.entry_segment.cidr
        assert vip in segment and segment.network_address + 1 < vip < segment.broadcast_address
        assert segment.network_address >= SLOTS_END  # clear of every subnet and zone slot
        assert vip not in {i.ip for i in plan.instances}
        assert {s.name: s.cidr for s in plan.subnets if not s.stretched} == SUBNETS
    else:
        assert len(result.problems) == 1, [str(p) for p in result.problems]
        problem = result.problems[0]
        assert problem.code in ("vip-outside-segment", "vip-in-use")
        assert expected in problem.message, (problem.message, expected)
