"""Stable addresses when zones change: a subnet's CIDR depends on its tier and zone only.

Pairs of topologies (a zone added, a zone removed, TR003's fix applied): every instance that
stays in its zone keeps its subnet's CIDR and its address, every subnet of a zone that stays
keeps its CIDR; and the same over generated topologies.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT
from tiered.analysis import analyze
from tiered.loading.loader import load_bytes
from tiered.pipeline import check_loaded
from tiered.placement.networks.zone_slots import letter_slots, ordinal_slots, widths
from tiered.placement.plan import Plan
from tiered.rules.edits import apply_edits
from tiered.rules.runner import run_rules

Where = tuple[str, str, str]  # zone, subnet CIDR, address


def plan_of(data: dict[str, Any]) -> Plan:
    result = check_loaded(load_bytes(yaml.safe_dump(data, sort_keys=False).encode(), "t.yaml"))
    assert result.plan is not None, [str(p) for p in result.problems]
    return result.plan


def example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))
    return data


def where(plan: Plan) -> dict[str, Where]:
    cidrs = {s.name: str(s.cidr) for s in plan.subnets}
    return {i.name: (i.zone, cidrs[i.subnet], str(i.ip)) for i in plan.instances}


def subnets(plan: Plan) -> dict[tuple[str | None, str], str]:
    """The per-zone subnets (not the stretched entry segment, compared on its own)."""
    return {(s.tier, s.zone): str(s.cidr) for s in plan.subnets if not s.stretched}


def moved(before: Plan, after: Plan) -> list[str]:
    """Instances in the same zone before and after whose subnet or address changed."""
    old, new = where(before), where(after)
    return sorted(
        n for n in old.keys() & new.keys() if old[n][0] == new[n][0] != "" and old[n] != new[n]
    )


def replicas(plan: Plan) -> dict[tuple[str, str, int], tuple[str, str]]:
    """(service, zone, j) → subnet CIDR and address of the zone's replica number j."""
    cidrs = {s.name: str(s.cidr) for s in plan.subnets}
    return {
        (name, zone, j): (cidrs[i.subnet], str(i.ip))
        for name, service in plan.services.items()
        for zone in service.per_zone
        for j, i in enumerate(plan.first_instances(name, zone))
    }


def assert_replicas_stay(before: Plan, after: Plan) -> None:
    """Every replica of a zone that stays keeps its subnet and address, whatever its name."""
    old, new = replicas(before), replicas(after)
    assert sorted(k for k in old.keys() & new.keys() if old[k] != new[k]) == []
    old_subnets, new_subnets = subnets(before), subnets(after)
    kept = set(before.zones) & set(after.zones)
    assert {k: v for k, v in old_subnets.items() if k[1] in kept} == {
        k: v for k, v in new_subnets.items() if k[1] in kept
    }


def assert_stable(before: Plan, after: Plan) -> None:
    assert moved(before, after) == []
    old, new = subnets(before), subnets(after)
    kept = set(before.zones) & set(after.zones)
    assert {k: v for k, v in old.items() if k[1] in kept} == {
        k: v for k, v in new.items() if k[1] in kept
    }


def test_adding_us_east_1e_to_the_reference_moves_no_instance() -> None:
    data = example("examples/reference-three-zones.yaml")
    before = plan_of(data)
    grown = copy.deepcopy(data)
    grown["zones"] = [*data["zones"], "us-east-1e"]
    after = plan_of(grown)
    assert_stable(before, after)
    assert len(after.subnets) == len(before.subnets) + 3  # its three subnets, nothing else
    stayed = [n for n, w in where(before).items() if where(after)[n][0] == w[0]]
    assert len(stayed) >= 11  # the 11 the issue saw moving stay in their zones and addresses


def test_removing_a_zone_removes_only_its_subnets_and_instances() -> None:
    data = example("examples/reference-three-zones.yaml")
    before = plan_of(data)
    shrunk = copy.deepcopy(data)
    shrunk["zones"] = data["zones"][:2]
    for tier in shrunk["tiers"].values():
        for service in tier["services"].values():
            if service.get("placement"):
                service["placement"].pop(data["zones"][2], None)
    after = plan_of(shrunk)
    assert_stable(before, after)
    gone = set(subnets(before)) - set(subnets(after))
    assert {zone for _, zone in gone} == {data["zones"][2]}


