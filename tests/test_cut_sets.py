"""Minimal cut sets: counted without listing, listed lazily, equal to brute force.

* On small generated topologies (hypothesis) the counts, the listing and the limit agree
  with collecting every candidate service by service and keeping the minimal ones (how
  the cut sets were computed before they were counted), and with the minimal sets of
  domains whose failure ``whatif`` says takes the system down.
* On a 59-member quorum the summary the report asks for stays within a small, fixed
  memory bound and draws a bounded number of candidate sets, where collecting them up to
  the limit took hundreds of megabytes.
"""

from __future__ import annotations

import itertools
import tempfile
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import tiered.analysis.cut_sets as cut_sets_module
from tiered.analysis import TooManyCutSets, analyze, whatif
from tiered.analysis.cut_sets import CutSets, minimal_cut_sets
from tiered.analysis.graph import Calls
from tiered.pipeline import check
from tiered.placement.plan import Plan

ZONES = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"]
SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _plan(topology: dict[str, Any]) -> Plan:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.yaml"
        path.write_text(yaml.safe_dump(topology, sort_keys=False), encoding="utf-8")
        result = check(str(path))
    assume(result.plan is not None)
    assert result.plan is not None
    return result.plan


@st.composite
def topologies(draw: st.DrawFn, most: int = 5) -> dict[str, Any]:
    """An entry service over two tiers of compute services, databases and file systems."""
    zones = draw(st.lists(st.sampled_from(ZONES), min_size=1, max_size=4, unique=True))
    names = [[f"s{i}" for i in range(1, draw(st.integers(1, 3)) + 1)]]
    names.append([f"d{i}" for i in range(1, draw(st.integers(0, 2)) + 1)])
    tiers: dict[str, Any] = {}
    app: dict[str, Any] = {}
    for index, name in enumerate(names[0]):
        later = names[0][index + 1 :] + names[1]
        failover = draw(st.sampled_from(["active-active", "active-passive", "quorum", "none"]))
        count = draw(st.integers(1, most))
        service: dict[str, Any] = {"count": count, "failover": failover}
        if failover == "active-active":
            service["min_healthy"] = draw(st.integers(1, count))
        if draw(st.booleans()):
            weights = draw(st.lists(st.integers(0, 3), min_size=len(zones), max_size=len(zones)))
            assume(0 < sum(weights) <= most)
            service["count"] = sum(weights)
            service["placement"] = {z: w for z, w in zip(zones, weights, strict=True) if w}
            if failover == "active-active":
                service["min_healthy"] = min(service["min_healthy"], sum(weights))
        deps = draw(st.lists(st.sampled_from(later), unique=True, max_size=2)) if later else []
        if deps:
            service["depends_on"] = deps
        app[name] = service
    tiers["app"] = {"role": "application", "services": app}
    if names[1]:
        data = {
            name: {"kind": "database", "count": draw(st.integers(1, 2))}
            if draw(st.booleans())
            else {"kind": "filesystem"}
            for name in names[1]
        }
        tiers["data"] = {"role": "data", "services": data}
    return {
        "version": 1,
        "name": "generated",
        "region": "us-east-1",
        "zones": zones,
        "network": {"cidr": "10.0.0.0/16"},
        "tiers": tiers,
    }


def _collected(plan: Plan, calls: Calls) -> set[frozenset[str]]:
    """Every candidate, service by service: each zone set, then every choice of replicas.

    As the cut sets were computed before they were counted: zone sets with a spare zone
    are skipped, the rest collected whether or not another service's zones lie within.
    """
    candidates: set[frozenset[str]] = set()
    for name, service in plan.services.items():
        if name not in calls.closure:
            continue
        must_fail = service.count - service.survivors_needed + 1
        if must_fail <= 0:
            candidates.add(frozenset())
            continue
        if service.managed:
            candidates.add(frozenset({name}))
        members = {
            zone: [i.name for i in plan.instances_of(name) if i.zone == zone]
            for zone in service.per_zone
        }
        for size in range(len(service.per_zone) + 1):
            for chosen in itertools.combinations(service.per_zone, size):
                held = sum(service.per_zone[z] for z in chosen)
                if any(held - service.per_zone[z] >= must_fail for z in chosen):
                    continue  # a smaller zone set already suffices
                if held >= must_fail:
                    candidates.add(frozenset(chosen))
                elif not service.managed:
                    outside = [i for z in service.per_zone if z not in chosen for i in members[z]]
                    for picked in itertools.combinations(outside, must_fail - held):
                        candidates.add(frozenset((*chosen, *picked)))
    return candidates


def _minimal(sets: set[frozenset[str]]) -> list[frozenset[str]]:
    ordered = sorted(sets, key=lambda s: (len(s), sorted(s)))
    kept: list[frozenset[str]] = []
    for candidate in ordered:
        if not any(small <= candidate for small in kept):
            kept.append(candidate)
    return kept


