"""Rule fixtures (sqlfluff style): tests/rules/TR0xx.yaml hold passing and failing topologies.

A ``fail_str`` case must produce exactly the listed findings of its rule (service, line
of the finding, accepted or not); a ``pass_str`` case none of that rule.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tiered.analysis import analyze
from tiered.pipeline import check
from tiered.rules.catalogue import RULES
from tiered.rules.runner import run_rules

FIXTURES = Path(__file__).parent / "rules"


def _cases() -> list[Any]:
    cases = []
    for path in sorted(FIXTURES.glob("TR*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        rule = spec.pop("rule")
        assert rule == path.stem, f"{path.name} declares rule {rule}"
        for name, case in spec.items():
            cases.append(pytest.param(rule, name, case, id=f"{rule}-{name}"))
    return cases


def test_every_rule_has_a_fixture_with_a_passing_and_a_failing_case() -> None:
    for rule in RULES:
        spec = yaml.safe_load((FIXTURES / f"{rule.id}.yaml").read_text(encoding="utf-8"))
        kinds = {key for case in spec.values() if isinstance(case, dict) for key in case}
        assert {"pass_str", "fail_str"} <= kinds, rule.id


@pytest.mark.parametrize(("rule", "name", "case"), _cases())
def test_rule_fixture(rule: str, name: str, case: dict[str, Any], tmp_path: Path) -> None:
    text = case.get("fail_str", case.get("pass_str"))
    source = tmp_path / f"{name}.yaml"
    source.write_text(text, encoding="utf-8")
    result = check(str(source))
    assert result.plan is not None, [str(p) for p in result.problems]
    found = [f for f in run_rules(analyze(result.plan, result.source)) if f.rule == rule]
    got = sorted((f.service or "", f.location.line, f.accepted) for f in found)
    expected = sorted(
        (e["service"] or "", e["line"], bool(e.get("accepted", False)))
        for e in case.get("expected", [])
    )
    assert got == expected, [str(f) for f in found]
    for finding in found:
        assert finding.location.file == str(source)
        assert finding.message and finding.fix
        assert finding.severity == next(r.severity for r in RULES if r.id == rule)
