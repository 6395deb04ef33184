"""Suggested fixes are applicable as written (hypothesis property over generated topologies).

Every finding whose fix is an edit of the file carries it as ``edits``. Applied to the file
as written, the edits must validate, remove the finding and bring no other error on the
same service (a cascade through a dependency that had its own error is that dependency's
to fix); the fix's text must name every change the edits make, and no change they do not
make. Zones a fix adds to the topology are names the user may change: the fix still holds
with other names.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.test_verdict_invariant import topologies
from tiered.analysis import analyze
from tiered.findings import Finding, Location, Severity
from tiered.pipeline import check
from tiered.rules.edits import DROP, apply_edits
from tiered.rules.runner import run_rules
from tiered.rules.spread import survives

#: Rules whose fix is always an edit of the file (the others: fix a root cause, accept, ...).
EDITABLE = {"TR001", "TR002", "TR003", "TR004", "TR005", "TR007"}


def findings_of(data: dict[str, Any], path: Path) -> tuple[list[str], list[Finding]]:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = check(str(path))
    if result.plan is None:
        return [str(p) for p in result.problems], []
    return [], run_rules(analyze(result.plan, result.source))


def flow(value: object) -> str:
    """YAML flow text, written here independently of the rules' own formatting."""
    text = yaml.safe_dump(value, default_flow_style=True, width=10_000, sort_keys=False)
    return text.strip().removesuffix("\n...").strip()


def changed_fields(finding: Finding) -> tuple[set[str], set[str]]:
    """What the edits set (``key: value``) and what they remove (``key``)."""
    sets = {f"{path[-1]}: {flow(value)}" for path, value in finding.edits if value is not DROP}
    drops = {str(path[-1]) for path, value in finding.edits if value is DROP}
    return sets, drops


def check_text(finding: Finding) -> None:
    """The text names every change of the edits, and claims no setting they do not make."""
    sets, drops = changed_fields(finding)
    for setting in sets:
        assert f"`{setting}`" in finding.fix, (setting, finding.fix)
    for key in drops:
        assert re.search(rf"remove [^;]*`{key}`", finding.fix), (key, finding.fix)
    for claimed in re.findall(r"`([a-z_]+: [^`]+)`", finding.fix):
        assert claimed in sets, (claimed, finding.fix)


def errors_by_service(findings: list[Finding]) -> dict[str | None, set[str]]:
    table: dict[str | None, set[str]] = {}
    for f in findings:
        if f.severity == "error":
            table.setdefault(f.service, set()).add(f.rule)
    return table


def roots_of(finding: Finding) -> list[str]:
    """The root causes a TR006 finding names: "fix the root cause, X, ..." or, for several,
    "fix each root cause (...): X so that it survives ..., Y so that ..."."""
    match = re.match(r"fix the root cause, ([a-z0-9-]+),", finding.fix)
    if match:
        return [match.group(1)]
    roots = re.findall(r"(?:: |, )([a-z0-9-]+) so that it survives", finding.fix)
    assert finding.fix.startswith("fix each root cause") and len(roots) > 1, finding.fix
    return roots


def check_applied(
    finding: Finding, before: list[Finding], fixed: dict[str, Any], path: Path
) -> None:
    """Applied, the fix validates, removes its finding and brings no other error."""
    problems, after = findings_of(fixed, path)
    assert not problems, (str(finding), problems)
    same = [f for f in after if (f.rule, f.service) == (finding.rule, finding.service)]
    assert not same, (str(finding), [str(f) for f in same])
    if finding.service is None:
        return
    had = errors_by_service(before)
    for f in after:
        if f.service != finding.service or f.severity != "error":
            continue
        if f.rule in had.get(f.service, set()):
            continue
        # A new cascade is allowed only through a root cause that had its own error before.
        assert f.rule == "TR006", (str(finding), str(f))
        assert all(had.get(root) for root in roots_of(f)), (str(finding), str(f))


def renamed(data: dict[str, Any], names: dict[str, str]) -> Any:
    """``data`` with the zone names in ``names`` replaced, as keys and as values."""
    if isinstance(data, dict):
        return {names.get(k, k): renamed(v, names) for k, v in data.items()}
    if isinstance(data, list):
        return [renamed(v, names) for v in data]
    return names.get(data, data) if isinstance(data, str) else data


def other_names(topology: dict[str, Any], added: list[str]) -> dict[str, str]:
    """Different names for the zones a fix adds, as a user would choose them."""
    if topology.get("provider", "aws") == "aws":
        region = topology["region"]
        free = [f"{region}{c}" for c in "zyxwv" if f"{region}{c}" not in topology["zones"]]
        return dict(zip(added, free, strict=False))
    return {zone: f"site-{i}" for i, zone in enumerate(added, 1)}


