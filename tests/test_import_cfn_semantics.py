"""Import semantics of issue 22: what a template means, not what it looks like.

Dependencies from every place a security group is attached (management access is not
one), managed services judged as managed, nested stacks located in their own files and
found by their URL's path, every valid template read (Rules tags; a pre-processor's tags
refused with the tool named; SARIF on exit 2), generated (CDK) instances grouped by
evidence, tiered's own tags checked, every cycle reported, and a byte-identical round
trip. Fixtures: ``tests/fixtures/cfn-semantics``, ``tests/fixtures/cdk`` and the
third-party samples in ``tests/fixtures/cfn-samples``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tiered.importers.cloudformation.assemble import Imported, import_template
from tiered.importers.cloudformation.options import ImportOptions
from tiered.importers.cloudformation.writer import write_topology
from tiered.pipeline import run

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SEMANTICS = FIXTURES / "cfn-semantics"
SAMPLES = FIXTURES / "cfn-samples"
NESTED = SEMANTICS / "nested"


def tiered(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tiered", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


def imported(path: Path, **options: Any) -> Imported:
    result = import_template(str(path), ImportOptions(**options))
    assert not result.report.problems, [str(p) for p in result.report.problems]
    assert result.data is not None
    return result


def services(result: Imported) -> dict[str, dict[str, Any]]:
    assert result.data is not None
    return {
        name: fields
        for tier in result.data["tiers"].values()
        for name, fields in tier["services"].items()
    }


def findings(path: Path, *root_options: str) -> tuple[int, dict[str, Any]]:
    done = tiered(*root_options, "validate", str(path), "--format", "json")
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, json.loads(done.stdout) if done.stdout else {}


def rules_of(payload: dict[str, Any]) -> set[tuple[str, str | None]]:
    return {(f["rule"], f["service"]) for f in payload.get("findings", [])}


# -- 3. dependencies -----------------------------------------------------------------


def test_dependencies_from_every_attachment_and_no_management_access() -> None:
    result = imported(SEMANTICS / "dependencies.yaml")
    found = services(result)
    # the web group sits on the launch template's network interface, and a classic
    # DBSecurityGroup admits it: the web servers depend on the database
    assert found["web-servers"]["depends_on"] == ["database"]
    # the classic load balancer's SourceSecurityGroup is admitted by the web group, and
    # the Auto Scaling group names the balancer: a route, not a guess
    assert found["balancer"]["routes"] == [{"path": "/", "to": "web-servers"}]
    # SSH from the bastion and RDP from the admin host are management access
    assert "depends_on" not in found["bastion"] and "depends_on" not in found["admin"]
    notes = [n.message for n in result.report.notes]
    assert any("bastion may reach web-servers on SSH (port 22)" in n for n in notes)
    assert any("admin may reach web-servers on RDP (port 3389)" in n for n in notes)


def test_a_classic_balancers_source_security_group_is_a_dependency(tmp_path: Path) -> None:
    text = (SEMANTICS / "dependencies.yaml").read_text()
    template = tmp_path / "no-names.yaml"
    template.write_text(text.replace("      LoadBalancerNames: [!Ref Balancer]\n", ""))
    found = services(imported(template))
    # no route names the group now: the SourceSecurityGroup rule alone links them
    assert "routes" not in found["balancer"]
    assert found["balancer"]["depends_on"] == ["web-servers"]
    assert found["web-servers"]["port"] == 80


def test_a_database_going_down_takes_the_widdix_stack_down() -> None:
    code, payload = findings(SAMPLES / "widdix-wordpress-ha.yaml")
    assert code in (0, 1) and payload["valid"]
    # the web servers' launch configuration carries the group the database admits
    assert ("TR011", "database") in rules_of(payload)


# -- 4. managed services -------------------------------------------------------------


def test_elasticache_sample_is_managed_failover_over_two_zones() -> None:
    """Expert verdict: survives a zone loss (managed failover), no DNS failover to add,
    one regional failure domain."""
    code, payload = findings(SAMPLES / "elasticache-snapshot.json")
    assert code == 0 and payload["valid"]
    rules = rules_of(payload)
    assert ("TR011", "redis-replication-group") in rules
    assert not any(rule in ("TR001", "TR002", "TR008") for rule, _ in rules)
    cache = services(imported(SAMPLES / "elasticache-snapshot.json"))["redis-replication-group"]
    assert (cache["kind"], cache["count"], cache["failover"]) == ("database", 2, "primary-standby")
    assert cache["port"] == 6379


def test_single_node_cache_cluster_is_judged_and_a_balancer_is_managed() -> None:
    result = imported(SEMANTICS / "managed.yaml")
    found = services(result)
    assert found["sessions"]["kind"] == "database" and found["sessions"]["count"] == 1
    assert found["web"]["depends_on"] == ["sessions"]
    assert found["balancer"]["count"] == 2  # two managed nodes in its one zone
    _, payload = findings(SEMANTICS / "managed.yaml")
    rules = rules_of(payload)
    assert ("TR001", "sessions") in rules  # a real single point of failure
    assert ("TR001", "balancer") not in rules  # AWS replaces a failed node ...
    assert ("TR002", "balancer") in rules  # ... but not a lost zone


def test_aurora_in_imported_subnets_is_not_refused() -> None:
    code, payload = findings(SEMANTICS / "aurora-imported-subnets.yaml")
    assert code == 0 and payload["valid"], payload
    result = imported(SEMANTICS / "aurora-imported-subnets.yaml")
    aurora = services(result)["aurora"]
    assert (aurora["count"], aurora["failover"]) == (2, "primary-standby")
    # each imported subnet is an unknown zone of its own, said with the options that give it
    for export in ("network-SubnetAPrivate", "network-SubnetBPrivate"):
        assert any(
            f"--zone {export}=ZONE" in n.message and "its zone is unknown" in n.message
            for n in result.report.notes
        )
    assert ("TR011", "aurora") in rules_of(payload)


# -- 5. nested stacks ----------------------------------------------------------------


def test_children_found_by_url_path_exports_resolved_and_findings_in_the_child() -> None:
    options = ("--region", "eu-west-1", "--template-dir", str(NESTED))
    code, payload = findings(NESTED / "root.yaml", *options)
    assert code == 1, payload
    # TR012: the generic services' failover is assumed (tiered cannot know it)
    (finding,) = [f for f in payload["findings"] if f["rule"] != "TR012"]
    assert finding["rule"] == "TR001" and finding["service"] == "search"
    assert finding["file"].endswith("services/search/service.yaml")
    assert (finding["line"], finding["column"]) == (4, 3)
    result = imported(NESTED / "root.yaml", region="eu-west-1", template_dir=str(NESTED))
    found = services(result)
    # two service.yaml in two folders: two different services
    assert found["orders"]["count"] == 2 and found["search"]["count"] == 1
    # the network stack's exports place the orders instances in its two zones
    assert result.data is not None and result.data["zones"] == ["eu-west-1a", "eu-west-1b"]
    assert not any("ImportValue" in n.message for n in result.report.notes)


def test_sarif_locates_a_child_finding_in_the_child_file() -> None:
    done = tiered(
        "--region",
        "eu-west-1",
        "--template-dir",
        str(NESTED),
        "validate",
        str(NESTED / "root.yaml"),
        "--format",
        "sarif",
    )
    results = json.loads(done.stdout)["runs"][0]["results"]
    (result,) = [r for r in results if r["ruleId"] != "TR012"]
    place = result["locations"][0]["physicalLocation"]
    assert place["artifactLocation"]["uri"].endswith("services/search/service.yaml")
    assert place["region"] == {"startLine": 4, "startColumn": 3}


def test_ecs_reference_children_are_read_from_their_folders() -> None:
    folder = SAMPLES / "ecs-refarch"
    result = imported(folder / "master.yaml", template_dir=str(folder))
    files = {stack.path for stack in _stacks(result)}
    assert any(f.endswith("services/product-service/service.yaml") for f in files)
    assert any(f.endswith("services/website-service/service.yaml") for f in files)
    assert any(f.endswith("infrastructure/ecs-cluster.yaml") for f in files)
    unmapped = {u.logical: u.reason for u in result.report.unmapped}
    assert "ECS is not modelled" in unmapped["ProductService/Service"]
    assert "ECS is not modelled" in unmapped["WebsiteService/Service"]
    # the written file's notes name the child by its path under the root's folder
    assert "#   infrastructure/vpc.yaml:" in write_topology(result)
    _, payload = findings(folder / "master.yaml", "--template-dir", str(folder))
    assert payload["valid"]
    for finding in payload["findings"]:
        assert "/infrastructure/" in finding["file"], finding


def _stacks(result: Imported) -> list[Any]:
    """The stacks an import read (the Universe is internal: re-read the same way)."""
    from tiered.importers.cloudformation.report import Report
    from tiered.importers.cloudformation.source import load_template
    from tiered.importers.cloudformation.stack import Universe

    options = ImportOptions(template_dir=str(SAMPLES / "ecs-refarch"))
    universe = Universe(Report(), options, "us-east-1", "master")
    loaded = load_template(result.template)
    universe.add_stack("", result.template, loaded.data, loaded.source, {})
    return list(universe.stacks.values())


def test_a_truncated_child_is_a_located_error_in_the_child(tmp_path: Path) -> None:
    (tmp_path / "child.yaml").write_text("Resources:\n  A:\n    Type: [AWS::EC2::Instance\n")
    (tmp_path / "root.yaml").write_text(
        "Resources:\n  Child:\n    Type: AWS::CloudFormation::Stack\n"
        "    Properties: {TemplateURL: child.yaml}\n"
    )
    done = tiered("validate", str(tmp_path / "root.yaml"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"{tmp_path / 'child.yaml'}:" in done.stderr


def test_a_stack_nesting_itself_is_a_located_error(tmp_path: Path) -> None:
    (tmp_path / "root.yaml").write_text(
        "Resources:\n  Web:\n    Type: AWS::EC2::Instance\n"
        "  Again:\n    Type: AWS::CloudFormation::Stack\n"
        "    Properties: {TemplateURL: root.yaml}\n"
    )
    done = tiered("validate", "root.yaml", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "root.yaml:6:31: Again nests root.yaml, which holds it" in done.stderr


# -- 6. every valid template read ------------------------------------------------------


def test_rules_section_short_tags_are_read() -> None:
    code, payload = findings(SEMANTICS / "rules-section.yaml")
    assert code == 1 and payload["valid"]
    assert ("TR001", "web") in rules_of(payload)


def test_a_preprocessor_tag_names_the_tool(tmp_path: Path) -> None:
    template = tmp_path / "rain.yaml"
    template.write_text(
        "Resources:\n  Bucket:\n    Type: !Rain::Module ./bucket.yaml\n"
        "  Web:\n    Type: AWS::EC2::Instance\n"
    )
    done = tiered("validate", str(template))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"{template}:3:11: the tag !Rain::Module is not CloudFormation" in done.stderr
    assert "rain pkg" in done.stderr


def test_sarif_on_exit_2_is_a_valid_log_with_a_located_invocation_error(tmp_path: Path) -> None:
    import jsonschema

    template = tmp_path / "broken.yaml"
    template.write_text("Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    DependsOn: Nope\n")
    done = tiered("validate", str(template), "--format", "sarif")
    assert done.returncode == 2
    log = json.loads(done.stdout)
    schema = json.loads((ROOT / "tests" / "schemas" / "sarif-2.1.0-rtm.5.json").read_text())
    jsonschema.validate(log, schema)
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and "'Nope'" in note["message"]["text"]
    place = note["locations"][0]["physicalLocation"]
    assert place["artifactLocation"]["uri"].endswith("broken.yaml")
    assert place["region"] == {"startLine": 4, "startColumn": 16}
    assert log["runs"][0]["results"] == []


# -- 7. generated templates ------------------------------------------------------------


def test_cdk_synth_of_the_reference_groups_zookeeper_and_gets_tr003() -> None:
    cdk, troposphere = FIXTURES / "cdk" / "reference.yaml", FIXTURES / "troposphere"
    result = imported(cdk)
    found = services(result)
    assert (found["zookeeper"]["count"], found["zookeeper"]["failover"]) == (3, "quorum")
    assert {"nginx", "integrate", "zookeeper", "solr", "activemq", "db", "efs"} == set(found)
    note = next(n.message for n in result.report.notes if "zookeeper (3 instances)" in n.message)
    assert "construct path ReferenceStack/Zookeeper<n> (aws:cdk:path metadata)" in note
    text = write_topology(result)
    assert "# EC2 instances grouped by construct path ReferenceStack/Zookeeper<n>" in text

    def verdict(path: Path) -> set[tuple[str, str | None, str]]:
        return {(f.rule, f.service, f.severity.value) for f in run(str(path)).findings}

    assert ("TR003", "zookeeper", "error") in verdict(cdk)
    assert verdict(cdk) == verdict(troposphere / "reference.yaml")


def test_name_tags_and_shape_group_instances_and_say_so() -> None:
    result = imported(SEMANTICS / "generated-instances.yaml")
    found = services(result)
    assert found["kafka-broker"]["count"] == 3  # by the Name tags kafka-broker-<n>
    assert found["node"]["count"] == 2  # the two nodes alike ...
    assert found["node2"]["count"] == 1  # ... the third's user data differs
    notes = " ".join(n.message for n in result.report.notes)
    assert "by Name tag kafka-broker<n>" in notes
    assert "by ids Node<n>, the same security group CacheGroup" in notes
    assert len(found) == 3


# -- 8. smaller ------------------------------------------------------------------------


def test_a_bogus_failover_tag_is_a_located_problem(tmp_path: Path) -> None:
    template = tmp_path / "tagged.yaml"
    template.write_text(
        "Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n"
        "      InstanceType: t3.micro\n"
        "      Tags: [{Key: tiered:failover, Value: activ-passive}]\n"
    )
    done = tiered("validate", str(template))
    assert done.returncode == 2
    assert f"{template}:6:44: tag tiered:failover of Web is 'activ-passive'" in done.stderr
    assert "use one of active-active, active-passive" in done.stderr


def test_every_dependency_cycle_is_reported(tmp_path: Path) -> None:
    template = tmp_path / "cycles.yaml"
    template.write_text(
        "Resources:\n"
        "  A: {Type: AWS::SNS::Topic, DependsOn: B}\n"
        "  B: {Type: AWS::SNS::Topic, DependsOn: A}\n"
        "  C: {Type: AWS::SNS::Topic, DependsOn: D}\n"
        "  D: {Type: AWS::SNS::Topic, Properties: {Name: !GetAtt C.TopicName}}\n"
        "  E: {Type: AWS::SNS::Topic, DependsOn: E}\n"
    )
    done = tiered("validate", str(template))
    assert done.returncode == 2
    cycles = [line for line in done.stderr.splitlines() if "circular dependency" in line]
    assert [c.split("circular dependency: ")[1].split(" — ")[0] for c in cycles] == [
        "A → B → A",
        "C → D → C",
        "E → E",
    ]


def test_efs_fix_text_names_the_mount_targets() -> None:
    _, payload = findings(SAMPLES / "widdix-wordpress-ha.yaml")
    for finding in payload["findings"]:
        assert not finding["fix"].startswith(","), finding
    efs = [f for f in payload["findings"] if f["service"] == "efs-file-system"]
    for finding in efs:
        if finding["rule"] == "TR002":
            assert "mount target in each zone" in finding["fix"]


ROUND_TRIP = [
    ROOT / "topology.yaml",
    *(p for p in sorted((ROOT / "examples").glob("*.yaml")) if "onprem" not in p.name),
]


@pytest.mark.parametrize("example", ROUND_TRIP, ids=lambda p: p.name)
def test_render_import_render_is_byte_identical(example: Path, tmp_path: Path) -> None:
    from tests.test_import_cloudformation import render

    first = render(example, tmp_path / "first")
    result = imported(first, template_dir=str(first.parent))
    topology = tmp_path / "imported.yaml"
    topology.write_text(write_topology(result))
    second = render(topology, tmp_path / "second")
    before = sorted(p.relative_to(tmp_path / "first") for p in (tmp_path / "first").rglob("*"))
    after = sorted(p.relative_to(tmp_path / "second") for p in (tmp_path / "second").rglob("*"))
    assert before == after
    assert second.read_bytes() == first.read_bytes()
    for name in before:
        one, two = tmp_path / "first" / name, tmp_path / "second" / name
        if one.is_file():
            assert one.read_bytes() == two.read_bytes(), name
