"""EC2 instance types are checked against the real list, per region, on provider aws only."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tiered.pipeline import check
from tiered.validation.instance_types import offer

from .conftest import ROOT

TOPOLOGY = (ROOT / "topology.yaml").read_text(encoding="utf-8")


def _problems(tmp_path: Path, instance_type: str, text: str = TOPOLOGY) -> list[tuple[str, str]]:
    path = tmp_path / "t.yaml"
    path.write_text(text.replace("instance_type: t2.micro", f"instance_type: {instance_type}"))
    return [(p.code, f"{p.message} — {p.hint}") for p in check(str(path)).problems]


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        ("t3.smal", "did you mean 't3.small'?"),
        ("m5.huge", "its sizes are large, xlarge, 2xlarge"),
        ("t3a.mciro", "did you mean 't3a.micro'?"),
    ],
)
def test_a_type_that_does_not_exist_is_refused_with_a_hint(
    tmp_path: Path, wrong: str, hint: str
) -> None:
    found = _problems(tmp_path, wrong)
    assert found, "the topology validated"
    assert {code for code, _ in found} == {"bad-instance-type"}
    assert all(f"'{wrong}' is not an EC2 instance type" in text for _, text in found)
    assert hint in found[0][1]


def test_a_type_the_region_does_not_offer_is_refused_naming_sizes_it_does(
    tmp_path: Path,
) -> None:
    table = offer()
    assert table.offered_in("c6gn.metal", "us-east-1") is False
    found = _problems(tmp_path, "c6gn.metal")
    assert {code for code, _ in found} == {"instance-type-not-in-region"}
    assert "us-east-1 does not offer the EC2 instance type 'c6gn.metal'" in found[0][1]
    assert "c6gn.large" in found[0][1]


def test_every_type_the_project_writes_exists_in_its_region(tmp_path: Path) -> None:
    for path in [ROOT / "topology.yaml", *sorted((ROOT / "examples").glob("*.yaml"))]:
        codes = {p.code for p in check(str(path)).problems}
        assert not codes & {"bad-instance-type", "instance-type-not-in-region"}, path


def test_on_premises_any_size_name_is_fine(tmp_path: Path) -> None:
    text = (ROOT / "examples" / "onprem-generic.yaml").read_text(encoding="utf-8")
    path = tmp_path / "onprem.yaml"
    marked = text.replace("software: etcd", "software: etcd\n        instance_type: m5.huge", 1)
    assert marked != text
    path.write_text(marked, encoding="utf-8")
    assert check(str(path)).problems == []


def test_the_shipped_table_is_cfn_lints() -> None:
    spec = importlib.util.spec_from_file_location(
        "ec2_instance_types", ROOT / "scripts" / "ec2-instance-types.py"
    )
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    shipped = (ROOT / "tiered" / "validation" / "ec2_instance_types.txt").read_text()
    assert shipped == script.table(script.offered()), "run scripts/ec2-instance-types.py"
    assert len(offer().masks) > 1000