def check_fix(topology: dict[str, Any], finding: Finding, before: list[Finding], tmp: Path) -> None:
    """The whole contract of a fix: its text, its edits applied, and under other zone names."""
    check_text(finding)
    fixed = apply_edits(topology, finding.edits)
    check_applied(finding, before, fixed, tmp / "after.yaml")
    added = [z for z in fixed["zones"] if z not in topology["zones"]]
    if added:
        if topology.get("provider", "aws") != "aws":
            assert "stand" in finding.fix and all(z in finding.fix for z in added), finding.fix
        names = other_names(topology, added)
        check_applied(finding, before, renamed(fixed, names), tmp / "renamed.yaml")


@st.composite
def variants(draw: st.DrawFn) -> dict[str, Any]:
    """Generated topologies, with what the shared generator leaves out.

    Single-instance databases, ``failover: none`` over several replicas, a software's
    default failover (ZooKeeper: quorum), ``zones`` written out beside a ``placement`` or
    equal to the topology's, ``nat: single``, and on premises an NGINX entry with a VIP.
    """
    topology = draw(topologies())
    zones = topology["zones"]
    for tier in topology["tiers"].values():
        for service in tier["services"].values():
            kind = service.get("kind", "compute")
            if kind == "database" and draw(st.booleans()):
                service["count"] = 1
            if kind != "compute" or "accept" in service:
                continue
            tweak = draw(st.sampled_from(["", "", "none", "zookeeper", "written", "both"]))
            if tweak == "none" and "placement" not in service:
                service["failover"] = "none"
                service.pop("min_healthy", None)
            elif tweak == "zookeeper" and service["failover"] == "quorum":
                del service["failover"]
                service["software"] = "zookeeper"
            elif tweak == "written" and "zones" not in service:
                service["zones"] = list(zones)
            elif tweak == "both" and "placement" in service:
                service["zones"] = [z for z in zones if z in service["placement"]]
    if topology.get("provider", "aws") == "aws" and draw(st.booleans()):
        topology["network"]["nat"] = "single"
    if topology.get("provider", "aws") == "generic" and draw(st.booleans()):
        first = next(iter(topology["tiers"].values()))["services"]
        entry = next(iter(first.values()))
        # entry.vip needs an active-passive NGINX pair (vip-without-pair otherwise)
        if "placement" not in entry and entry.get("failover") == "active-passive":
            entry["software"] = "nginx"
            topology["entry"] = {"vip": "10.0.255.250"}
    return topology


@pytest.mark.slow
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(topology=variants())
def test_every_suggested_fix_validates_and_removes_its_finding_alone(
    topology: dict[str, Any], tmp_path: Path
) -> None:
    problems, findings = findings_of(topology, tmp_path / "before.yaml")
    assume(not problems)
    for finding in findings:
        if finding.rule in EDITABLE:
            assert finding.edits, str(finding)
        if finding.edits:
            check_fix(topology, finding, findings, tmp_path)


def generic(zones: list[str], service: dict[str, Any]) -> dict[str, Any]:
    return {
        "version": 1,
        "name": "t",
        "provider": "generic",
        "zones": zones,
        "network": {"cidr": "10.0.0.0/16"},
        "tiers": {"t": {"role": "presentation", "services": {"s": service}}},
    }


#: The cases of the review (issue 12, point 5): each finding's fix, word for word.
CASES = [
    (
        "quorum of 2 over two zones",
        generic(["r1", "r2"], {"count": 2, "failover": "quorum"}),
        "TR001",
        "add a zone to the topology: `zones: [r1, r2, zone-3]` (zone-3 stands for your new "
        "zone's name), then run 3 members as 1+1+1 over three zones: set `count: 3`",
    ),
    (
        "quorum of 2 pinned to one of three zones",
        generic(["r1", "r2", "r3"], {"count": 2, "failover": "quorum", "zones": ["r3"]}),
        "TR002",
        "run 3 members as 1+1+1 over three zones: set `count: 3` and remove `zones`",
    ),
    (
        "the same, as an even quorum",
        generic(["r1", "r2", "r3"], {"count": 2, "failover": "quorum", "zones": ["r3"]}),
        "TR004",
        "run 3 members as 1+1+1 over three zones: set `count: 3` and remove `zones`",
    ),
    (
        "quorum of 3 in a one-zone topology",
        generic(["dc-1"], {"count": 3, "failover": "quorum"}),
        "TR002",
        "add two zones to the topology: `zones: [dc-1, zone-2, zone-3]` (zone-2 and zone-3 "
        "stand for your new zones' names), then the 3 members run as 1+1+1 over three zones",
    ),
    (
        "min_healthy 2 of 3 in a one-zone topology",
        generic(["dc-1"], {"count": 3, "failover": "active-active", "min_healthy": 2}),
        "TR002",
        "add a zone to the topology: `zones: [dc-1, zone-2]` (zone-2 stands for your new "
        "zone's name), then run 4 replicas as 2+2 over two zones: set `count: 4`",
    ),
    (
        "a single replica in a one-zone topology",
        generic(["dc-1"], {"count": 1, "failover": "active-active"}),
        "TR001",
        "add a zone to the topology: `zones: [dc-1, zone-2]` (zone-2 stands for your new "
        "zone's name), then run 2 replicas as 1+1 over two zones: set `count: 2`",
    ),
    (
        "min_healthy equal to the count",
        generic(["a", "b"], {"count": 2, "failover": "active-active", "min_healthy": 2}),
        "TR001",
        "run 4 replicas as 2+2 over two zones: set `count: 4`",
    ),
    (
        "failover none over three replicas, already spread",
        generic(["a", "b", "c"], {"count": 3, "failover": "none"}),
        "TR001",
        "set `failover: active-active`: any one replica may then fail",
    ),
    (
        "a lopsided placement",
        generic(
            ["a", "b", "c"],
            {"count": 4, "failover": "active-active", "min_healthy": 2, "placement": {"a": 4}},
        ),
        "TR002",
        "spread the 4 replicas as 2+1+1 over three zones: set `placement: {a: 2, b: 1, c: 1}`",
    ),
]