def test_removing_the_first_zone_moves_nothing_of_the_others() -> None:
    data = example("examples/reference-three-zones.yaml")
    shrunk = copy.deepcopy(data)
    shrunk["zones"] = data["zones"][1:]
    assert_stable(plan_of(data), plan_of(shrunk))


def test_tr003s_own_fix_moves_only_the_members_it_re_spreads(tmp_path: Path) -> None:
    data = example("topology.yaml")
    before = plan_of(data)
    result = check_loaded(load_bytes((ROOT / "topology.yaml").read_bytes(), "topology.yaml"))
    assert result.plan is not None
    finding = next(f for f in run_rules(analyze(result.plan, result.source)) if f.rule == "TR003")
    fixed = apply_edits(data, finding.edits)
    after = plan_of(fixed)
    assert len(after.zones) == 3  # the fix adds the third zone
    assert_stable(before, after)
    old, new = where(before), where(after)
    respread = sorted(n for n in old if old[n][0] != new[n][0])
    assert respread == ["solr-3", "zookeeper-3"]  # the members the fix moves to us-east-1d
    assert sorted(n for n in old if old[n] != new[n]) == respread  # the other 10 stay put


def test_on_premises_racks_keep_their_slots_when_one_is_removed() -> None:
    data = example("examples/onprem-generic.yaml")
    before = plan_of(data)
    shrunk = copy.deepcopy(data)
    shrunk["zones"] = [z for z in data["zones"] if z != "rack-b"]
    for tier in shrunk["tiers"].values():
        for service in tier["services"].values():
            if service.get("zones"):
                service["zones"] = [z for z in service["zones"] if z != "rack-b"]
            if service.get("placement"):
                service["placement"].pop("rack-b", None)
    after = plan_of(shrunk)
    assert_replicas_stay(before, after)
    assert str(after.subnet_of("app", "rack-c").cidr) == str(before.subnet_of("app", "rack-c").cidr)
    assert after.entry_segment is not None and before.entry_segment is not None
    assert after.entry_segment.cidr == before.entry_segment.cidr  # on top, whatever the racks


def test_a_one_zone_database_subnet_becomes_the_zone_s_own_when_the_zone_is_added() -> None:
    data: dict[str, Any] = {
        "version": 1,
        "name": "one",
        "region": "eu-west-1",
        "zones": ["eu-west-1a"],
        "network": {"cidr": "10.0.0.0/16"},
        "tiers": {
            "app": {"role": "application", "services": {"api": {"count": 2, "port": 8080}}},
            "data": {"role": "data", "services": {"db": {"kind": "database", "count": 1}}},
        },
    }
    before = plan_of(data)
    (rds_only,) = [s for s in before.subnets if s.rds_only]
    grown = {**data, "zones": ["eu-west-1a", "eu-west-1b"]}
    after = plan_of(grown)
    assert str(after.subnet_of("data", "eu-west-1b").cidr) == str(rds_only.cidr)
    assert_stable(before, after)


def test_zone_slots_come_from_letters_and_ordinals() -> None:
    assert letter_slots(["us-east-1b", "us-east-1e"], "us-east-1") == {
        "us-east-1b": 1,
        "us-east-1e": 4,
    }
    assert ordinal_slots(["rack-a", "rack-c"]) == {"rack-a": 0, "rack-c": 2}
    assert ordinal_slots(["dc1", "dc3"]) == {"dc1": 1, "dc3": 3}
    # No distinct ordinals: the topology's order.
    assert ordinal_slots(["east", "west"]) == {"east": 0, "west": 1}
    assert ordinal_slots(["rack-1", "row-1"]) == {"rack-1": 0, "row-1": 1}
    assert widths({"a": 0, "b": 1}) == [8, 2]
    assert widths({"b": 1, "d": 3}) == [8, 4]
    assert widths({"a": 9}) == [10]


