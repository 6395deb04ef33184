"""Alternative single failures read as alternatives: "a or b", each with its own root cause.

A service that depends on two services pinned to different zones goes down when either
zone fails, through a different root cause each: the TR006 finding, its fix and the
report's verdict name both zones with "or" and each root cause with its zone.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_tiered
from tiered.analysis import analyze
from tiered.pipeline import check
from tiered.rules.runner import run_rules
from tiered.rules.wording import each, either

TWO_ROOTS = """\
version: 1
name: t6
provider: generic
zones: [a, b]
network: {cidr: 10.9.0.0/16}
tiers:
  app:
    role: application
    services:
      api:
        count: 2
        depends_on: [x, y]
      x:
        count: 2
        zones: [a]
      y:
        count: 2
        zones: [b]
"""


@pytest.mark.parametrize(
    ("items", "limit", "alternatives", "together"),
    [
        ([], 0, "", ""),
        (["a"], 0, "a", "a"),
        (["a", "b"], 0, "a or b", "a and b"),
        (["a", "b", "c"], 0, "a, b or c", "a, b and c"),
        (["a", "b", "c", "d", "e"], 3, "a, b, c or any of 2 more", "a, b, c and 2 more"),
        (["a", "b", "c"], 3, "a, b or c", "a, b and c"),
    ],
)
def test_lists_in_words(items: list[str], limit: int, alternatives: str, together: str) -> None:
    assert either(items, limit) == alternatives
    assert each(items, limit) == together


def test_tr006_names_each_zone_with_its_own_root_cause(tmp_path: Path) -> None:
    source = tmp_path / "t6.yaml"
    source.write_text(TWO_ROOTS, encoding="utf-8")
    result = check(str(source))
    assert result.plan is not None
    (finding,) = [f for f in run_rules(analyze(result.plan, result.source)) if f.rule == "TR006"]
    assert finding.service == "api" and finding.zones == ("a", "b")
    assert finding.message == (
        "goes down when a or b fails: it depends on x (the root cause), which goes down when "
        "a fails, and on y (the root cause), which goes down when b fails"
    )
    assert finding.fix == (
        "fix each root cause (see their own findings): x so that it survives a, y so that it "
        "survives b; if api can degrade gracefully without x or y, drop that one from depends_on"
    )


def test_tr006_one_root_cause_of_two_failures(tmp_path: Path) -> None:
    text = TWO_ROOTS.replace("depends_on: [x, y]", "depends_on: [x]").replace(
        "      x:\n        count: 2\n        zones: [a]\n", "      x:\n        count: 1\n"
    )
    source = tmp_path / "one.yaml"
    source.write_text(text, encoding="utf-8")
    result = check(str(source))
    assert result.plan is not None
    (finding,) = [f for f in run_rules(analyze(result.plan, result.source)) if f.rule == "TR006"]
    assert finding.message == (
        "goes down when a or an instance of x in a fails: it depends on x (the root cause), "
        "which goes down"
    )
    assert finding.fix == (
        "fix the root cause, x, so that it survives each of a and an instance of x in a (see "
        "its own finding); if api can degrade gracefully without x, drop it from depends_on"
    )


def test_report_verdict_says_or_and_gives_each_zone_its_root_cause(tmp_path: Path) -> None:
    source = tmp_path / "t6.yaml"
    source.write_text(TWO_ROOTS, encoding="utf-8")
    for fmt, bullet in (("text", "  • "), ("markdown", "- ")):
        result = run_tiered("report", str(source), "--format", fmt, cwd=tmp_path)
        assert result.returncode in (0, 1), result.stderr
        assert (
            f"{bullet}The system goes down when a or b fails (root cause: x for a, y for b)."
            in result.stdout.splitlines()
        ), result.stdout
