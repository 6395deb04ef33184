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

from tests.conftest import ALL_TOPOLOGIES
from tests.diagram_support import Box, drawn, layout, plan_of
from tiered.placement.plan import Plan
from tiered.renderers.diagram import draw, scenario_of
from tiered.renderers.diagram.annotations import NONE
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
