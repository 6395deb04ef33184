"""Independent cross-check: SCRAM solves tiered's Open-PSA export of every topology.

SCRAM must find the same minimal cut sets as tiered and the same top-event probability
(the system's unavailability) to 1e-6.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tiered.analysis import analyze
from tiered.pipeline import check
from tiered.renderers.report.mef import basic_events, mef

from .conftest import ROOT, run_tiered
from .scram_check import solve

pytestmark = pytest.mark.skipif(shutil.which("scram") is None, reason="scram is not installed")


def test_scram_agrees_on_cut_sets_and_probability(topology_path: Path, tmp_path: Path) -> None:
    result = check(str(topology_path))
    assert result.plan is not None
    analysis = analyze(result.plan, result.source)
    closure = [s for s in result.plan.services if s in analysis.calls.closure]
    names = {eid: name for eid, (name, _) in basic_events(result.plan, closure).items()}
    products, probability = solve(mef(analysis), tmp_path)
    theirs = {frozenset(names[event] for event in product) for product in products}
    ours = set(analysis.cut_sets())
    assert theirs == ours
    assert len(ours) >= 1
    unavailability = analysis.availability.unavailability
    assert unavailability is not None
    assert abs(probability - unavailability) < 1e-6
    assert min(len(c) for c in ours) == analysis.fault_tolerance.order


def test_report_mef_from_the_command_line_solves(tmp_path: Path) -> None:
    out = tmp_path / "tree.xml"
    done = run_tiered("report", "topology.yaml", "--format", "mef", "--output", str(out))
    assert done.returncode == 0, done.stderr
    products, probability = solve(out.read_text(encoding="utf-8"), tmp_path)
    assert frozenset({"zone_us_east_1b"}) in products
    assert 0.001 < probability < 0.002
    assert run_tiered("report", "--format", "mef", cwd=ROOT).stdout == out.read_text()
