"""The architecture diagram: structure read back from the DOT by graphviz, findings and
what-if marks, collapse, the real PNG/SVG/PDF, self-contained SVG, determinism, errors."""

from __future__ import annotations

import io
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image

from tests.conftest import ALL_TOPOLOGIES, REGEN_GOLDEN, ROOT, TIERED, run_tiered
from tests.diagram_support import (
    GREY,
    RED,
    Graph,
    drawn,
    expected_node_ids,
    layout,
    overlaps,
    parse_dot,
    plan_of,
    service_of_node,
)
from tiered.analysis import whatif
from tiered.exporters.base import ExportOptions
from tiered.pipeline import Result
from tiered.placement.plan import Plan
from tiered.renderers.diagram import DiagramRenderer, draw, scenario_of
from tiered.renderers.diagram.annotations import NONE, Annotations, Mark, from_findings
from tiered.renderers.diagram.icons import all_icons, resources_dir
from tiered.renderers.diagram.picture import ident

GOLDEN = ROOT / "tests" / "golden"
TOPOLOGY = ROOT / "topology.yaml"
LARGE = ROOT / "examples" / "marketplace-large.yaml"
ONPREM = ROOT / "examples" / "onprem-generic.yaml"
XLINK = "{http://www.w3.org/1999/xlink}href"


def red_services(plan: Plan, dot_text: str) -> set[str]:
    graph = parse_dot(dot_text)
    found = set()
    for name, node in graph.nodes.items():
        if node.get("color") == RED:
            service = service_of_node(plan, name)
            assert service is not None, f"red node {name} stands for no service"
            found.add(service)
    return found


def assert_calls_from_every_replica(plan: Plan, graph: Graph) -> None:
    """Every node of a caller has arrows to each callee, and nothing else joins services:
    to the callee's active nodes in the caller's zone when it has some there (else to all
    its active nodes), and to those in zones where the caller has no node; never to a
    passive or standby replica. So every active replica of a called service has an arrow
    coming in (none looks unused)."""
    arrows: dict[tuple[str, str], set[str]] = {}
    for tail, head, attrs in graph.edges:
        a, b = service_of_node(plan, tail), service_of_node(plan, head)
        if attrs.get("style") == "invis" or a is None or b is None:
            continue
        assert b in plan.services[a].calls, (tail, head)
        heads = arrows.setdefault((tail, b), set())
        assert head not in heads, f"two arrows {tail} -> {head}"
        heads.add(head)
    zone_of = {name: node_zone(plan, name) for name in graph.nodes}
    nodes_of: dict[str, list[str]] = {}
    for name in graph.nodes:
        service = service_of_node(plan, name)
        if service is not None:
            nodes_of.setdefault(service, []).append(name)
    reached: set[str] = set()
    for service in plan.services.values():
        for caller in nodes_of.get(service.name, []) if service.calls else []:
            for callee in service.calls:
                active = {
                    n for n in nodes_of[callee] if "dashed" not in graph.nodes[n].get("style", "")
                }
                local = {n for n in active if zone_of[n] == zone_of[caller]}
                present = {zone_of[n] for n in nodes_of[service.name]}
                uncovered = {n for n in active if zone_of[n] not in present}
                expected = (local or active) | uncovered
                assert arrows.get((caller, callee)) == expected, (caller, callee)
                reached |= expected
    called = {c for s in plan.services.values() for c in s.calls}
    for callee in called:
        for name in nodes_of[callee]:
            if "dashed" not in graph.nodes[name].get("style", ""):
                assert name in reached, f"{name} has no arrow coming in"


def node_zone(plan: Plan, node: str) -> str | None:
    """The zone a node id stands in (instance, endpoint or collapsed group)."""
    for instance in plan.instances:
        if f"i_{ident(instance.name)}" == node:
            return instance.zone
    for endpoint in plan.managed:
        if f"m_{ident(endpoint.name)}" == node:
            return endpoint.zone
    for zone in plan.zones:
        if node.endswith(f"_{ident(zone)}") and node.startswith("g_"):
            return zone
    return None