@pytest.mark.parametrize(
    ("topology", "rule", "fix"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_fix_of_a_reviewed_case(
    topology: dict[str, Any], rule: str, fix: str, tmp_path: Path
) -> None:
    _, findings = findings_of(topology, tmp_path / "before.yaml")
    (finding,) = [f for f in findings if f.rule == rule]
    assert finding.fix == fix
    check_fix(topology, finding, findings, tmp_path)


def test_quorum_of_two_is_not_told_to_lower_min_healthy(tmp_path: Path) -> None:
    data = generic(["a", "b", "c"], {"count": 2, "failover": "quorum"})
    _, findings = findings_of(data, tmp_path / "zk.yaml")
    (tr001,) = [f for f in findings if f.rule == "TR001"]
    assert tr001.message == "a quorum of 2 needs both members: neither may fail"
    assert tr001.fix == "run 3 members as 1+1+1 over three zones: set `count: 3`"


def test_a_placement_outside_pinned_zones_says_to_remove_them(tmp_path: Path) -> None:
    data = {
        "version": 1,
        "name": "t",
        "region": "eu-west-1",
        "zones": ["eu-west-1a", "eu-west-1b"],
        "network": {"cidr": "10.0.0.0/16"},
        "tiers": {
            "t": {
                "role": "presentation",
                "public": True,
                "services": {
                    "web": {
                        "count": 2,
                        "failover": "active-active",
                        "zones": ["eu-west-1a"],
                        "placement": {"eu-west-1a": 2},
                    }
                },
            }
        },
    }
    _, findings = findings_of(data, tmp_path / "web.yaml")
    (tr002,) = [f for f in findings if f.rule == "TR002"]
    assert tr002.fix == (
        "spread the 2 replicas as 1+1 over two zones: "
        "set `placement: {eu-west-1a: 1, eu-west-1b: 1}` and remove `zones`"
    )
    check_fix(data, tr002, findings, tmp_path)


def test_a_one_zone_topology_with_one_nat_is_told_both(tmp_path: Path) -> None:
    data = {
        "version": 1,
        "name": "t",
        "region": "eu-west-1",
        "zones": ["eu-west-1a"],
        "network": {"cidr": "10.0.0.0/16", "nat": "single"},
        "tiers": {"t": {"role": "presentation", "services": {"s": {"count": 1}}}},
    }
    _, findings = findings_of(data, tmp_path / "t.yaml")
    (tr007,) = [f for f in findings if f.rule == "TR007"]
    assert tr007.fix == (
        "add a zone to the topology: `zones: [eu-west-1a, eu-west-1b]` and set `nat: per-zone`; "
        "the services' own findings say how to spread them"
    )
    check_fix(data, tr007, findings, tmp_path)


@pytest.mark.parametrize("zones", [2, 3, 4])
@pytest.mark.parametrize("count", range(1, 10))
def test_a_quorum_survives_a_zone_only_when_odd_over_three_zones_or_more(
    count: int, zones: int
) -> None:
    expected = zones >= 3 and count >= 3 and count % 2 == 1
    assert survives("quorum", count, 1, zones) is expected


def test_active_active_over_two_zones_needs_twice_min_healthy() -> None:
    for min_healthy in range(1, 6):
        smallest = next(n for n in range(2, 20) if survives("active-active", n, min_healthy, 2))
        assert smallest == 2 * min_healthy


def test_a_text_that_omits_a_change_is_caught() -> None:
    finding = Finding(
        rule="TR001",
        severity=Severity.ERROR,
        service="s",
        zones=(),
        location=Location("t.yaml"),
        message="",
        fix="run 3 members: set `placement: {r1: 2, r2: 1}`",
        edits=(
            (("tiers", "t", "services", "s", "count"), 3),
            (("tiers", "t", "services", "s", "placement"), {"r1": 2, "r2": 1}),
        ),
    )
    with pytest.raises(AssertionError):
        check_text(finding)
