"""YAML mappings are unordered: the plan, findings, availability and every rendered output
are the same for every order of every mapping (issue 21, point 1), and what validates
renders on every backend of its provider (point 2).

The topologies are generated with presentation tiers, routes and dependencies, so that the
entry (which the canonical order derives from roles and routes, not from the first tier)
is exercised; the examples are checked too.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT, run_tiered
from tests.test_plan import topologies as placement_topologies
from tiered.exporters import registry
from tiered.exporters.base import ExportOptions, ExportRefused
from tiered.loading.loader import load_bytes
from tiered.pipeline import Result, check_loaded

EXAMPLES = sorted([*(ROOT / "examples").glob("*.yaml"), ROOT / "topology.yaml"])
TIER_NAMES = ["web", "edge", "api", "app", "core", "jobs", "data", "store"]
#: The backends a validated topology renders, by provider; ``None`` when a backend may
#: rightly not apply (nginx without an entry proxy, keepalived without a VIP pair).
BACKENDS: dict[str, dict[str, bool]] = {
    "aws": {"cloudformation": True, "config": True, "fis": True, "nginx": False, "diagram": True},
    "generic": {"nginx": False, "keepalived": False, "config": True, "diagram": True},
}
#: A finding's place in the file: it moves with the mapping that holds it, by design.
LOCATION = re.compile(r"[\w./-]*\.yaml:\d+:\d+")
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def shuffled(value: Any, rng: random.Random) -> Any:
    """``value`` with the keys of every mapping, at every depth, in a random order."""
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return {key: shuffled(value[key], rng) for key in keys}
    if isinstance(value, list):  # lists are ordered by definition: only their items change
        return [shuffled(item, rng) for item in value]
    return value


def sorted_keys(value: Any) -> Any:
    """``value`` with every mapping's keys sorted (what ``yq -S`` writes)."""
    if isinstance(value, dict):
        return {key: sorted_keys(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [sorted_keys(item) for item in value]
    return value


def result_of(data: dict[str, Any]) -> Result:
    loaded = load_bytes(yaml.safe_dump(data, sort_keys=False).encode(), "t.yaml")
    checked = check_loaded(loaded)
    return Result("t.yaml", checked.topology, checked.plan, checked.source, checked.problems)


def rendered(result: Result) -> dict[str, str]:
    """Every applicable backend's files (diagram as DOT and Mermaid: no graphviz run)."""
    files: dict[str, str] = {}
    plan = result.valid_plan
    for name, required in BACKENDS[plan.provider].items():
        exporter = registry.get("render", name)
        if not exporter.applies_to(result):
            assert not required or (name == "config" and not plan.instance_count), name
            continue
        variants = ["dot", "mermaid"] if name == "diagram" else [None]
        for variant in variants:
            try:
                produced = exporter.export(result, ExportOptions(variant=variant))
            except ExportRefused as refused:
                raise AssertionError(f"validated, but render {name} refused: {refused}") from None
            for path, content in produced.items():
                text = content if isinstance(content, str) else content.decode("utf-8")
                files[f"{name}:{variant}:{path}"] = LOCATION.sub("<at>", text)
    return files


def everything(data: dict[str, Any]) -> dict[str, Any]:
    """What a topology means: its plan, findings, availability and rendered files."""
    result = result_of(data)
    assert result.plan is not None, [str(p) for p in result.problems]
    analysis = result.analysis
    return {
        "plan": json.dumps(result.plan.to_dict(), indent=2),
        "findings": sorted(
            (f.rule, f.service or "", f.severity.value, LOCATION.sub("<at>", f.message))
            for f in result.findings
        ),
        "availability": analysis.availability.value,
        "tolerance": analysis.fault_tolerance.order,
        "rendered": rendered(result),
    }


@st.composite
def entry_topologies(draw: st.DrawFn) -> dict[str, Any]:
    """Valid topologies with a presentation tier routing inward, in random declared order."""
    provider = draw(st.sampled_from(["aws", "generic"]))
    count = draw(st.integers(1, 3))
    zones = (
        [f"us-east-1{c}" for c in "abc"[:count]]
        if provider == "aws"
        else [f"rack-{c}" for c in "abc"[:count]]
    )
    names = draw(st.permutations(TIER_NAMES))
    web, app, data = names[0], names[1], names[2]
    db_kind = "database" if provider == "aws" and count >= 2 else "compute"
    store: dict[str, Any] = {"kind": "database", "count": draw(st.integers(1, 2))}
    if db_kind == "compute":
        store = {"software": "postgres", "count": 2, "failover": "primary-standby"}
    shared = provider == "aws" and draw(st.booleans())
    workers = {
        f"w{i}": {
            "software": draw(st.sampled_from(["generic", "tomcat", "activemq", "redis"])),
            "count": draw(st.integers(1, 4)),
            "port": 9000 + i,
            "failover": draw(st.sampled_from(["active-active", "quorum", "active-passive"])),
            "depends_on": ["db", "files"] if shared and draw(st.booleans()) else ["db"],
        }
        for i in draw(st.lists(st.integers(1, 4), min_size=1, max_size=3, unique=True))
    }
    main = {"count": draw(st.integers(1, 4)), "port": 8080, "failover": "active-active"}
    main["depends_on"] = sorted(workers)
    pair = provider == "generic" and count >= 2 and draw(st.booleans())
    proxy: dict[str, Any] = {
        "software": "nginx",
        "count": 2 if pair else draw(st.integers(1, 3)),
        "failover": "active-passive" if pair else draw(st.sampled_from(["active-active"])),
        "listen": draw(st.sampled_from([[80], [80, 443], [8080], []])),
        "balance": draw(st.sampled_from(["round-robin", "least-conn", "ip-hash"])),
        "routes": [
            {"path": draw(st.sampled_from(["/", "/api"])), "to": "main"},
            {
                "path": draw(st.sampled_from(["/w/", "/w", "/api/", "/healthz"])),
                "to": sorted(workers)[0],
            },
        ],
    }
    if pair:
        proxy["zones"] = zones[:2]
    tiers: dict[str, Any] = {
        web: {"role": "presentation", "public": True, "services": {"proxy": proxy}},
        app: {"role": "application", "services": {"main": main, **workers}},
        data: {
            "role": "data",
            "services": {"db": store, **({"files": {"kind": "filesystem"}} if shared else {})},
        },
    }
    declared = draw(st.permutations(list(tiers)))
    topology: dict[str, Any] = {
        "version": 1,
        "name": "generated",
        "provider": provider,
        "zones": zones,
        "network": {"cidr": "10.0.0.0/16"},
        "tiers": {name: tiers[name] for name in declared},
    }
    if provider == "aws":
        topology["region"] = "us-east-1"
        topology["entry"] = {"dns_name": "app.example.com", "hosted_zone": "example.com"}
    elif pair:
        topology["entry"] = {"vip": "10.0.255.250"}
    return topology


@SETTINGS
@given(topology=entry_topologies(), seed=st.integers(0, 2**16))
def test_every_mapping_order_means_the_same(topology: dict[str, Any], seed: int) -> None:
    refused = result_of(topology).problems
    if refused:  # refused whatever the order, for the same reasons
        again = result_of(shuffled(topology, random.Random(seed))).problems
        assert sorted(p.code for p in again) == sorted(p.code for p in refused)
        return
    expected = everything(topology)
    assert everything(shuffled(topology, random.Random(seed))) == expected
    assert everything(sorted_keys(topology)) == expected


@SETTINGS
@given(topology=entry_topologies())
def test_the_entry_is_the_presentation_tier_wherever_it_is_declared(
    topology: dict[str, Any],
) -> None:
    result = result_of(topology)
    assume(result.plan is not None)
    plan = result.valid_plan
    web = next(name for name, t in topology["tiers"].items() if t["role"] == "presentation")
    assert plan.entry_tier.name == web
    assert plan.entry_services == ("proxy",)
    assert [t.role for t in plan.tiers] == ["presentation", "application", "data"]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(topology=placement_topologies(), seed=st.integers(0, 2**16))
def test_placement_topologies_render_every_backend_in_every_order(
    topology: dict[str, Any], seed: int
) -> None:
    result = result_of(topology)
    if result.plan is None:  # refused with located problems: nothing to render
        assert result.problems
        return
    expected = everything(topology)
    assert everything(shuffled(topology, random.Random(seed))) == expected


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(topology=st.one_of(entry_topologies(), placement_topologies()), seed=st.integers(0, 2**16))
def test_many_topologies_render_every_backend_in_every_order(
    topology: dict[str, Any], seed: int
) -> None:
    result = result_of(topology)
    if result.plan is None:
        assert result.problems
        return
    assert everything(shuffled(topology, random.Random(seed))) == everything(topology)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_examples_mean_the_same_in_every_order(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    expected = everything(data)
    assert everything(sorted_keys(data)) == expected
    for seed in range(2):
        assert everything(shuffled(data, random.Random(seed))) == expected


def test_sorted_reference_renders_nginx_and_plans_byte_identically(tmp_path: Path) -> None:
    """The issue's case: the reference with its keys sorted, through the command line."""
    source = ROOT / "examples" / "reference-three-zones.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    (tmp_path / "sorted").mkdir()
    sorted_file = tmp_path / "sorted" / "reference-three-zones.yaml"
    sorted_file.write_text(yaml.safe_dump(sorted_keys(data), sort_keys=True), encoding="utf-8")
    plans = [run_tiered("plan", str(p), "--format", "json") for p in (source, sorted_file)]
    assert [p.returncode for p in plans] == [0, 0]
    assert plans[0].stdout == plans[1].stdout
    rendered_nginx = run_tiered("render", "nginx", str(sorted_file), "--out", str(tmp_path / "o"))
    assert rendered_nginx.returncode == 0, rendered_nginx.stderr
    assert sorted(p.name for p in (tmp_path / "o" / "nginx").iterdir()) == ["nginx-1", "nginx-2"]


@pytest.mark.parametrize(
    ("shape", "services", "zones", "provider"),
    [("layered", 30, 3, "aws"), ("layered", 30, 2, "generic"), ("mesh", 25, 3, "aws")],
)
def test_benchmark_topologies_render_every_backend_in_every_order(
    shape: str, services: int, zones: int, provider: str
) -> None:
    from benchmarks.generate import generate, generate_shape

    topology = (
        generate(services, zones, provider=provider)
        if shape == "layered"
        else generate_shape(shape, services, zones)
    )
    result = result_of(topology)
    assert result.plan is not None, [str(p) for p in result.problems]
    assert everything(shuffled(topology, random.Random(7))) == everything(topology)


def test_sorting_the_keys_is_no_change_and_findings_point_at_their_lines(tmp_path: Path) -> None:
    source = ROOT / "examples" / "marketplace-large.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    sorted_file = tmp_path / "sorted.yaml"
    sorted_file.write_text(yaml.safe_dump(sorted_keys(data), sort_keys=True), encoding="utf-8")
    diff = run_tiered("diff", str(source), str(sorted_file))
    assert diff.returncode == 0, diff.stderr
    assert "No change to findings, resilience, placement or the CloudFormation stack." in (
        diff.stdout
    )
    result = result_of(sorted_keys(data))
    lines = yaml.safe_dump(sorted_keys(data), sort_keys=False).splitlines()
    located = [f for f in result.findings if f.service and f.location is not None]
    assert located
    for finding in located:
        assert finding.location is not None
        line = lines[finding.location.line - 1]
        assert line.strip().startswith(f"{finding.service}:"), (finding.rule, line)
