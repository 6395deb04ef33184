"""The analysis commands as a user runs them: validate, report, whatif, rules, explain."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from .conftest import run_tiered

SARIF_SCHEMA = json.loads(
    (Path(__file__).parent / "schemas" / "sarif-2.1.0-rtm.5.json").read_text(encoding="utf-8")
)


def test_validate_reference_fails_with_errors_grouped_and_located() -> None:
    done = run_tiered("validate", "topology.yaml")
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("topology.yaml: valid")
    assert lines[1] == "errors (4):"
    assert re.search(
        r"^  topology\.yaml:\d+:7: TR003 zookeeper: losing us-east-1b", done.stdout, re.M
    )
    assert lines[-1] == "4 errors, 2 warnings, 0 accepted"  # TR011: db and files
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["topology.yaml", "--fail-on", "never"], 0),
        (["topology.yaml", "--fail-on", "warning"], 1),
        (["examples/reference-three-zones.yaml"], 0),
        (["examples/reference-three-zones.yaml", "--fail-on", "warning"], 1),  # TR011
        (["examples/placement-and-accept.yaml", "--fail-on", "warning"], 1),  # TR012 ×2
        (["examples/single-zone-webapp.yaml"], 1),
    ],
)
def test_validate_exit_codes(args: list[str], code: int) -> None:
    done = run_tiered("validate", *args)
    assert done.returncode == code, done.stdout + done.stderr


def test_validate_fail_on_warning_counts_warnings(tmp_path: Path) -> None:
    path = tmp_path / "even.yaml"
    path.write_text(
        "version: 1\nname: t\nprovider: generic\nzones: [a, b, c, d]\n"
        "network: {cidr: 10.0.0.0/16}\ntiers:\n  web:\n    role: presentation\n"
        "    services:\n      lb: {software: nginx, count: 2, failover: active-active}\n"
        "      zk: {software: zookeeper, count: 4}\n"
    )
    clean = run_tiered("validate", str(path))
    assert clean.returncode == 0, clean.stdout
    warned = run_tiered("validate", str(path), "--fail-on", "warning")
    assert warned.returncode == 1
    assert "warnings (1):" in warned.stdout and "TR004 zk" in warned.stdout


def test_validate_json_keeps_its_keys_and_adds_findings() -> None:
    done = run_tiered("validate", "topology.yaml", "--format", "json", "--fail-on", "never")
    payload = json.loads(done.stdout)
    assert {"file", "valid", "problems", "findings"} <= set(payload)
    assert payload["valid"] is True and payload["problems"] == []
    rules = sorted({(f["rule"], f["service"]) for f in payload["findings"]})
    assert ("TR003", "zookeeper") in rules and ("TR006", "solr") in rules


def test_validate_invalid_file_exits_2_without_findings(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nname: Bad Name\n")
    for fmt in ("text", "json", "sarif"):
        done = run_tiered("validate", str(bad), "--format", fmt)
        assert done.returncode == 2
        assert "Traceback" not in done.stderr


@pytest.mark.parametrize("path", ["topology.yaml", "examples/placement-and-accept.yaml"])
def test_validate_sarif_is_valid_sarif_2_1_0(path: str) -> None:
    done = run_tiered("validate", path, "--format", "sarif")
    log = json.loads(done.stdout)
    jsonschema.validate(log, SARIF_SCHEMA)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [f"TR{n:03d}" for n in range(1, 13)]
    assert all("Anti-pattern" in r["help"]["text"] for r in rules)
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == path
    if "accept" in path:
        (suppressed,) = [r for r in run["results"] if "suppressions" in r]
        assert suppressed["ruleId"] == "TR001"
        assert suppressed["suppressions"][0]["justification"]


def test_report_sarif_is_valid_too() -> None:
    done = run_tiered("report", "examples/single-zone-webapp.yaml", "--format", "sarif")
    jsonschema.validate(json.loads(done.stdout), SARIF_SCHEMA)


def test_report_markdown_has_every_section(tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    done = run_tiered("report", "--format", "markdown", "--output", str(out), "--depth", "2")
    assert done.returncode == 0, done.stderr
    text = out.read_text()
    for heading in (
        "## Verdict",
        "## Services",
        "## Single failures",
        "## Double failures",
        "## Findings",
        "## Fault tolerance",
        "## Availability",
    ):
        assert heading in text
    assert "The system goes down when us-east-1b fails (root cause: zookeeper)" in text
    assert "| zone us-east-1b | **DOWN** |" in text
    assert "**1**" in text  # fault tolerance
    assert "expected downtime" in text


def test_report_html_is_self_contained_and_draws_its_own_diagram(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    done = run_tiered("report", "--format", "html", "--output", str(out))
    assert done.returncode == 0, done.stderr
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta name="viewport"' in page and "<style>" in page
    assert "<h2>Architecture</h2>" in page and "<svg" in page and "<?xml" not in page
    assert "zookeeper_3" in page and "TR003" in page  # the plan (node ids), findings marked
    assert not re.search(r"""(src|href)=["']https?:""", page)
    assert "<script" not in page
    assert "zookeeper" in page and "DOWN" in page


