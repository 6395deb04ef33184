"""The placement plan: golden output, addressing invariants (property tests), determinism."""

from __future__ import annotations

import ipaddress
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import REGEN_GOLDEN, ROOT, run_tiered
from tiered.loading.loader import load_bytes
from tiered.pipeline import check_loaded
from tiered.placement.networks.addressing import home
from tiered.placement.networks.aws import AwsCarver
from tiered.placement.networks.onprem import OnPremCarver
from tiered.placement.plan import Plan

GOLDEN = ROOT / "tests" / "golden"


def plan_of(data: dict[str, Any]) -> Plan:
    result = check_loaded(
        load_bytes(yaml.safe_dump(data, sort_keys=False).encode(), "generated.yaml")
    )
    assert result.problems == [], [str(p) for p in result.problems]
    assert result.plan is not None
    return result.plan


@st.composite
def topologies(draw: st.DrawFn) -> dict[str, Any]:
    """Valid topologies of varied shapes: zones, tiers, counts, placements, managed services."""
    provider = draw(st.sampled_from(["aws", "generic"]))
    zone_count = draw(st.integers(1, 6))
    zones = (
        [f"eu-west-1{c}" for c in "abcdef"[:zone_count]]
        if provider == "aws"
        else [f"rack-{i}" for i in range(zone_count)]
    )
    # one width of numbers: "s1" with 11 replicas beside "s11" would meet in one
    # CloudFormation logical id (S111), which validation refuses on AWS
    names = iter(f"s{i:03d}" for i in range(1000))
    tiers: dict[str, Any] = {}
    for t in range(draw(st.integers(1, 4))):
        services: dict[str, Any] = {}
        for _ in range(draw(st.integers(1, 4))):
            name = next(names)
            kind = draw(st.sampled_from(["compute"] * 6 + ["database", "filesystem"]))
            if kind == "database" and zone_count >= 2:
                services[name] = {"kind": "database", "count": draw(st.integers(1, 2))}
                continue
            if kind == "filesystem":
                services[name] = {"kind": "filesystem"}
                continue
            count = draw(st.integers(1, 12))
            service: dict[str, Any] = {
                "count": count,
                "failover": draw(
                    st.sampled_from(["active-active", "active-passive", "quorum", "none"])
                ),
            }
            subset = draw(st.lists(st.sampled_from(zones), min_size=1, unique=True))
            if draw(st.booleans()):
                service["zones"] = subset
            if draw(st.booleans()):
                used = service.get("zones", zones)
                split = draw(
                    st.lists(st.integers(0, count), min_size=len(used) - 1, max_size=len(used) - 1)
                )
                cuts = sorted(split)
                parts = [b - a for a, b in zip([0, *cuts], [*cuts, count], strict=True)]
                service["placement"] = dict(zip(used, parts, strict=True))
            services[name] = service
        tiers[f"tier{t}"] = {
            "role": "application",
            "public": draw(st.booleans()),
            "services": services,
        }
    data: dict[str, Any] = {
        "version": 1,
        "name": "generated",
        "provider": provider,
        "zones": zones,
        "network": {"cidr": "10.0.0.0/16"},
        "tiers": tiers,
    }
    if provider == "aws":
        data["region"] = "eu-west-1"
        data["network"]["nat"] = draw(st.sampled_from(["per-zone", "single"]))
    return data


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(topologies())
def test_plan_invariants(data: dict[str, Any]) -> None:
    plan = plan_of(data)
    network = plan.network.cidr
    subnets = {s.name: s for s in plan.subnets}
    # Subnets: inside the network, never overlapping, one per tier per zone.
    for a in plan.subnets:
        assert a.cidr.subnet_of(network)
    ordered = sorted(plan.subnets, key=lambda s: int(s.cidr.network_address))
    for a, b in itertools.pairwise(ordered):
        assert not a.cidr.overlaps(b.cidr)
    assert {(s.tier, s.zone) for s in plan.subnets if s.tier} == {
        (t, z) for t in data["tiers"] for z in data["zones"]
    }
    # Addresses: inside their subnet, clear of reserved ones, unique.
    low, high = {"aws": AwsCarver.RESERVED, "generic": OnPremCarver.RESERVED}[plan.provider]
    addresses: list[ipaddress.IPv4Address] = []
    placed = [(i.subnet, i.ip) for i in plan.instances]
    placed += [(m.subnet, m.ip) for m in plan.managed if m.ip is not None]
    placed += [(n.subnet, n.ip) for n in plan.network.nat_gateways]
    for subnet_name, ip in placed:
        cidr = subnets[subnet_name].cidr
        assert ip in cidr
        assert int(cidr.network_address) + low <= int(ip) <= int(cidr.broadcast_address) - high
        addresses.append(ip)
    assert len(addresses) == len(set(addresses))
    # Counts: per zone as placed, instances in their zone's subnet, stable names.
    for tier_name, tier in data["tiers"].items():
        for name, declared in tier["services"].items():
            service = plan.services[name]
            if service.kind != "compute":
                continue
            instances = plan.instances_of(name)
            assert [i.name for i in instances] == [
                f"{name}-{n}" for n in range(1, declared["count"] + 1)
            ]
            per_zone: dict[str, int] = {}
            for instance in instances:
                per_zone[instance.zone] = per_zone.get(instance.zone, 0) + 1
                assert subnets[instance.subnet].zone == instance.zone
                assert subnets[instance.subnet].tier == tier_name
            assert per_zone == service.per_zone
            if "placement" in declared:
                assert per_zone == {z: n for z, n in declared["placement"].items() if n}
            assert set(per_zone) <= set(declared.get("zones", data["zones"]))


