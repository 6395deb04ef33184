"""cfn-lint (the pinned release, through its Python API) finds nothing in any rendered template:
no error, no warning and no informational finding, for every example, the nested stacks of a
large topology, and generated topologies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from cfnlint.api import ManualArgs, lint
from hypothesis import HealthCheck, given, settings

from tests.test_cloudformation_helpers import (
    RENDERABLE,
    aws_topologies,
    expected_refusal,
    large_topology,
    plan_of,
    render,
)
from tiered.pipeline import plan_file
from tiered.placement.plan import Plan


def findings(plan: Plan) -> list[str]:
    """Every cfn-lint match (E, W and I rules) in every file rendered from ``plan``."""
    assert plan.region is not None
    config = ManualArgs(include_checks=["I"], regions=[plan.region])
    found = []
    for name, text in render(plan).items():
        for match in lint(text, config=config):
            found.append(f"{name}:{match.linenumber}: {match.rule.id} {match.message}")
    return found


@pytest.mark.slow
@pytest.mark.parametrize("path", RENDERABLE, ids=lambda p: Path(p).stem)
def test_examples_are_lint_clean(path: Path) -> None:
    assert findings(plan_file(str(path))) == []


@pytest.mark.slow
def test_nested_stacks_are_lint_clean() -> None:
    plan = plan_of(large_topology())
    assert len(render(plan)) > 1
    assert findings(plan) == []


def test_lint_catches_what_it_should() -> None:
    """The check is live: a broken template does produce findings."""
    text = render(plan_file("topology.yaml"))["cloudformation/toro-integrate-ha.yaml"]
    template = yaml.safe_load(text)
    template["Resources"]["DatabaseDb"]["Properties"]["EngineVersion"] = "9.6.2"
    del template["Resources"]["DatabaseDb"]["Metadata"]["cfn-lint"]
    broken = json.dumps(template)
    ids = {m.rule.id for m in lint(broken, config=ManualArgs(regions=["us-east-1"]))}
    assert ids & {"E3691", "W3691"}


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(aws_topologies())
def test_generated_topologies_are_lint_clean(data: dict[str, Any]) -> None:
    plan = plan_of(data)
    if expected_refusal(plan) is None:
        assert findings(plan) == []


def test_postgres_is_pinned_by_major_version_and_still_validated() -> None:
    """PostgreSQL is rendered as a bare major version (RDS picks its current minor release),
    so a deprecated minor release can never turn the render red. Only cfn-lint's deprecation
    warning, whose data lists bare majors as deprecated, is set aside on that resource: an
    unknown version is still an error."""
    text = render(plan_file("topology.yaml"))["cloudformation/toro-integrate-ha.yaml"]
    template = yaml.safe_load(text)
    database = template["Resources"]["DatabaseDb"]
    assert database["Properties"]["EngineVersion"] == "17"
    assert database["Metadata"]["cfn-lint"] == {"config": {"ignore_checks": ["W3691"]}}
    config = ManualArgs(regions=["us-east-1"])
    assert [m.rule.id for m in lint(text, config=config)] == []
    unsuppressed = json.loads(json.dumps(template))
    del unsuppressed["Resources"]["DatabaseDb"]["Metadata"]["cfn-lint"]
    assert {m.rule.id for m in lint(json.dumps(unsuppressed), config=config)} == {"W3691"}
    database["Properties"]["EngineVersion"] = "99"
    assert {m.rule.id for m in lint(json.dumps(template), config=config)} == {"E3691"}