def test_report_html_embeds_a_given_svg(tmp_path: Path) -> None:
    svg = (
        '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><title>arch-x</title></svg>'
    )
    (tmp_path / "given.svg").write_text(svg)
    done = run_tiered("report", "--format", "html", "--diagram", str(tmp_path / "given.svg"))
    assert done.returncode == 0, done.stderr
    assert "<title>arch-x</title>" in done.stdout and "<?xml" not in done.stdout


def test_report_html_says_why_without_graphviz(tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    done = run_tiered("report", "--format", "html", env={"PATH": str(empty)})
    assert done.returncode == 0, done.stderr
    assert "<svg" not in done.stdout
    assert re.search(r'<p class="meta">Not drawn: [^<]*graphviz', done.stdout), done.stdout[:3000]
    # The hint works for report (which has no --format dot or mermaid).
    note = re.search(r'<p class="meta">(Not drawn: [^<]*)', done.stdout)
    assert note and "--diagram FILE.svg" in note[1] and "--format dot" not in note[1], note


def test_report_json_and_text() -> None:
    data = json.loads(run_tiered("report", "--format", "json").stdout)
    assert data["fault_tolerance"]["order"] == 1
    assert data["fault_tolerance"]["example"] == ["us-east-1b"]
    assert data["scenarios"][0]["system_down"] is True
    assert data["scenarios"][0]["root_causes"] == ["zookeeper"]
    assert 0.99 < data["availability"]["availability"] < 1
    text = run_tiered("report").stdout
    assert "Redundancy review: toro-integrate-ha" in text and "Single failures" in text


def test_report_is_deterministic_across_hash_seeds() -> None:
    outputs = {
        fmt: {
            run_tiered(
                "report",
                "examples/marketplace-large.yaml",
                "--format",
                fmt,
                "--depth",
                "2",
                env={"PYTHONHASHSEED": seed},
            ).stdout
            for seed in ("0", "1", "4242")
        }
        for fmt in ("json", "markdown", "mef")
    }
    for fmt, seen in outputs.items():
        assert len(seen) == 1, fmt


def test_report_output_into_missing_folder_is_created(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "report.json"
    done = run_tiered("report", "--format", "json", "--output", str(out))
    assert done.returncode == 0 and out.is_file()
    assert not list(out.parent.glob(".report.json.*"))  # no temporary file left


def test_whatif_text_and_json() -> None:
    done = run_tiered("whatif", "--fail", "us-east-1b")
    assert done.returncode == 0
    assert "zookeeper: down — 2 of 3 replicas lost" in done.stdout
    assert "system: DOWN; root cause: zookeeper" in done.stdout
    data = json.loads(run_tiered("whatif", "--fail", "us-east-1c", "--format", "json").stdout)
    assert data == {
        "failed": ["us-east-1c"],
        "label": "us-east-1c",
        "system_down": False,
        "down": {},
    }


def test_whatif_unknown_domain_exits_2_with_did_you_mean() -> None:
    done = run_tiered("whatif", "--fail", "us-east-1x")
    assert done.returncode == 2
    assert (
        "did you mean 'us-east-1b'?" in done.stderr or "did you mean 'us-east-1c'?" in done.stderr
    )
    assert "Traceback" not in done.stderr
    assert run_tiered("whatif").returncode == 2


def test_rules_and_explain() -> None:
    listed = run_tiered("rules").stdout.splitlines()
    assert [line.split()[0] for line in listed] == [f"TR{n:03d}" for n in range(1, 13)]
    assert "error" in listed[2] and "quorum" in listed[2]
    explained = run_tiered("explain", "tr003")
    assert explained.returncode == 0
    lines = explained.stdout.splitlines()
    assert lines[0] == (
        "TR003 quorum-lost-with-zone (error): "
        "a quorum ensemble loses its majority when one zone fails."
    )
    assert explained.stdout.count("TR003") == 1  # the heading once
    assert "Anti-pattern:" in lines and any(line.startswith("Best practice: ") for line in lines)
    assert "*" not in explained.stdout and "``" not in explained.stdout  # markup rendered
    unknown = run_tiered("explain", "TR030")
    assert unknown.returncode == 2 and "did you mean" in unknown.stderr


@pytest.mark.parametrize("word", ["quorum-lost-with-zone", "Quorum-Lost-With-Zone", "tr003"])
def test_explain_takes_a_rule_by_the_name_tiered_rules_shows_or_by_its_id(word: str) -> None:
    explained = run_tiered("explain", word)
    assert explained.returncode == 0, explained.stderr
    assert explained.stdout.splitlines()[0].startswith("TR003 quorum-lost-with-zone (error): ")


@pytest.mark.parametrize(
    ("word", "meant"),
    [
        ("quorum-lost", "quorum-lost-with-zone"),
        ("single-zone-servce", "single-zone-service"),
        ("TR030", "TR010"),
        ("duplicate-keys", "duplicate-key"),
    ],
)
def test_explain_suggests_the_closest_rule_name_id_or_problem_code(word: str, meant: str) -> None:
    done = run_tiered("explain", word)
    assert done.returncode == 2
    assert f"unknown rule or problem '{word}'" in done.stderr
    assert f"did you mean '{meant}'?" in done.stderr


def test_every_name_tiered_rules_shows_is_explained() -> None:
    for line in run_tiered("rules", "--width", "200").stdout.splitlines():
        rule_id, _, name = line.split()[:3]
        explained = run_tiered("explain", name)
        assert explained.stdout.startswith(f"{rule_id} {name} ("), name


def test_rules_json_lists_each_rule_as_tiered_rules_shows_it() -> None:
    done = run_tiered("rules", "--format", "json")
    assert done.returncode == 0, done.stderr
    listed = json.loads(done.stdout)
    text = run_tiered("rules", "--width", "200").stdout.splitlines()
    assert len(listed) == len(text) == 12
    assert listed[2] == {
        "id": "TR003",
        "name": "quorum-lost-with-zone",
        "severity": "error",
        "summary": "a quorum ensemble loses its majority when one zone fails.",
    }
    for record, line in zip(listed, text, strict=True):
        assert line.split(None, 3) == [
            record["id"],
            record["severity"],
            record["name"],
            record["summary"],
        ]
    wrong = run_tiered("rules", "--format", "jsn")
    assert wrong.returncode == 2 and "did you mean 'json'?" in wrong.stderr


def test_accept_of_an_unknown_rule_is_a_located_validation_error(tmp_path: Path) -> None:
    path = tmp_path / "accept.yaml"
    path.write_text(
        "version: 1\nname: t\nprovider: generic\nzones: [a, b]\n"
        "network: {cidr: 10.0.0.0/16}\ntiers:\n  web:\n    role: presentation\n"
        "    services:\n      lb:\n        count: 1\n"
        "        accept: [{rule: TR010, reason: ok}, {rule: TR099, reason: fine}]\n"
    )
    done = run_tiered("validate", str(path))
    assert done.returncode == 2
    assert f"{path}:12:" in done.stderr and "unknown rule 'TR099'" in done.stderr
    assert "Traceback" not in done.stderr