def test_a_tight_network_keeps_only_the_slots_of_its_zones() -> None:
    data: dict[str, Any] = {
        "version": 1,
        "name": "tight",
        "region": "us-east-1",
        "zones": ["us-east-1a", "us-east-1b"],
        "network": {"cidr": "10.0.0.0/25"},
        "tiers": {
            "web": {
                "role": "presentation",
                "public": True,
                "services": {"w": {"count": 2, "port": 80}},
            },
            "app": {"role": "application", "services": {"a": {"count": 2, "port": 8080}}},
        },
    }
    plan = plan_of(data)
    # 2 tiers x 8 slots of /28 would take 256 addresses: the slots of a and b only, of /27.
    assert plan.network.zone_slots == 2
    assert [(s.name, str(s.cidr)) for s in plan.subnets] == [
        ("web-us-east-1a", "10.0.0.0/27"),
        ("web-us-east-1b", "10.0.0.32/27"),
        ("app-us-east-1a", "10.0.0.64/27"),
        ("app-us-east-1b", "10.0.0.96/27"),
    ]
    # With room, the same tiers keep a slot for every zone letter a-h.
    roomy = plan_of({**data, "network": {"cidr": "10.0.0.0/16"}})
    assert roomy.network.zone_slots == 8
    assert str(roomy.subnet_of("app", "us-east-1b").cidr) == "10.0.9.0/24"


def test_a_network_too_small_for_the_zones_is_refused_with_a_hint() -> None:
    data: dict[str, Any] = {
        "version": 1,
        "name": "tiny",
        "region": "us-east-1",
        "zones": ["us-east-1a", "us-east-1f"],
        "network": {"cidr": "10.0.0.0/27"},
        "tiers": {
            "web": {
                "role": "presentation",
                "public": True,
                "services": {"w": {"count": 2, "port": 80}},
            },
            "app": {"role": "application", "services": {"a": {"count": 2, "port": 8080}}},
        },
    }
    result = check_loaded(load_bytes(yaml.safe_dump(data, sort_keys=False).encode(), "t.yaml"))
    assert result.plan is None
    (problem,) = result.problems
    text = str(problem)
    assert text.startswith("t.yaml:8:9: ")  # the network's cidr
    assert (
        "network 10.0.0.0/27 is too small: the subnets of 2 tiers, 2 zone slots each, need "
        "64 addresses" in text
    )
    assert "use a larger network, e.g. 10.0.0.0/26 or wider" in text


ZONES = [f"us-east-1{letter}" for letter in "abcdef"]


@st.composite
def zone_changes(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A topology, and the same with one zone added (and replicas there) or one removed.

    Replicas are pinned per zone, at most three a zone (so no block changes size), and every
    service keeps one in the first zone, which is never removed (so no service disappears).
    """
    zones = draw(st.lists(st.sampled_from(ZONES), min_size=2, max_size=5, unique=True))
    tiers: dict[str, Any] = {}
    for t in range(draw(st.integers(1, 3))):
        services = {}
        for s in range(draw(st.integers(1, 3))):
            placement = {z: draw(st.integers(1 if z == zones[0] else 0, 3)) for z in zones}
            services[f"s{t}x{s}"] = {"count": sum(placement.values()), "placement": placement}
        tiers[f"t{t}"] = {"role": "application", "public": t == 0, "services": services}
    cidr = draw(st.sampled_from(["10.0.0.0/16", "10.0.0.0/20", "10.0.0.0/22"]))
    data = {
        "version": 1,
        "name": "gen",
        "region": "us-east-1",
        "zones": zones,
        "network": {"cidr": cidr},
        "tiers": tiers,
    }
    other = copy.deepcopy(data)
    spare = [z for z in ZONES if z not in zones]
    if draw(st.booleans()) and spare:
        added = draw(st.sampled_from(spare))
        other["zones"] = [*zones, added]
        for tier in other["tiers"].values():
            for service in tier["services"].values():
                service["placement"][added] = draw(st.integers(0, 3))
                service["count"] = sum(service["placement"].values())
    else:
        dropped = draw(st.sampled_from(zones[1:]))
        other["zones"] = [z for z in zones if z != dropped]
        for tier in other["tiers"].values():
            for service in tier["services"].values():
                service["placement"].pop(dropped)
                service["count"] = sum(service["placement"].values())
    return data, other


@pytest.mark.parametrize("seed", [0])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pair=zone_changes())
def test_generated_zone_changes_keep_every_surviving_instance(
    seed: int, pair: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    a, b = (plan_of(data) for data in pair)
    if (a.network.addressing, a.network.zone_slots) != (b.network.addressing, b.network.zone_slots):
        return  # a network too tight for room to grow: the plan says so, addresses may move
    assert_replicas_stay(a, b)
