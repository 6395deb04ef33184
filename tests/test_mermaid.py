"""Mermaid output read back structurally: subgraphs per zone and tier, nodes, edges, classes."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import ROOT, run_tiered
from tests.diagram_support import expected_node_ids, plan_of, service_of_node
from tiered.renderers.diagram import draw
from tiered.renderers.diagram.annotations import NONE, Annotations, Mark
from tiered.renderers.diagram.picture import ident

SUBGRAPH = re.compile(r'^subgraph (\w+)\["([^"]*)"\]$')
NODE = re.compile(r'^(\w+)(\(\[|\[\(|\[)"([^"]*)"(\]\)|\)\]|\])$')
EDGE = re.compile(r'^(\w+) (-->|-\.->)(?:\|"([^"]*)"\|)? (\w+)$')
CLASSDEF = re.compile(r"^classDef (\w+) (\S.*)$")
CLASS = re.compile(r"^class ([\w,]+) (\w+)$")
STYLE = re.compile(r"^style (\w+) (\S.*)$")


@dataclass
class Flowchart:
    title: str = ""
    subgraphs: dict[str, dict[str, object]] = field(default_factory=dict)
    nodes: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # label, parent
    edges: list[tuple[str, str, str, str]] = field(default_factory=list)  # tail, arrow, label, head
    classes: dict[str, set[str]] = field(default_factory=dict)
    styles: dict[str, str] = field(default_factory=dict)


def parse(text: str) -> Flowchart:
    """A strict reader of the Mermaid subset tiered writes: any other line fails the test."""
    lines = text.splitlines()
    assert lines[0] == "---" and lines[1].startswith("title: ") and lines[2] == "---"
    assert lines[3] == "flowchart LR"
    chart = Flowchart(title=lines[1][len("title: ") :])
    stack: list[str] = []
    for raw in lines[4:]:
        line = raw.strip()
        if match := SUBGRAPH.match(line):
            name = match[1]
            assert name not in chart.subgraphs and name not in chart.nodes
            chart.subgraphs[name] = {
                "label": match[2],
                "parent": stack[-1] if stack else None,
                "nodes": [],
                "children": [],
            }
            if stack:
                chart.subgraphs[stack[-1]]["children"].append(name)  # type: ignore[union-attr]
            stack.append(name)
        elif line == "end":
            stack.pop()
        elif match := NODE.match(line):
            assert match[1] not in chart.nodes, f"node {match[1]} defined twice"
            chart.nodes[match[1]] = (match[3], stack[-1] if stack else None)
            if stack:
                chart.subgraphs[stack[-1]]["nodes"].append(match[1])  # type: ignore[union-attr]
        elif match := EDGE.match(line):
            chart.edges.append((match[1], match[2], match[3] or "", match[4]))
        elif match := CLASSDEF.match(line):
            chart.classes.setdefault(match[1], set())
        elif match := CLASS.match(line):
            assert match[2] in chart.classes, "class used before classDef"
            chart.classes[match[2]].update(match[1].split(","))
        elif match := STYLE.match(line):
            chart.styles[match[1]] = match[2]
        else:
            raise AssertionError(f"unexpected Mermaid line: {raw!r}")
    assert not stack, "unclosed subgraph"
    return chart


def test_subgraphs_per_zone_and_tier_nodes_and_edges(topology_path: Path) -> None:
    plan = plan_of(topology_path)
    chart = parse(str(draw(plan, NONE, "mermaid")))
    for zi, zone in enumerate(plan.zones):
        zone_id = f"zone_{ident(zone)}"
        assert chart.subgraphs[zone_id]["label"] == zone
        for ti, tier in enumerate(plan.tiers):
            tier_id = f"z{zi}_t{ti}"
            expected = expected_node_ids(plan, tier.name, zone)
            if not expected:
                continue
            assert chart.subgraphs[tier_id]["parent"] == zone_id
            assert tier.name in str(chart.subgraphs[tier_id]["label"])
            drawn = {n for n in chart.subgraphs[tier_id]["nodes"] if not n.startswith("n_")}
            assert drawn == expected
    assert {n for n in chart.nodes if n.startswith("i_")} == {
        f"i_{ident(i.name)}" for i in plan.instances
    }
    for tail, _, _, head in chart.edges:
        assert tail in chart.nodes and head in chart.nodes
    # the DOT picture's arrows: one from every node of a caller to each callee
    between = [
        (t, h)
        for t, _, _, h in chart.edges
        if service_of_node(plan, t) and service_of_node(plan, h)
    ]
    assert len(between) == len(set(between))
    arrows = [(t, service_of_node(plan, h)) for t, h in between]
    callers = [n for n in chart.nodes if service_of_node(plan, n)]
    expected = {
        (n, callee)
        for n in callers
        for callee in plan.services[str(service_of_node(plan, n))].calls
    }
    assert set(arrows) == expected
    assert "users" in chart.nodes and chart.nodes["users"][1] is None


def test_reference_labels_entry_and_standby() -> None:
    plan = plan_of(ROOT / "topology.yaml")
    chart = parse(str(draw(plan, NONE, "mermaid")))
    assert chart.title.startswith('"toro-integrate-ha')
    assert "quorum 2 of 3" in chart.nodes["i_zookeeper_1"][0]
    assert ("route53", "-->", "PRIMARY", "i_nginx_1") in chart.edges
    assert ("route53", "-.->", "SECONDARY", "i_nginx_2") in chart.edges
    assert "/ → integrate" in chart.nodes["i_nginx_1"][0]
    assert ("i_nginx_1", "-->", "", "i_integrate_1") in chart.edges
    assert ("i_integrate_2", "-->", "", "i_activemq_1") in chart.edges  # the active broker
    assert {"m_db_standby", "i_nginx_2", "i_activemq_2"} <= chart.classes["standby"]
    assert chart.subgraphs["region"]["label"] == "AWS region us-east-1"
    assert chart.subgraphs["vpc"]["parent"] == "region"
    assert "error" not in chart.classes or not chart.classes["error"]


def test_error_marks_become_the_error_class() -> None:
    plan = plan_of(ROOT / "topology.yaml")
    notes = Annotations(marks=(Mark("TR003", "zookeeper", ("us-east-1b",)),))
    chart = parse(str(draw(plan, notes, "mermaid")))
    assert chart.classes["error"] == {"i_zookeeper_1", "i_zookeeper_2", "i_zookeeper_3"}
    assert "TR003" in chart.nodes["i_zookeeper_3"][0]
    assert "stroke:#D62728" in chart.styles["zone_us_east_1b"]
    assert "zone_us_east_1c" not in chart.styles


def test_whatif_classes() -> None:
    plan = plan_of(ROOT / "topology.yaml")
    notes = Annotations(failed=("us-east-1b",), down={"zookeeper": "lost quorum"})
    chart = parse(str(draw(plan, notes, "mermaid")))
    in_b = {n for n, (_, parent) in chart.nodes.items() if parent and parent.startswith("z0_")}
    assert chart.classes["failed"] == in_b
    # the surviving replica of a service that is down is red; the failed ones stay grey
    assert chart.classes["error"] == {"i_zookeeper_2"}
    assert "DOWN" in chart.nodes["i_zookeeper_1"][0] and "FAILED" in chart.nodes["i_zookeeper_1"][0]
    assert "what if us-east-1b fails" in chart.title


def test_hostile_text_is_escaped(tmp_path: Path) -> None:
    source = (
        (ROOT / "topology.yaml")
        .read_text()
        .replace(
            "description: TORO Integrate on a highly available three-tier network architecture",
            'description: "a \\"quoted\\" <b>bold</b> ] end"',
        )
    )
    path = tmp_path / "t.yaml"
    path.write_text(source)
    text = str(draw(plan_of(path), NONE, "mermaid"))
    chart = parse(text)
    # the title is a YAML (JSON) string, drawn as text by Mermaid; nothing else carries it
    assert json.loads(chart.title) == 'toro-integrate-ha: a "quoted" <b>bold</b> ] end'
    assert "bold" not in "\n".join(text.splitlines()[3:])


def test_mermaid_from_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "arch.mmd"
    result = run_tiered("diagram", "-o", str(out))
    assert result.returncode == 0, result.stderr
    chart = parse(out.read_text())
    assert len(chart.nodes) > 10