@pytest.mark.parametrize("path", ALL_TOPOLOGIES, ids=lambda p: p.stem)
def test_edge_labels_stay_off_cluster_titles_and_borders(path: Path) -> None:
    plan = plan_of(path)
    margin = 4.0  # points of clear space around a label's text
    for notes in (NONE, scenario_of(plan, (plan.zones[0],))):
        placed = layout(drawn(plan, notes))
        for label, (x0, y0, x1, y1) in placed.edge_labels:
            box = (x0 - margin, y0 - margin, x1 + margin, y1 + margin)
            for name, titles in placed.cluster_titles.items():
                assert not any(overlaps(box, title) for title in titles), (label, name)
            for name, area in placed.clusters.items():
                inside = area[0] <= box[0] and area[1] <= box[1]
                inside = inside and box[2] <= area[2] and box[3] <= area[3]
                assert inside or not overlaps(box, area), f"{label!r} on the border of {name}"


@pytest.mark.parametrize(
    "path", [*ALL_TOPOLOGIES, ROOT / "tests" / "fixtures" / "one-tier.yaml"], ids=lambda p: p.stem
)
def test_the_legend_is_under_the_drawing_and_the_first_column_holds_only_the_entry(
    path: Path,
) -> None:
    plan = plan_of(path)
    placed = layout(drawn(plan, from_findings(Result.of_plan(plan).findings)))
    network = placed.clusters["cluster_region" if plan.provider == "aws" else "cluster_vpc"]
    legend = placed.cluster_titles["cluster_canvas"]
    assert legend, "the legend is drawn"
    bottom = min(network[1], *(box[1] for box in placed.nodes.values()))
    assert max(box[3] for box in legend) < bottom, "the legend is below everything drawn"
    # no arrow runs through it
    left, right, top = (
        min(b[0] for b in legend),
        max(b[2] for b in legend),
        max(b[3] for b in legend),
    )
    through = [(x, y) for x, y in placed.edge_points if left <= x <= right and y <= top]
    assert not through, f"an arrow runs through the legend at {through[:3]}"
    # left of the network: the outside nodes (users, Route 53), the gaps between them and a
    # rank of edge labels (PRIMARY, SECONDARY), nothing else
    outside = [box for name, box in placed.nodes.items() if box[2] < network[0]]
    assert {name for name, box in placed.nodes.items() if box[2] < network[0]} <= {
        "users",
        "route53",
        "vip",
    }
    widths = sum(box[2] - box[0] for box in outside)
    rank_gap = 0.9 * 72
    leftmost = min(box[0] for box in placed.nodes.values())
    assert network[0] - leftmost <= widths + (len(outside) + 2) * rank_gap


def test_every_icon_exists_in_the_diagrams_package() -> None:
    for icon in all_icons():
        assert (resources_dir() / icon).is_file(), icon


def test_dot_structure_matches_the_plan(topology_path: Path) -> None:
    plan = plan_of(topology_path)
    graph = parse_dot(str(draw(plan, NONE, "dot")))
    zones = {name for name in graph.clusters if name.startswith("cluster_zone_")}
    assert zones == {f"cluster_zone_{ident(z)}" for z in plan.zones}
    for zi, zone in enumerate(plan.zones):
        zone_cluster = graph.clusters[f"cluster_zone_{ident(zone)}"]
        for ti, tier in enumerate(plan.tiers):
            expected = expected_node_ids(plan, tier.name, zone)
            name = f"cluster_z{zi}_t{ti}"
            if not expected:
                assert name not in graph.clusters or not {
                    n for n in graph.clusters[name]["nodes"] if not n.startswith("n_")
                }
                continue
            assert name in zone_cluster["children"], (zone, tier.name)
            drawn = {n for n in graph.clusters[name]["nodes"] if not n.startswith("n_")}
            assert drawn == expected, (zone, tier.name)
            label = graph.clusters[name]["attrs"]["label"]
            assert str(plan.subnet_of(tier.name, zone).cidr) in label
    # one node per instance (no service of the examples passes the collapse threshold)
    instance_nodes = {n for n in graph.nodes if n.startswith("i_")}
    assert instance_nodes == {f"i_{ident(i.name)}" for i in plan.instances}
    assert not [n for n in graph.nodes if n.startswith("g_")]
    assert_calls_from_every_replica(plan, graph)
    # NAT gateways: one node per gateway of the plan
    assert {n for n in graph.nodes if n.startswith("n_")} == {
        f"n_{ident(g.name)}" for g in plan.network.nat_gateways
    }


