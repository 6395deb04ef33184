"""The resilience analysis on the reference architecture and the examples: the must-finds."""

from __future__ import annotations

from pathlib import Path

import pytest

from tiered.analysis import Analysis, UnknownDomain, analyze, whatif
from tiered.pipeline import check
from tiered.rules.runner import run_rules

from .conftest import ALL_TOPOLOGIES, ROOT


def _analysis(path: Path | str, depth: int = 1) -> Analysis:
    result = check(str(path))
    assert result.plan is not None, [str(p) for p in result.problems]
    return analyze(result.plan, result.source, depth)


def test_reference_loses_the_zookeeper_quorum_with_us_east_1b() -> None:
    analysis = _analysis(ROOT / "topology.yaml")
    tr003 = [f for f in run_rules(analysis) if f.rule == "TR003"]
    assert [f.service for f in tr003] == ["zookeeper"]
    assert tr003[0].zones == ("us-east-1b",)
    assert "us-east-1b" in tr003[0].message and "quorum" in tr003[0].message
    assert "zones: [us-east-1b, us-east-1c, us-east-1d]" in tr003[0].fix  # a third zone
    assert "the 3 members run as 1+1+1 over three zones" in tr003[0].fix
    # The finding points at the zookeeper key of topology.yaml.
    line = tr003[0].location.line
    assert (ROOT / "topology.yaml").read_text().splitlines()[line - 1].strip() == "zookeeper:"


def test_reference_cascades_name_zookeeper_as_root() -> None:
    analysis = _analysis(ROOT / "topology.yaml")
    tr006 = {f.service: f for f in run_rules(analysis) if f.rule == "TR006"}
    assert {"solr", "integrate"} <= set(tr006)
    for service in ("solr", "integrate"):
        assert "root cause" in tr006[service].message
        assert "zookeeper" in tr006[service].message
        assert tr006[service].zones == ("us-east-1b",)
    scenario = whatif(analysis.plan, ["us-east-1b"])
    assert scenario.system_down
    assert scenario.down["zookeeper"].via is None
    for service in ("solr", "integrate", "nginx"):
        assert scenario.down[service].root == "zookeeper"
    assert scenario.down["solr"].via == "zookeeper"
    assert scenario.down["nginx"].via == "integrate"
    assert "activemq" not in scenario.down


def test_reference_fault_tolerance_is_one_zone() -> None:
    tolerance = _analysis(ROOT / "topology.yaml").fault_tolerance
    assert tolerance.order == 1
    assert tolerance.example == ("us-east-1b",)
    assert tolerance.service == "zookeeper"


def test_three_zones_survives_every_single_zone_loss() -> None:
    analysis = _analysis(ROOT / "examples" / "reference-three-zones.yaml")
    assert not [f for f in run_rules(analysis) if f.severity == "error"]
    zones = analysis.plan.zones
    assert len(zones) == 3
    for zone in zones:
        scenario = whatif(analysis.plan, [zone])
        assert not scenario.system_down, scenario.down
        assert not scenario.down
    # Managed-service outages aside, it takes two failures to bring it down.
    assert analysis.fault_tolerance.own_order == 2


def test_whatif_instances_services_and_zones_combine() -> None:
    plan = _analysis(ROOT / "topology.yaml").plan
    one = whatif(plan, ["zookeeper-3"])  # the member in us-east-1c: 2 of 3 remain
    assert not one.down
    two = whatif(plan, ["zookeeper-1", "zookeeper-3"])
    assert two.system_down and two.down["zookeeper"].via is None
    assert "2 of 3 replicas lost" in two.down["zookeeper"].reason
    named = whatif(plan, ["activemq"])
    assert named.down["activemq"].reason.endswith("failed")
    assert named.down["integrate"].root == "activemq"
    endpoint = whatif(plan, ["db-primary"])
    assert not endpoint.down  # the standby takes over


def test_whatif_unknown_name_suggests() -> None:
    plan = _analysis(ROOT / "topology.yaml").plan
    with pytest.raises(UnknownDomain) as raised:
        whatif(plan, ["us-east-1x"])
    assert "did you mean" in raised.value.hint
    with pytest.raises(UnknownDomain) as raised:
        whatif(plan, ["zookeper"])
    assert "zookeeper" in raised.value.hint


def test_fault_tolerance_is_the_smallest_minimal_cut_set(topology_path: Path) -> None:
    analysis = _analysis(topology_path)
    cuts = analysis.cut_sets()
    tolerance = analysis.fault_tolerance
    assert tolerance.order == min(len(c) for c in cuts)
    assert frozenset(tolerance.example) in cuts
    own = [c for c in cuts if not c & {n for n, s in analysis.plan.services.items() if s.managed}]
    assert tolerance.own_order == min(len(c) for c in own)
    for cut in cuts[:50]:  # every cut set takes the system down, and is minimal
        assert whatif(analysis.plan, sorted(cut)).system_down
        for element in cut:
            assert not whatif(analysis.plan, sorted(cut - {element})).system_down


def test_scenarios_agree_with_whatif(topology_path: Path) -> None:
    analysis = _analysis(topology_path)
    for scenario in analysis.scenarios:
        again = whatif(analysis.plan, list(scenario.failed))
        assert again.down == scenario.down
        assert again.system_down == scenario.system_down


def test_depth_two_pairs_take_down_what_singles_do_not(topology_path: Path) -> None:
    analysis = _analysis(topology_path, depth=2)
    singles = {s.failed: s for s in analysis.scenarios}
    for pair in analysis.pairs:
        both = whatif(analysis.plan, list(pair.failed))
        for name in pair.newly_down:
            assert name in both.down and both.down[name].via is None
            for one in pair.failed:
                alone = singles.get((one,)) or whatif(analysis.plan, [one])
                assert name not in alone.direct
        if pair.system_down:
            assert both.system_down
            assert not whatif(analysis.plan, [pair.failed[0]]).system_down
            assert not whatif(analysis.plan, [pair.failed[1]]).system_down


def test_pairs_of_order_two_cut_sets_are_all_found(topology_path: Path) -> None:
    """Every minimal cut set of two domains shows up as a system-down pair at depth 2.

    Instances of one service in one zone are interchangeable, so pairs are compared by
    (service, zone) class.
    """
    analysis = _analysis(topology_path, depth=2)
    where = {i.name: f"{i.service}@{i.zone}" for i in analysis.plan.instances}

    def classes(names: object) -> tuple[str, ...]:
        return tuple(sorted(where.get(n, n) for n in names))  # type: ignore[attr-defined]

    found = {classes(p.failed) for p in analysis.pairs if p.system_down}
    for cut in analysis.cut_sets():
        if len(cut) == 2:
            assert classes(cut) in found, sorted(cut)


@pytest.mark.parametrize("path", ALL_TOPOLOGIES, ids=lambda p: p.stem)
def test_call_queries_agree_with_networkx(path: Path) -> None:
    """The analysis' plain call queries give networkx's answers on the same graph."""
    import networkx as nx

    from tiered.analysis.graph import Calls, dependency_graph
    from tiered.pipeline import plan_file

    plan = plan_file(str(path))
    calls = Calls.of(plan)
    graph = dependency_graph(plan)
    reached = set(plan.entry_services)
    for entry in plan.entry_services:
        reached |= nx.descendants(graph, entry)
    assert calls.closure == reached
    rank = {name: i for i, name in enumerate(plan.services)}
    expected = tuple(reversed(list(nx.lexicographical_topological_sort(graph, key=rank.get))))
    assert calls.order == expected
