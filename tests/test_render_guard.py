"""`tiered render` never renders a known single point of failure silently."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.conftest import run_tiered


def test_error_findings_are_said_on_stderr_and_recorded_in_the_template(tmp_path: Path) -> None:
    result = run_tiered("render", "cloudformation", "topology.yaml", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    located = [line for line in lines if line.startswith("topology.yaml:")]
    assert [line.split()[1:3] for line in located] == [
        ["TR006", "error:"],
        ["TR006", "error:"],
        ["TR003", "error:"],
        ["TR006", "error:"],
    ]
    assert lines[-1].startswith("tiered: warning: topology.yaml has 4 unaccepted error findings")
    assert "--fail-on error" in lines[-1]
    template = yaml.safe_load((tmp_path / "cloudformation" / "toro-integrate-ha.yaml").read_text())
    recorded = template["Metadata"]["tiered"]["findings"]
    assert [(f["rule"], f["service"], f["location"]) for f in recorded] == [
        ("TR006", "nginx", "topology.yaml:31:7"),
        ("TR006", "integrate", "topology.yaml:44:7"),
        ("TR003", "zookeeper", "topology.yaml:52:7"),
        ("TR006", "solr", "topology.yaml:58:7"),
    ]
    assert recorded[2]["message"].startswith("losing us-east-1b (holding 2 of 3) loses the quorum")


def test_fail_on_error_refuses_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_tiered("render", "all", "topology.yaml", "--out", str(out), "--fail-on", "error")
    assert result.returncode == 1
    assert "TR003 error" in result.stderr
    assert "4 unaccepted findings at or above --fail-on error; nothing was written" in (
        result.stderr
    )
    assert result.stdout == ""
    assert not out.exists()


def test_fail_on_warning_also_refuses_warnings(tmp_path: Path) -> None:
    example = "examples/single-zone-webapp.yaml"
    result = run_tiered("render", "nginx", example, "--out", str(tmp_path), "--fail-on", "warning")
    assert result.returncode == 1
    checked = run_tiered("validate", example, "--format", "json")
    unaccepted = [f for f in json.loads(checked.stdout)["findings"] if not f["accepted"]]
    assert len(unaccepted) == 9  # errors and warnings alike
    assert f"{len(unaccepted)} unaccepted findings at or above --fail-on warning" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_clean_or_accepted_topology_renders_quietly(tmp_path: Path) -> None:
    for example, name in (
        ("examples/reference-three-zones.yaml", "toro-integrate-ha-3az"),
        ("examples/placement-and-accept.yaml", "ingest-pipeline"),
    ):
        result = run_tiered(
            "render", "cloudformation", example, "--out", str(tmp_path), "--fail-on", "error"
        )
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
        text = (tmp_path / "cloudformation" / f"{name}.yaml").read_text()
        assert "findings" not in yaml.safe_load(text)["Metadata"]["tiered"]
