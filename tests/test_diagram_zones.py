"""Zones stand top to bottom in the topology's ``zones`` order and no arrow crosses a
zone's title, in every example and in generated topologies of two to six zones: read back
from the SVG (the titles' heights) and from graphviz's own layout of the drawing (the
titles' boxes and the arrows' curves)."""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ALL_TOPOLOGIES, ROOT
from tests.diagram_support import Box, drawn, layout, plan_of
from tiered.placement.plan import Plan
from tiered.renderers.diagram import draw, scenario_of
from tiered.renderers.diagram.annotations import NONE
from tiered.renderers.diagram.arrange import Placed, Title, in_declared_order, with_routes
from tiered.renderers.diagram.arrange import moved as moved_spline
from tiered.renderers.diagram.model import Cluster, Picture
from tiered.renderers.diagram.picture import ident

SVG = "{http://www.w3.org/2000/svg}"
#: Points of clear space an arrow keeps from a title's text (graphviz's router keeps 3.2).
CLEAR = 2.0
LETTERS = "abcdef"


def generated(zone_count: int, seed: int) -> dict[str, Any]:
    """A valid three-tier topology over ``zone_count`` zones declared in a shuffled order,
    with uneven placements so that zones hold different things."""
    rng = random.Random(seed)
    zones = [f"us-east-1{letter}" for letter in LETTERS[:zone_count]]
    rng.shuffle(zones)
    uneven = {zone: rng.randint(0, 2) for zone in zones}
    uneven[zones[rng.randrange(zone_count)]] += 1
    return {
        "version": 1,
        "name": f"generated-{zone_count}",
        "region": "us-east-1",
        "zones": zones,
        "network": {"cidr": "10.0.0.0/16"},
        "entry": {"dns_name": "app.example.com", "hosted_zone": "example.com"},
        "tiers": {
            "web": {
                "role": "presentation",
                "public": True,
                "services": {
                    "proxy": {
                        "software": "nginx",
                        "count": 2,
                        "failover": "active-passive",
                        "routes": [{"path": "/", "to": "api"}],
                    }
                },
            },
            "app": {
                "role": "application",
                "services": {
                    "api": {
                        "count": zone_count + 1,
                        "port": 8080,
                        "failover": "active-active",
                        "depends_on": ["cache", "db"],
                    },
                    "cache": {
                        "count": sum(uneven.values()),
                        "port": 6379,
                        "failover": "active-active",
                        "placement": {zone: n for zone, n in uneven.items() if n},
                    },
                },
            },
            "data": {"role": "data", "services": {"db": {"kind": "database", "count": 2}}},
        },
    }


def generated_path(tmp_path: Path, zone_count: int, seed: int) -> Path:
    path = tmp_path / f"generated-{zone_count}-{seed}.yaml"
    path.write_text(yaml.safe_dump(generated(zone_count, seed), sort_keys=False))
    return path


def drawn_zones(plan: Plan) -> list[str]:
    """The zones whose boxes the picture draws (a zone holding nothing has none)."""
    svg = ET.fromstring(bytes(draw(plan, NONE, "svg")))
    found = {g.get("id") for g in svg.iter(f"{SVG}g") if g.get("class") == "cluster"}
    return [zone for zone in plan.zones if f"cluster_zone_{ident(zone)}" in found]


def svg_title_heights(plan: Plan) -> dict[str, float]:
    """The height (SVG y, downwards) of each zone box's title text in the SVG."""
    svg = ET.fromstring(bytes(draw(plan, NONE, "svg")))
    heights: dict[str, float] = {}
    for group in svg.iter(f"{SVG}g"):
        name = group.get("id", "")
        if group.get("class") == "cluster" and name.startswith("cluster_zone_"):
            texts = [float(t.get("y", "nan")) for t in group.iter(f"{SVG}text")]
            assert texts, f"{name} has no title"
            heights[name] = min(texts)
    return heights


def assert_zones_in_declared_order(plan: Plan) -> None:
    heights = svg_title_heights(plan)
    declared = [f"cluster_zone_{ident(zone)}" for zone in plan.zones]
    shown = [name for name in declared if name in heights]
    assert len(shown) >= min(2, len(declared)), heights
    top_to_bottom = sorted(shown, key=lambda name: heights[name])
    assert top_to_bottom == shown, f"drawn top to bottom: {top_to_bottom}, declared: {shown}"


def title_box(titles: list[Box]) -> Box:
    return (
        min(b[0] for b in titles),
        min(b[1] for b in titles),
        max(b[2] for b in titles),
        max(b[3] for b in titles),
    )


def arrows_across_zone_titles(plan: Plan, dot_text: str) -> list[tuple[str, str]]:
    """(arrow, zone) for every arrow whose curve passes through a zone's title (or within
    ``CLEAR`` points of its text)."""
    placed = layout(dot_text)
    found = []
    for zone in plan.zones:
        titles = placed.cluster_titles.get(f"cluster_zone_{ident(zone)}")
        if not titles:
            continue
        x0, y0, x1, y1 = title_box(titles)
        x0, y0, x1, y1 = x0 - CLEAR, y0 - CLEAR, x1 + CLEAR, y1 + CLEAR
        for arrow, points in placed.arrows.items():
            if any(x0 <= x <= x1 and y0 <= y <= y1 for x, y in points):
                found.append((arrow, zone))
    return found


@pytest.mark.parametrize("path", ALL_TOPOLOGIES, ids=lambda p: p.stem)
def test_zones_stand_in_the_declared_order(path: Path) -> None:
    assert_zones_in_declared_order(plan_of(path))