@SETTINGS
@given(topologies())
def test_counts_listing_and_limit_agree_with_collecting_every_candidate(
    topology: dict[str, Any],
) -> None:
    plan = _plan(topology)
    calls = Calls.of(plan)
    collected = _collected(plan, calls)
    expected = _minimal(collected)
    family = CutSets(plan, calls)
    assert family.candidates == len(collected)
    assert family.count() == len(expected)
    assert minimal_cut_sets(plan, calls) == expected
    for size in {len(cut) for cut in expected}:
        of_size = [tuple(sorted(cut)) for cut in expected if len(cut) == size]
        assert family.count(size) == len(of_size)
        assert family.smallest(size, 3) == of_size[:3]
        assert family.smallest(size, 1000) == of_size
    if collected:  # the limit is the same: past it, nothing is listed
        with pytest.raises(TooManyCutSets):
            minimal_cut_sets(plan, calls, limit=len(collected) - 1)
        assert minimal_cut_sets(plan, calls, limit=len(collected)) == expected


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(topologies(most=3))
def test_cut_sets_are_the_minimal_failures_that_take_the_system_down(
    topology: dict[str, Any],
) -> None:
    """Brute force over every set of domains (zones, instances, managed services)."""
    plan = _plan(topology)
    managed = [name for name, s in plan.services.items() if s.managed]
    domains = [*plan.zones, *(i.name for i in plan.instances), *managed]
    assume(len(domains) <= 12)
    found: list[frozenset[str]] = []
    for size in range(len(domains) + 1):
        for chosen in itertools.combinations(domains, size):
            failed = frozenset(chosen)
            if any(cut <= failed for cut in found):
                continue
            if whatif(plan, list(chosen)).system_down:
                found.append(failed)
    assert set(analyze(plan).cut_sets()) == set(found)


QUORUM = {
    "version": 1,
    "name": "big-quorum",
    "provider": "generic",
    "zones": [f"rack-{i}" for i in range(6)],
    "network": {"cidr": "10.0.0.0/8"},
    "tiers": {
        "edge": {
            "role": "presentation",
            "public": True,
            "services": {
                "proxy": {
                    "software": "nginx",
                    "count": 6,
                    "failover": "active-active",
                    "routes": [{"path": "/", "to": "coordinator"}],
                }
            },
        },
        "app": {
            "role": "application",
            "services": {
                "coordinator": {
                    "software": "generic",
                    "count": 59,
                    "failover": "quorum",
                    "port": 2181,
                }
            },
        },
    },
}


@pytest.fixture(scope="module")
def quorum_plan() -> Plan:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "quorum.yaml"
        path.write_text(yaml.safe_dump(QUORUM, sort_keys=False), encoding="utf-8")
        result = check(str(path))
    assert result.plan is not None, result.problems
    return result.plan


def test_a_59_member_quorum_is_counted_in_bounded_memory(quorum_plan: Plan) -> None:
    """Collecting up to the limit of 200,000 sets of 12 names took well over 100 MB."""
    analysis = analyze(quorum_plan)
    order = analysis.fault_tolerance.order
    tracemalloc.start()
    try:
        with pytest.raises(TooManyCutSets, match="more than 200,000 cut sets"):
            analysis.cut_set_summary(order, 60)
        summary = analysis.cut_set_summary(order, 60, limit=10**30)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4_000_000
    # 30 of the 59 must fail; rack-5 holds 9, the other racks 10 each: the smallest cut
    # sets are the C(5, 3) triples of the full racks.
    assert order == 3
    assert summary.smallest_total == 10
    assert [cut[0] for cut in summary.smallest] == ["rack-0"] * 6 + ["rack-1"] * 3 + ["rack-2"]
    assert summary.total > 10**12


def test_listing_the_smallest_draws_a_bounded_number_of_candidates(
    quorum_plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sets of 12 (two zones and ten replicas): hundreds of millions, 60 listed."""
    drawn = 0
    real = itertools.combinations

    def counted(pool: Any, r: int) -> Iterator[tuple[Any, ...]]:
        nonlocal drawn
        for item in real(pool, r):
            drawn += 1
            yield item

    monkeypatch.setattr(cut_sets_module, "combinations", counted)
    family = CutSets(quorum_plan, Calls.of(quorum_plan))
    listed = family.smallest(12, 60)
    assert len(listed) == 60
    assert family.count(12) > 10**9
    assert listed == sorted(listed) and all(len(cut) == 12 for cut in listed)
    # coordinator-1 is in rack-0, -10 in rack-3, -11 in rack-4: the first set fails
    # rack-1 and rack-2 and the ten first names (as strings) of the other racks.
    assert listed[0][:3] == ("coordinator-1", "coordinator-10", "coordinator-11")
    assert listed[0][-2:] == ("rack-1", "rack-2")
    # A few hundred draws, of over 10**9 sets: each service's 64 zone sets, then at most
    # one set a source (10 pairs of full racks) more than the 60 listed.
    assert drawn <= 2 * 64 + 10 + 60
