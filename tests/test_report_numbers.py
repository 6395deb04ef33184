"""The numbers the report states are what they say: pairs counted as pairs (checked by brute
force over every pair of failure domains), cut-set lists that say when they are cut."""

from __future__ import annotations

from itertools import combinations

import pytest

from tiered.analysis import whatif
from tiered.pipeline import plan_file, run
from tiered.renderers.report.report_data import MAX_ROWS, report_data
from tiered.renderers.report.words import cut_sets_sentence


def brute_force_pairs(path: str) -> int:
    plan = plan_file(path)
    domains = [*plan.zones, *(m.service for m in plan.managed), *(i.name for i in plan.instances)]
    domains = list(dict.fromkeys(domains))
    alone = {d: whatif(plan, [d]).system_down for d in domains}
    return sum(
        1
        for a, b in combinations(domains, 2)
        if not alone[a] and not alone[b] and whatif(plan, [a, b]).system_down
    )


@pytest.mark.parametrize("path", ["topology.yaml", "examples/reference-three-zones.yaml"])
def test_depth_2_counts_pairs_as_pairs(path: str) -> None:
    data = report_data(run(path, depth=2))
    assert data["pairs"]["system_down"] == brute_force_pairs(path)


def test_reference_pairs_and_their_groups() -> None:
    data = report_data(run("topology.yaml", depth=2))
    assert (data["pairs"]["system_down"], data["pairs"]["groups"]) == (11, 9)
    titles = [p["title"] for p in data["pairs"]["listed"]]
    assert "us-east-1c + zookeeper-1 (or any other zookeeper in us-east-1b)" in titles


def test_cut_set_list_says_when_it_is_cut() -> None:
    ft = {"minimal_cut_sets": 120, "order": 2, "smallest_cut_sets_total": 95}
    ft["smallest_cut_sets"] = [["a", "b"]] * MAX_ROWS
    assert cut_sets_sentence(ft) == (
        f"120 minimal cut sets in all; 95 of size 2, the first {MAX_ROWS} listed:"
    )
    ft["smallest_cut_sets"] = [["a", "b"]] * 95
    assert cut_sets_sentence(ft) == "120 minimal cut sets in all; 95 of size 2:"