def test_reference_entry_route53_failover_and_roles() -> None:
    plan = plan_of(TOPOLOGY)
    graph = parse_dot(str(draw(plan, NONE, "dot")))
    entry = {(t, h): a for t, h, a in graph.edges if t == "route53"}
    assert entry[("route53", "i_nginx_1")]["label"] == "PRIMARY"
    assert entry[("route53", "i_nginx_2")]["label"] == "SECONDARY"
    assert "dashed" in entry[("route53", "i_nginx_2")]["style"]
    assert ("users", "route53") in {(t, h) for t, h, _ in graph.edges}
    assert "dashed" in graph.nodes["m_db_standby"]["style"]
    assert "dashed" not in graph.nodes["m_db_primary"]["style"]
    assert "dashed" in graph.nodes["i_activemq_2"]["style"]
    for name in ("i_zookeeper_1", "i_zookeeper_2", "i_zookeeper_3"):
        assert "quorum 2 of 3" in graph.nodes[name]["label"]
    assert "quorum" not in graph.nodes["i_solr_1"]["label"]
    # EFS: a mount target per zone, in the data tier
    assert {"m_files_us_east_1b", "m_files_us_east_1c"} <= set(graph.nodes)
    # arrows carry no text (graphviz would set it over cluster titles): the router lists
    # its routes, a replica its port, and hovering an arrow in the SVG names both ends
    calls = {(t, h): a for t, h, a in graph.edges if a.get("style") != "invis"}
    assert not calls[("i_nginx_1", "i_integrate_1")].get("label")
    assert calls[("i_nginx_1", "i_integrate_1")]["tooltip"] == "nginx-1 → integrate-1 /"
    assert "/ → integrate" in graph.nodes["i_nginx_2"]["label"]
    assert "10.0.9.136:2181" in graph.nodes["i_zookeeper_1"]["label"]
    assert "postgres:5432" in graph.nodes["m_db_primary"]["label"]
    # the second zone is connected too: to its own replicas of active-active and quorum
    # services, across zones to the active broker and the primary database
    from_c = {h for (t, h) in calls if t == "i_integrate_2"}
    assert from_c == {
        "i_activemq_1",
        "i_solr_2",
        "i_zookeeper_2",
        "m_db_primary",
        "m_files_us_east_1c",
    }
    # two replicas of a service in one zone both get arrows
    from_b = {h for (t, h) in calls if t == "i_integrate_1"}
    assert {"i_solr_1", "i_solr_3", "i_zookeeper_1", "i_zookeeper_3"} <= from_b
    assert calls[("i_integrate_2", "i_zookeeper_2")]["tooltip"] == (
        "integrate-2 → zookeeper-2 :2181"
    )


def test_onprem_entry_is_the_keepalived_vip() -> None:
    plan = plan_of(ONPREM)
    graph = parse_dot(str(draw(plan, NONE, "dot")))
    assert "route53" not in graph.nodes
    assert "VIP 10.20.255.250/24" in graph.nodes["vip"]["label"]
    # the pair and the VIP in one cluster: the entry segment, a VLAN over both racks
    segment = graph.clusters["cluster_entry_segment"]
    assert set(segment["nodes"]) == {"vip", "i_lb_1", "i_lb_2"}
    assert "entry segment 10.20.255.0/24" in segment["attrs"]["label"]
    assert "one VLAN over rack-a, rack-b" in segment["attrs"]["label"]
    assert "cluster_entry_segment" in graph.clusters["cluster_vpc"]["children"]
    assert (
        "rack-a" in graph.nodes["i_lb_1"]["label"]
        and "10.20.255.2" in graph.nodes["i_lb_1"]["label"]
    )
    labels = {h: a["label"] for t, h, a in graph.edges if t == "vip"}
    assert labels == {"i_lb_1": "master", "i_lb_2": "backup"}
    assert "cluster_region" not in graph.clusters  # no cloud region on premises
    assert "onprem/compute/server.png" in graph.nodes["i_reports_1"]["label"]


