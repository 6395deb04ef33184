"""Suggested fixes are applicable as written (hypothesis property over generated topologies).

Every finding whose fix is an edit of the file carries it as ``edits``; applied to the file,
they must validate and remove the finding. The rules whose fixes are edits must carry them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, assume, given, settings

from tests.test_verdict_invariant import topologies
from tiered.analysis import analyze
from tiered.pipeline import check
from tiered.rules.edits import apply_edits
from tiered.rules.runner import run_rules

#: Rules whose fix is always an edit of the file (the others: fix a root cause, accept, ...).
EDITABLE = {"TR001", "TR002", "TR003", "TR004", "TR005", "TR007"}


def findings_of(data: dict[str, Any], path: Path) -> tuple[list[str], list[Any]]:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = check(str(path))
    if result.plan is None:
        return [str(p) for p in result.problems], []
    return [], run_rules(analyze(result.plan, result.source))


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(topology=topologies())
def test_every_suggested_fix_validates_and_removes_its_finding(
    topology: dict[str, Any], tmp_path: Path
) -> None:
    problems, findings = findings_of(topology, tmp_path / "before.yaml")
    assume(not problems)
    for finding in findings:
        if finding.rule in EDITABLE:
            assert finding.edits, str(finding)
        if not finding.edits:
            continue
        fixed = apply_edits(topology, finding.edits)
        problems, after = findings_of(fixed, tmp_path / "after.yaml")
        assert not problems, (str(finding), problems)
        same = [f for f in after if (f.rule, f.service) == (finding.rule, finding.service)]
        assert not same, (str(finding), [str(f) for f in same])


def test_quorum_of_two_is_told_to_run_three(tmp_path: Path) -> None:
    data = {
        "version": 1,
        "name": "t",
        "provider": "generic",
        "zones": ["a", "b"],
        "network": {"cidr": "10.0.0.0/16"},
        "tiers": {
            "t": {"role": "presentation", "services": {"zk": {"count": 2, "failover": "quorum"}}}
        },
    }
    _, findings = findings_of(data, tmp_path / "zk.yaml")
    (tr001,) = [f for f in findings if f.rule == "TR001"]
    assert tr001.message == "a quorum of 2 needs both members: neither may fail"
    assert tr001.fix == "run 3 members: placement {a: 2, b: 1}"
    assert "min_healthy" not in tr001.fix


def test_fixes_that_need_a_zone_say_so(tmp_path: Path) -> None:
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
                "services": {"zk": {"count": 3, "failover": "quorum", "zones": ["eu-west-1a"]}},
            }
        },
    }
    _, findings = findings_of(data, tmp_path / "zk.yaml")
    (tr002,) = [f for f in findings if f.rule == "TR002"]
    assert tr002.fix == (
        "spread the replicas: placement {eu-west-1a: 2, eu-west-1b: 1}; drop the service's `zones`"
    )
    fixed = apply_edits(data, tr002.edits)
    _, after = findings_of(fixed, tmp_path / "fixed.yaml")
    (tr003,) = [f for f in after if f.rule == "TR003"]
    assert tr003.fix.startswith(
        "add a zone to the topology (`zones: [eu-west-1a, eu-west-1b, eu-west-1c]`), then "
        "place 1+1+1 over three zones"
    ), tr003.fix