@pytest.mark.parametrize("zone_count", [2, 3, 4, 5, 6])
def test_generated_zones_stand_in_the_declared_order(zone_count: int, tmp_path: Path) -> None:
    for seed in (1, 2):
        plan = plan_of(generated_path(tmp_path, zone_count, seed))
        assert list(plan.zones) == generated(zone_count, seed)["zones"]
        assert drawn_zones(plan) == list(plan.zones)
        assert_zones_in_declared_order(plan)
        assert not arrows_across_zone_titles(plan, drawn(plan))


@pytest.mark.parametrize("path", ALL_TOPOLOGIES, ids=lambda p: p.stem)
def test_no_arrow_crosses_a_zone_title(path: Path) -> None:
    plan = plan_of(path)
    assert not arrows_across_zone_titles(plan, drawn(plan))
    failed = drawn(plan, scenario_of(plan, (plan.zones[0],)))
    assert not arrows_across_zone_titles(plan, failed)


def test_the_drawing_is_the_same_run_after_run() -> None:
    plan = plan_of(ALL_TOPOLOGIES[0])
    assert drawn(plan) == drawn(plan)
    assert bytes(draw(plan, NONE, "svg")) == bytes(draw(plan, NONE, "svg"))


def _zone(name: str, nodes: tuple[str, ...]) -> Cluster:
    subnet = Cluster(id=f"cluster_{name}_app", label="app", kind="subnet", nodes=nodes)
    return Cluster(id=f"cluster_zone_{name}", label=name, kind="zone", children=(subnet,))


def test_restacking_moves_each_zone_with_all_it_holds_into_the_declared_order() -> None:
    zones = (_zone("a", ("a1",)), _zone("b", ("b1",)), _zone("c", ("c1",)))
    vpc = Cluster(id="cluster_vpc", label="vpc", kind="vpc", children=zones)
    picture = Picture("t", "", {}, ("users",), (vpc,), ())
    # graphviz stacked them c (top, 100 high), a (50 high), b (80 high), gaps 10 and 20
    placed = Placed(
        bounds=(0, 0, 500, 400),
        title=None,
        nodes={"a1": (100, 205), "b1": (100, 120), "c1": (100, 320), "users": (10, 200)},
        clusters={
            "cluster_vpc": (50, 10, 450, 390),
            "cluster_zone_a": (60, 180, 440, 230),
            "cluster_zone_b": (60, 80, 440, 160),
            "cluster_zone_c": (60, 240, 440, 340),
            "cluster_a_app": (70, 185, 430, 215),
        },
        titles={"cluster_zone_a": Title(250, 222, 20, 10)},
    )
    moved = in_declared_order(placed, picture)
    # a on top (340 down to 290), gap 10, b (280 down to 200), gap 20, c (180 down to 80)
    assert moved.clusters["cluster_zone_a"] == (60, 290, 440, 340)
    assert moved.clusters["cluster_zone_b"] == (60, 200, 440, 280)
    assert moved.clusters["cluster_zone_c"] == (60, 80, 440, 180)
    assert moved.clusters["cluster_a_app"] == (70, 295, 430, 325)
    assert moved.titles["cluster_zone_a"] == Title(250, 332, 20, 10)
    assert moved.nodes == {"a1": (100, 315), "b1": (100, 240), "c1": (100, 160), "users": (10, 200)}
    assert moved.clusters["cluster_vpc"] == placed.clusters["cluster_vpc"]
    assert in_declared_order(moved, picture) == moved


def test_zones_side_by_side_are_left_where_graphviz_put_them() -> None:
    zones = (_zone("a", ("a1",)), _zone("b", ("b1",)))
    picture = Picture("t", "", {}, (), zones, ())
    placed = Placed(
        bounds=(0, 0, 500, 400),
        title=None,
        nodes={"a1": (300, 100), "b1": (100, 110)},
        clusters={"cluster_zone_a": (250, 50, 350, 150), "cluster_zone_b": (50, 60, 150, 160)},
        titles={},
    )
    assert in_declared_order(placed, picture) == placed


def test_rerouted_splines_come_back_into_the_frame_and_labels_follow_their_arrows() -> None:
    assert (
        moved_spline("e,10,20 0,0 1.5,2.25 3,4 5,6", 8, -8) == "e,18,12 8,-8 9.5,-5.75 11,-4 13,-2"
    )
    before = "0,100 30,100 60,100 90,100"  # flat, label 12 above at x = 45
    placed = Placed((0, 0, 100, 200), None, {"n": (0, 100)}, {}, {}, {0: (45, 112)}, {0: before})
    # nop2 drew everything 8 points lower and left; the new arrow runs at height 150
    routed = Placed(
        (0, 0, 100, 200), None, {"n": (-8, 92)}, {}, {}, {}, {0: "-8,142 22,142 52,142 82,142"}
    )
    done = with_routes(placed, routed)
    assert done.splines == {0: "0,150 30,150 60,150 90,150"}
    assert done.edge_labels == {0: (45, 162)}


def test_the_vrrp_pair_stands_like_its_racks_and_keeps_its_labels_beside_its_arrows() -> None:
    plan = plan_of(ROOT / "examples" / "onprem-generic.yaml")
    placed = layout(drawn(plan))
    lb_1, lb_2 = placed.nodes["i_lb_1"], placed.nodes["i_lb_2"]  # rack-a's, rack-b's
    assert lb_1[0] == lb_2[0] and lb_1[1] > lb_2[3], "lb-1 stands above lb-2"
    labels = dict(placed.edge_labels)
    for name, lb in (("master", lb_1), ("backup", lb_2)):
        x0, x1 = labels[name][0], labels[name][2]
        assert placed.nodes["vip"][2] < x0 and x1 < lb[0], name  # between the VIP and its lb
    assert labels["master"][1] > labels["backup"][1]