def test_large_example_quorum_margin_and_icons() -> None:
    plan = plan_of(LARGE)
    graph = parse_dot(str(draw(plan, NONE, "dot")))
    assert "quorum 3 of 5" in graph.nodes["i_coordination_1"]["label"]
    assert "needs 4 of 6" in graph.nodes["i_storefront_1"]["label"]
    assert "elastic/elasticsearch/elasticsearch.png" in graph.nodes["i_search_1"]["label"]
    assert "aws/database/rds-mysql-instance.png" in graph.nodes["m_accounts_db_primary"]["label"]


def test_red_marks_exactly_on_the_marked_services_and_zones() -> None:
    plan = plan_of(TOPOLOGY)
    notes = Annotations(
        marks=(
            Mark("TR003", "zookeeper", ("us-east-1b",)),
            Mark("TR006", "solr", ()),
        )
    )
    dot_text = str(draw(plan, notes, "dot"))
    assert red_services(plan, dot_text) == {"zookeeper", "solr"}
    graph = parse_dot(dot_text)
    assert "TR003" in graph.nodes["i_zookeeper_2"]["label"]
    assert "TR006" in graph.nodes["i_solr_1"]["label"]
    assert "TR0" not in graph.nodes["i_integrate_1"]["label"]
    zone_b = graph.clusters["cluster_zone_us_east_1b"]["attrs"]
    zone_c = graph.clusters["cluster_zone_us_east_1c"]["attrs"]
    assert zone_b["pencolor"] == RED and "TR003" in zone_b["label"]
    assert zone_c["pencolor"] != RED and "TR0" not in zone_c["label"]
    assert red_services(plan, str(draw(plan, NONE, "dot"))) == set()


def test_only_unaccepted_errors_become_marks() -> None:
    def finding(rule: str, severity: str, service: str, accepted: bool) -> SimpleNamespace:
        return SimpleNamespace(
            rule=rule,
            severity=severity,
            service=service,
            zones=(),
            accepted=accepted,
            message="",
        )

    notes = from_findings(
        [
            finding("TR001", "error", "a", False),
            finding("TR002", "error", "b", True),
            finding("TR004", "warning", "c", False),
        ]
    )
    assert [(m.rule, m.service, m.accepted) for m in notes.marks] == [
        ("TR001", "a", False),
        ("TR002", "b", True),
    ]
    assert notes.service_rules("a") == ("TR001",) and notes.service_rules("b") == ()
    assert notes.service_rules("b", accepted=True) == ("TR002",)


def test_accepted_findings_are_grey_not_red() -> None:
    plan = plan_of(TOPOLOGY)
    notes = Annotations(
        marks=(
            Mark("TR003", "zookeeper", ("us-east-1b",), accepted=True),
            Mark("TR006", "solr", ()),
        )
    )
    dot_text = str(draw(plan, notes, "dot"))
    assert red_services(plan, dot_text) == {"solr"}
    graph = parse_dot(dot_text)
    assert "TR003 accepted" in graph.nodes["i_zookeeper_1"]["label"]
    assert graph.clusters["cluster_zone_us_east_1b"]["attrs"]["pencolor"] != RED
    assert "TR003 zookeeper (accepted)" in graph.clusters["cluster_canvas"]["attrs"]["label"]


def test_findings_of_the_analysis_are_drawn(topology_path: Path) -> None:
    plan = plan_of(topology_path)
    findings = Result.of_plan(plan).findings
    expected = {
        f.service
        for f in findings
        if str(f.severity) == "error" and not f.accepted and f.service is not None
    }
    dot_text = str(
        DiagramRenderer().export(Result.of_plan(plan), ExportOptions(variant="dot"))[
            "diagram/architecture.dot"
        ]
    )
    assert red_services(plan, dot_text) == expected


