"""Address blocks: positions derived from names, growth in place, the compact fallback."""

from __future__ import annotations

import copy
import itertools
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT
from tiered.loading.loader import load_bytes
from tiered.pipeline import check_loaded
from tiered.placement.networks.addressing import MIN_BLOCK, allocate, block_size, demand, home
from tiered.placement.plan import Plan


def plan_of(data: dict[str, Any]) -> Plan:
    result = check_loaded(load_bytes(yaml.safe_dump(data, sort_keys=False).encode(), "t.yaml"))
    assert result.plan is not None, [str(p) for p in result.problems]
    return result.plan


def addresses(plan: Plan) -> dict[str, tuple[str, str]]:
    return {i.name: (i.subnet, str(i.ip)) for i in plan.instances}


def test_block_sizes_leave_room_for_one_more_replica_per_zone() -> None:
    assert [block_size(n) for n in (1, 2, 3, 4, 7, 8, 11)] == [4, 4, 4, 8, 8, 16, 16]


def test_home_is_stable_across_runs() -> None:
    # BLAKE2b, not Python's salted hash(): the same name lands at the same offset anywhere.
    assert home("zookeeper", 256) == 138
    assert home("zookeeper", 4096) == home("zookeeper", 1 << 20) % 4096


def test_allocation_ignores_declaration_order() -> None:
    blocks = {f"svc-{i}": 4 << (i % 3) for i in range(30)}
    forward = allocate(blocks, 1024, 8)
    backward = allocate(dict(reversed(list(blocks.items()))), 1024, 8)
    assert forward == backward


def test_a_block_that_doubles_keeps_every_existing_replica() -> None:
    for name in ("zookeeper", "solr", "api", "workers"):
        small = allocate({name: 4}, 256, 8)[name]
        large = allocate({name: 8}, 256, 8)[name]
        assert large.base <= small.base < large.base + 8
        assert [small.anchor ^ j for j in range(4)] == [large.anchor ^ j for j in range(4)]
        assert sorted(large.anchor ^ j for j in range(8)) == list(range(large.base, large.base + 8))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 5), min_size=1, max_size=40), st.sampled_from([8, 16, 64]))
def test_blocks_always_fit_in_the_demand(exponents: list[int], top: int) -> None:
    blocks = {f"s{i}": MIN_BLOCK << e for i, e in enumerate(exponents)}
    need = demand(blocks.values(), top)
    size = 1 << (need - 1).bit_length()
    placed = allocate(blocks, size, top)
    spans = sorted((p.base, p.base + p.size) for p in placed.values())
    assert spans[0][0] >= MIN_BLOCK  # clear of the reserved bottom
    assert spans[-1][1] <= size - top  # clear of the managed area at the top
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert end <= start
    for p in placed.values():
        assert p.base % p.size == 0 and p.base <= p.anchor < p.base + p.size


def _with_service(data: dict[str, Any], tier: str, name: str, position: int) -> dict[str, Any]:
    changed = copy.deepcopy(data)
    services = list(changed["tiers"][tier]["services"].items())
    services.insert(position, (name, {"software": "generic", "count": 2, "port": 9000}))
    changed["tiers"][tier]["services"] = dict(services)
    return changed


def test_adding_a_service_early_and_a_replica_moves_no_instance() -> None:
    data = yaml.safe_load((ROOT / "topology.yaml").read_text())
    before = plan_of(data)
    changed = _with_service(data, "app", "audit", 1)  # right after integrate
    changed["tiers"]["web"]["services"]["nginx"]["count"] = 3
    after = plan_of(changed)
    assert before.network.addressing == after.network.addressing == "blocks"
    kept = addresses(after)
    assert {name: kept[name] for name in addresses(before)} == addresses(before)
    assert kept["nginx-3"] == ("web-us-east-1b", "10.0.1.109")  # beside nginx-1, in its block
    assert {s.name: s.cidr for s in after.subnets} == {s.name: s.cidr for s in before.subnets}


@pytest.mark.parametrize(
    "example", sorted((ROOT / "examples").glob("*.yaml")), ids=lambda p: p.stem
)
def test_a_replica_more_per_zone_stays_inside_the_block(example: Path) -> None:
    data = yaml.safe_load(example.read_text())
    before = plan_of(data)
    segment = before.entry_segment
    # the on-premises VRRP pair is addressed in its own entry segment, packed, not in blocks
    paired = {i.service for i in before.instances if segment and i.subnet == segment.name}
    grown = copy.deepcopy(data)
    for tier in grown["tiers"].values():
        for name, service in tier["services"].items():
            if name in paired:
                continue
            if service.get("kind", "compute") == "compute" and "placement" not in service:
                service["count"] = service.get("count", 1) + len(
                    service.get("zones", data["zones"])
                )
    after = plan_of(grown)
    assert before.network.addressing == after.network.addressing == "blocks"
    kept = addresses(after)
    assert {name: kept[name] for name in addresses(before)} == addresses(before)


def test_a_network_without_room_for_blocks_is_addressed_compactly() -> None:
    data = {
        "version": 1,
        "name": "tight",
        "provider": "generic",
        "zones": ["rack-1"],
        "network": {"cidr": "10.9.0.0/27"},
        "tiers": {
            "app": {
                "role": "application",
                "services": {
                    "api": {"count": 10, "failover": "active-active"},
                    "jobs": {"count": 5, "failover": "active-active"},
                },
            }
        },
    }
    plan = plan_of(data)
    assert plan.network.addressing == "compact"
    assert [str(i.ip) for i in plan.instances][:3] == ["10.9.0.2", "10.9.0.3", "10.9.0.4"]
    assert plan.to_dict()["blocks"][0] == {
        "service": "api",
        "zone": "rack-1",
        "subnet": "app-rack-1",
        "block": "10.9.0.2-10.9.0.11",
        "first": "10.9.0.2",
        "replicas": 10,
        "capacity": 10,
    }