@settings(max_examples=60, deadline=None)
@given(topologies())
def test_plan_is_deterministic_and_independent_of_key_order(data: dict[str, Any]) -> None:
    first = json.dumps(plan_of(data).to_dict(), sort_keys=True)
    assert json.dumps(plan_of(data).to_dict(), sort_keys=True) == first
    shuffled = dict(reversed(list(data.items())))  # top-level key order must not matter
    assert json.dumps(plan_of(shuffled).to_dict(), sort_keys=True) == first


@pytest.mark.parametrize("seed", ["0", "1", "4242"])
def test_plan_json_is_byte_identical_across_hash_seeds(seed: str) -> None:
    path = ROOT / "examples" / "marketplace-large.yaml"
    reference = run_tiered("plan", str(path), "--format", "json", env={"PYTHONHASHSEED": "99"})
    result = run_tiered("plan", str(path), "--format", "json", env={"PYTHONHASHSEED": seed})
    assert result.returncode == 0, result.stderr
    assert result.stdout == reference.stdout


def test_golden_plan_of_reference_topology() -> None:
    result = run_tiered("plan", "topology.yaml", "--format", "json")
    assert result.returncode == 0, result.stderr
    golden = GOLDEN / "topology" / "plan.json"
    if REGEN_GOLDEN:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(result.stdout)
    assert result.stdout == golden.read_text()


def test_reference_plan_values() -> None:
    """The reference architecture, checked by hand against SPEC.md."""
    result = check_loaded(load_bytes((ROOT / "topology.yaml").read_bytes(), "topology.yaml"))
    plan = result.plan
    assert plan is not None
    compute = list(plan.instances)
    assert len([i for i in compute if i.tier == "web"]) == 2
    assert len([i for i in compute if i.tier == "app"]) == 10
    # Each tier reserves eight /24s, one per zone letter a-h: b is the second, c the third.
    assert plan.network.zone_slots == 8
    assert [(s.name, str(s.cidr)) for s in plan.subnets] == [
        ("web-us-east-1b", "10.0.1.0/24"),
        ("web-us-east-1c", "10.0.2.0/24"),
        ("app-us-east-1b", "10.0.9.0/24"),
        ("app-us-east-1c", "10.0.10.0/24"),
        ("data-us-east-1b", "10.0.17.0/24"),
        ("data-us-east-1c", "10.0.18.0/24"),
    ]
    assert plan.services["zookeeper"].per_zone == {"us-east-1b": 2, "us-east-1c": 1}
    # Each service's block: the aligned /30 around blake2b(name) mod 256, in every zone.
    assert home("zookeeper", 256) == 138
    assert [(i.name, i.zone, str(i.ip)) for i in plan.instances_of("zookeeper")] == [
        ("zookeeper-1", "us-east-1b", "10.0.9.136"),
        ("zookeeper-2", "us-east-1c", "10.0.10.136"),
        ("zookeeper-3", "us-east-1b", "10.0.9.137"),
    ]
    assert home("nginx", 256) == 110
    assert plan.instance("nginx-1").ip == ipaddress.IPv4Address("10.0.1.108")
    assert [(b.zone, b.cidr, b.size) for b in plan.network.blocks if b.service == "zookeeper"] == [
        ("us-east-1b", "10.0.9.136/30", 2),
        ("us-east-1c", "10.0.10.136/30", 1),
    ]
    assert [(m.name, m.zone, m.role) for m in plan.managed if m.kind == "database"] == [
        ("db-primary", "us-east-1b", "primary"),
        ("db-standby", "us-east-1c", "standby"),
    ]
    assert [m.zone for m in plan.managed if m.kind == "filesystem"] == ["us-east-1b", "us-east-1c"]
    assert [(n.zone, n.subnet) for n in plan.network.nat_gateways] == [
        ("us-east-1b", "web-us-east-1b"),
        ("us-east-1c", "web-us-east-1c"),
    ]
    assert plan.services["zookeeper"].survivors_needed == 2


def test_subnets_shrink_to_fit_a_small_network(tmp_path: Path) -> None:
    text = (ROOT / "topology.yaml").read_text().replace("cidr: 10.0.0.0/16", "cidr: 10.0.0.0/24")
    plan = check_loaded(load_bytes(text.encode(), "small.yaml")).plan
    assert plan is not None
    # Eight zone slots per tier do not fit: three (letters a-c), the app tier's subnets /27
    # (its blocks take 16 addresses), the others /28, largest run first.
    assert plan.network.zone_slots == 3
    assert [(s.name, str(s.cidr)) for s in plan.subnets] == [
        ("web-us-east-1b", "10.0.0.112/28"),
        ("web-us-east-1c", "10.0.0.128/28"),
        ("app-us-east-1b", "10.0.0.32/27"),
        ("app-us-east-1c", "10.0.0.64/27"),
        ("data-us-east-1b", "10.0.0.160/28"),
        ("data-us-east-1c", "10.0.0.176/28"),
    ]
    assert plan.network.addressing == "blocks"


def test_public_api_loads_and_plans_and_raises_with_every_problem() -> None:
    import tiered

    topology = tiered.load(str(ROOT / "topology.yaml"))
    plan = tiered.plan(topology)
    assert len(plan.instances) == 12
    with pytest.raises(tiered.InvalidTopology) as caught:
        tiered.load(str(ROOT / "tests" / "corpus" / "dependency-cycle.yaml"))
    assert [p.code for p in caught.value.problems] == ["dependency-cycle"]
    scenario = tiered.whatif(plan, ["us-east-1b"])
    assert scenario.system_down
    assert tiered.analyze(plan).fault_tolerance is not None