def test_reference_findings_mark_zookeeper_with_tr003() -> None:
    plan = plan_of(TOPOLOGY)
    dot_text = str(
        DiagramRenderer().export(Result.of_plan(plan), ExportOptions(variant="dot"))[
            "diagram/architecture.dot"
        ]
    )
    graph = parse_dot(dot_text)
    assert graph.nodes["i_zookeeper_1"]["color"] == RED
    assert "TR003" in graph.nodes["i_zookeeper_1"]["label"]
    legend = graph.clusters["cluster_canvas"]["attrs"]["label"]
    # the legend says what a red dashed zone border and each drawn rule id mean
    assert "red dashed zone" in legend
    assert "a quorum ensemble loses its majority when one zone fails" in legend
    assert "a service goes down in a single failure because a dependency does" in legend
    assert "TR001" not in legend  # only the rules drawn on the picture


def test_whatif_greys_the_failed_zone_and_reddens_what_goes_down() -> None:
    plan = plan_of(TOPOLOGY)
    notes = Annotations(
        failed=("us-east-1b",),
        down={"zookeeper": "lost its quorum", "solr": "depends on zookeeper"},
        system_down=False,
    )
    graph = parse_dot(str(draw(plan, notes, "dot")))
    zone_b = graph.clusters["cluster_zone_us_east_1b"]["attrs"]
    assert zone_b["fillcolor"] == GREY and "FAILED" in zone_b["label"]
    assert graph.clusters["cluster_zone_us_east_1c"]["attrs"].get("fillcolor") != GREY
    for name, node in graph.nodes.items():
        service = service_of_node(plan, name)
        in_b = name in graph.clusters["cluster_zone_us_east_1b"]["nodes"]
        assert (node.get("fillcolor") == GREY) == in_b, name
        red = service in ("zookeeper", "solr") and not in_b  # failed replicas stay grey
        assert (node.get("color") == RED) == red, name
        if service in ("zookeeper", "solr"):
            assert "DOWN" in node["label"], name
    assert "what if us-east-1b fails: 2 services down" in graph.attrs["label"]


def test_whatif_from_the_command_line(tmp_path: Path) -> None:
    plan = plan_of(TOPOLOGY)
    scenario = whatif(plan, ["us-east-1b"])
    out = tmp_path / "whatif.dot"
    result = run_tiered("diagram", "--whatif", "us-east-1b", "--format", "dot", "-o", str(out))
    assert result.returncode == 0, result.stderr
    dot_text = out.read_text()
    assert red_services(plan, dot_text) == set(scenario.down)
    assert "zookeeper" in scenario.down


def test_collapse_past_the_threshold() -> None:
    plan = plan_of(LARGE)
    graph = parse_dot(str(draw(plan, NONE, "dot", collapse=1)))
    assert not [n for n in graph.nodes if n.startswith("i_storefront_")]
    for zone in plan.zones:
        node = graph.nodes[f"g_storefront_{ident(zone)}"]
        assert "storefront ×2" in node["label"]
    # a service with one replica per zone stays one node per instance
    assert "i_api_gateway_1" in graph.nodes
    # every instance is still accounted for, exactly once
    represented = sum(
        int(node["label"].split("×")[1].split("<")[0]) if name.startswith("g_") else 1
        for name, node in graph.nodes.items()
        if name.startswith(("g_", "i_"))
    )
    assert represented == len(plan.instances)
    assert_calls_from_every_replica(plan, graph)


def test_collapse_by_default_on_a_big_service(tmp_path: Path) -> None:
    source = (
        TOPOLOGY.read_text()
        .replace(
            "count: 3                 # a quorum needs", "count: 9                 # a quorum needs"
        )
        .replace("count: 2\n        port: 8080", "count: 12\n        port: 8080")
    )
    path = tmp_path / "big.yaml"
    path.write_text(source)
    plan = plan_of(path)
    graph = parse_dot(str(draw(plan, NONE, "dot")))
    assert "integrate ×6" in graph.nodes["g_integrate_us_east_1b"]["label"]
    assert "zookeeper ×5" in graph.nodes["g_zookeeper_us_east_1b"]["label"]
    assert "quorum 5 of 9" in graph.nodes["g_zookeeper_us_east_1b"]["label"]
    assert "i_nginx_1" in graph.nodes


@pytest.mark.parametrize("path", [TOPOLOGY, LARGE], ids=lambda p: p.stem)
def test_png_decodes_with_sane_dimensions(path: Path, tmp_path: Path) -> None:
    out = tmp_path / "a.png"
    result = run_tiered("diagram", str(path), "-o", str(out))
    assert result.returncode == 0, result.stderr
    with Image.open(io.BytesIO(out.read_bytes())) as image:
        image.load()
        width, height = image.size
    assert 800 < width < 12000 and 500 < height < 12000, image.size
    assert 0.2 < width / height < 5


def test_pdf_is_drawn(tmp_path: Path) -> None:
    out = tmp_path / "a.pdf"
    result = run_tiered("diagram", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize("path", ALL_TOPOLOGIES, ids=lambda p: p.stem)
def test_svg_is_self_contained(path: Path) -> None:
    plan = plan_of(path)
    svg = bytes(draw(plan, NONE, "svg"))
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    symbols = {e.get("id") for e in root.iter("{http://www.w3.org/2000/svg}symbol")}
    uses = list(root.iter("{http://www.w3.org/2000/svg}use"))
    icons_drawn = len(plan.instances) + len(plan.managed) + len(plan.network.nat_gateways) + 1
    icons_drawn += 1 if plan.entry is not None and (plan.entry.hosted_zone or plan.entry.vip) else 0
    assert len(uses) == icons_drawn
    for element in root.iter():
        for key, value in element.attrib.items():
            if key.endswith("href"):
                if value.startswith("#"):
                    assert value[1:] in symbols
                else:
                    assert value.startswith("data:image/png;base64,"), value[:80]
    text = svg.decode()
    assert str(resources_dir()) not in text and "site-packages" not in text
    assert "file:" not in text and "<image " in text  # images live only inside symbols
    assert len(symbols) == len({u.get(XLINK) for u in uses})


def test_svg_dot_and_mermaid_are_byte_identical_across_runs_and_hash_seeds(
    tmp_path: Path,
) -> None:
    outputs: dict[str, set[bytes]] = {}
    for seed in ("1", "4242"):
        for fmt in ("svg", "dot", "mermaid"):
            out = tmp_path / f"{seed}.{fmt}"
            result = run_tiered(
                "diagram", str(LARGE), "--format", fmt, "-o", str(out), env={"PYTHONHASHSEED": seed}
            )
            assert result.returncode == 0, result.stderr
            outputs.setdefault(fmt, set()).add(out.read_bytes())
    assert all(len(found) == 1 for found in outputs.values())


def test_missing_dot_names_graphviz_and_text_formats_still_work(tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    env = {"PATH": str(empty)}
    out = tmp_path / "a.png"
    result = run_tiered("diagram", "-o", str(out), env=env)
    assert result.returncode == 2
    assert "graphviz" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()
    for fmt, name in (("dot", "a.dot"), ("mermaid", "a.mmd")):
        result = run_tiered("diagram", "--format", fmt, "-o", str(tmp_path / name), env=env)
        assert result.returncode == 0, result.stderr
        assert (tmp_path / name).stat().st_size > 1000


def test_user_mistakes_exit_2_and_write_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nname: x\nzones: [a]\ntiers: {web: {role: nope}}\n")
    cases = [
        ([str(bad), "-o", str(tmp_path / "a.svg")], "bad.yaml:"),
        (["--format", "gif", "-o", str(tmp_path / "b.gif")], "unknown diagram format"),
        (["-o", str(tmp_path / "c.txt")], "cannot tell the diagram format"),
        (["--whatif", "us-east-1x", "-o", str(tmp_path / "d.svg")], "us-east-1c"),
    ]
    for args, message in cases:
        result = run_tiered("diagram", *args)
        assert result.returncode == 2, (args, result.stderr)
        assert message in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml"]


def test_render_all_draws_the_diagram(tmp_path: Path) -> None:
    result = run_tiered("render", "diagram", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in (tmp_path / "diagram").iterdir())
    assert names == ["architecture.dot", "architecture.mmd", "architecture.svg"]


@pytest.mark.parametrize("fmt", ["dot", "mermaid"])
def test_golden_diagram_text(topology_path: Path, fmt: str) -> None:
    plan = plan_of(topology_path)
    text = str(draw(plan, NONE, fmt))
    stem = topology_path.stem
    golden = GOLDEN / stem / "diagram" / f"architecture.{'dot' if fmt == 'dot' else 'mmd'}"
    if REGEN_GOLDEN:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text)
    assert text == golden.read_text()
    assert os.sep + "site-packages" not in text


def test_hostile_description_is_escaped_in_dot(tmp_path: Path) -> None:
    source = TOPOLOGY.read_text().replace(
        "description: TORO Integrate on a highly available three-tier network architecture",
        'description: "a \\"quoted\\" <b>bold</b> } ]; digraph & \\\\ end"',
    )
    path = tmp_path / "t.yaml"
    path.write_text(source)
    dot_text = str(draw(plan_of(path), NONE, "dot"))
    graph = parse_dot(dot_text)  # graphviz accepts it
    assert "&lt;b&gt;bold&lt;/b&gt; } ]; digraph &amp;" in graph.attrs["label"]
    assert len([n for n in graph.nodes if n.startswith("i_")]) == 12


def test_whatif_on_a_collapsed_group_counts_the_failed_replicas(tmp_path: Path) -> None:
    source = TOPOLOGY.read_text().replace(
        "count: 2\n        port: 8080", "count: 12\n        port: 8080"
    )
    path = tmp_path / "big.yaml"
    path.write_text(source)
    plan = plan_of(path)
    notes = Annotations(failed=("integrate-1", "db"), down={"db": "failed"})
    graph = parse_dot(str(draw(plan, notes, "dot")))
    assert "1 of 6 failed" in graph.nodes["g_integrate_us_east_1b"]["label"]
    assert graph.nodes["g_integrate_us_east_1b"].get("fillcolor") != GREY
    assert "failed" not in graph.nodes["g_integrate_us_east_1c"]["label"]
    assert graph.nodes["m_db_primary"]["fillcolor"] == GREY
    assert "what if integrate-1 and db fail: 1 service down" in graph.attrs["label"]


def test_output_dash_writes_to_standard_output(tmp_path: Path) -> None:
    text = run_tiered("diagram", str(TOPOLOGY), "--format", "dot", "-o", "-", cwd=tmp_path)
    assert text.returncode == 0, text.stderr
    assert text.stdout.startswith("// toro-integrate-ha") and "digraph" in text.stdout
    png = subprocess.run(
        [*TIERED, "diagram", str(TOPOLOGY), "-o", "-"],
        cwd=tmp_path,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert png.returncode == 0 and png.stdout.startswith(b"\x89PNG\r\n"), png.stderr
    assert list(tmp_path.iterdir()) == []  # no file named "-"


def test_whatif_draws_the_failover_and_no_calls_from_failed_replicas() -> None:
    plan = plan_of(TOPOLOGY)
    graph = parse_dot(str(draw(plan, scenario_of(plan, ("us-east-1b",)), "dot")))
    # the passive broker and the standby database took over: drawn active, and called
    for name in ("i_activemq_2", "m_db_standby"):
        assert "took over" in graph.nodes[name]["label"]
        assert "dashed" not in graph.nodes[name]["style"]
    calls = {(t, h) for t, h, a in graph.edges if a.get("style") != "invis"}
    assert ("i_integrate_2", "i_activemq_2") in calls
    assert ("i_integrate_2", "m_db_standby") in calls
    assert ("i_integrate_2", "i_activemq_1") not in calls
    # a failed replica calls nothing
    assert not [t for t, _ in calls if t in ("i_integrate_1", "i_solr_1", "i_nginx_1")]
    # Route 53's records keep their names; nginx is down with its service, no take-over
    entry = {h: a for t, h, a in graph.edges if t == "route53"}
    assert entry["i_nginx_2"]["label"] == "SECONDARY"
    assert "took over" not in graph.nodes["i_nginx_2"]["label"]
    assert (
        "a passive or standby replica, active after the failure"
        in (graph.clusters["cluster_canvas"]["attrs"]["label"])
    )
