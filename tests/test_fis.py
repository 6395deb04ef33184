"""The FIS renderer: goldens, cfn-lint, targets resolved against the main template, predictions
compared with `tiered whatif`, the experiment role walked statement by statement, refusals.

Targets are checked by resolving them as FIS would: against the resources of the rendered
main CloudFormation template (tags, subnet zone, VPC), plus decoys of another topology and
another VPC that must never be selected.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from cfnlint.api import ManualArgs, lint
from hypothesis import HealthCheck, given, settings

from tests.conftest import ALL_TOPOLOGIES, ROOT, run_tiered
from tests.golden_support import check_goldens
from tests.test_cloudformation_helpers import (
    RENDERABLE,
    aws_topologies,
    expected_refusal,
    instance_network,
    plan_of,
)
from tests.test_cloudformation_helpers import render as render_main
from tiered.analysis.experiments import experiments
from tiered.exporters.base import ExportOptions, ExportRefused
from tiered.exporters.registry import get
from tiered.pipeline import Result, plan_file
from tiered.placement.plan import Plan
from tiered.renderers.fis import FisRenderer
from tiered.renderers.fis.build import tag_value

GOLDEN = ROOT / "tests" / "golden"
IDS = {"ids": lambda p: Path(p).stem}
AWS = [p for p in ALL_TOPOLOGIES if plan_file(str(p)).provider == "aws"]
#: What the VpcId parameter receives: the main stack's VPC.
MAIN_VPC, OTHER_VPC = "vpc-main", "vpc-other"

#: IAM actions per FIS action, as the AWS FIS actions reference lists them ("Permissions"),
#: and those of log delivery to CloudWatch Logs: the test's own copy, the oracle.
DOCUMENTED = {
    "aws:ec2:stop-instances": {
        "ec2:StopInstances",
        "ec2:StartInstances",
        "ec2:DescribeInstances",
        "kms:CreateGrant",
    },
    "aws:network:disrupt-connectivity": {
        "ec2:CreateNetworkAcl",
        "ec2:CreateNetworkAclEntry",
        "ec2:CreateTags",
        "ec2:DeleteNetworkAcl",
        "ec2:DescribeManagedPrefixLists",
        "ec2:DescribeNetworkAcls",
        "ec2:DescribeSubnets",
        "ec2:DescribeVpcs",
        "ec2:GetManagedPrefixListEntries",
        "ec2:ReplaceNetworkAclAssociation",
    },
    "aws:rds:reboot-db-instances": {
        "rds:RebootDBInstance",
        "rds:DescribeDBInstances",
        "tag:GetResources",
    },
}
LOG_DELIVERY = {
    "logs:CreateLogDelivery",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
}


def render(plan: Plan, fmt: str | None = None) -> dict[str, str]:
    return {
        k: str(v)
        for k, v in FisRenderer().export(Result.of_plan(plan), ExportOptions(variant=fmt)).items()
    }


def fis_template(plan: Plan) -> dict[str, Any]:
    (text,) = render(plan).values()
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def experiments_of(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        k: v["Properties"]
        for k, v in template["Resources"].items()
        if v["Type"] == "AWS::FIS::ExperimentTemplate"
    }


# --- the world FIS would see: the main template's resources, and decoys --------------------


def world(plan: Plan) -> dict[str, list[dict[str, Any]]]:
    """Resources by FIS resource type, with the attributes the targets filter on."""
    resources: dict[str, Any] = {}
    parameters: dict[str, Any] = {}
    for text in render_main(plan).values():
        template = yaml.safe_load(text)
        resources.update(template["Resources"])
        parameters.update(template.get("Parameters", {}))

    def zone(value: dict[str, str]) -> str:
        return str(parameters[value["Ref"]]["Default"])

    def tags(properties: dict[str, Any]) -> dict[str, str]:
        return {t["Key"]: t["Value"] for t in properties.get("Tags", [])}

    found: dict[str, list[dict[str, Any]]] = {
        "aws:ec2:instance": [],
        "aws:ec2:subnet": [],
        "aws:rds:db": [],
    }
    for logical, resource in resources.items():
        properties = resource.get("Properties", {})
        if resource["Type"] == "AWS::EC2::Subnet":
            found["aws:ec2:subnet"].append(
                {
                    "tags": tags(properties),
                    "AvailabilityZone": zone(properties["AvailabilityZone"]),
                    "VpcId": MAIN_VPC,
                }
            )
        elif resource["Type"] == "AWS::EC2::Instance":
            network = instance_network({"Resources": resources}, logical)
            subnet = resources[network["SubnetId"]["Ref"]]["Properties"]
            found["aws:ec2:instance"].append(
                {
                    "tags": tags(properties),
                    "Placement.AvailabilityZone": zone(subnet["AvailabilityZone"]),
                    "VpcId": MAIN_VPC,
                    "State.Name": "running",
                }
            )
        elif resource["Type"] == "AWS::RDS::DBInstance":
            name = tags(properties)["tiered:service"]
            primary = next(m.zone for m in plan.managed if m.service == name)
            found["aws:rds:db"].append({"tags": tags(properties), "AvailabilityZone": primary})
    for kind in list(found):  # decoys: another topology in the zone, the topology elsewhere
        for item in list(found[kind]):
            foreign = {
                k: ("someone-else" if k == "tiered:topology" else v)
                for k, v in item["tags"].items()
            }
            if "Name" in foreign:
                foreign["Name"] = "someone-else-" + foreign["Name"]
            found[kind].append({**item, "tags": foreign, "decoy": True})
            if "VpcId" in item:
                found[kind].append({**item, "VpcId": OTHER_VPC, "decoy": True})
    return found


def resolve(
    template: dict[str, Any], target: dict[str, Any], seen: dict[str, list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    """The resources ``target`` selects: every resource tag and every filter must match."""

    def value(item: Any) -> str:
        if isinstance(item, dict):
            name = item["Ref"]
            return MAIN_VPC if name == "VpcId" else str(template["Parameters"][name]["Default"])
        return str(item)

    assert target["SelectionMode"] == "ALL"
    selected = []
    for resource in seen[target["ResourceType"]]:
        if any(resource["tags"].get(k) != v for k, v in target["ResourceTags"].items()):
            continue
        if all(
            resource[f["Path"]] in {value(v) for v in f["Values"]}
            for f in target.get("Filters", [])
        ):
            selected.append(resource)
    return selected


# --- goldens, lint, determinism --------------------------------------------------------------


@pytest.mark.parametrize("path", AWS, **IDS)
def test_golden_templates(path: Path) -> None:
    files = render(plan_file(str(path)))
    folder = GOLDEN / path.stem
    check_goldens(folder, files, "fis")


def lint_findings(plan: Plan, fmt: str | None = None) -> list[str]:
    assert plan.region is not None
    config = ManualArgs(include_checks=["I"], regions=[plan.region])
    return [
        f"{name}:{m.linenumber}: {m.rule.id} {m.message}"
        for name, text in render(plan, fmt).items()
        for m in lint(text, config=config)
    ]


@pytest.mark.parametrize("path", RENDERABLE, **IDS)
def test_cfn_lint_finds_nothing(path: Path) -> None:
    assert lint_findings(plan_file(str(path))) == []


def test_json_is_the_same_template() -> None:
    plan = plan_file("topology.yaml")
    (text,) = render(plan, "json").values()
    assert json.loads(text) == fis_template(plan)
    assert lint_findings(plan, "json") == []


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(aws_topologies())
def test_generated_topologies_render_deterministically_and_lint_clean(data: dict[str, Any]) -> None:
    plan = plan_of(data)
    first = render(plan)
    assert render(plan_of(data)) == first
    if expected_refusal(plan) is None:
        assert lint_findings(plan) == []


# --- what each experiment touches, against the plan --------------------------------------


@pytest.mark.parametrize("path", RENDERABLE, **IDS)
def test_zone_experiments_select_exactly_the_planned_instances_and_subnets(path: Path) -> None:
    plan = plan_file(str(path))
    planned = json.loads(run_tiered("plan", str(path), "--format", "json").stdout)
    template = fis_template(plan)
    seen = world(plan)
    found = experiments_of(template)
    for zone in plan.zones:
        properties = found[f"ExperimentZone{''.join(p.capitalize() for p in zone.split('-'))}"]
        targets = properties["Targets"]
        instances = {i["name"] for i in planned["instances"] if i["zone"] == zone}
        subnets = {s["name"] for s in planned["subnets"] if s["zone"] == zone}
        stopped = resolve(template, targets["Instances"], seen) if instances else []
        assert {r["tags"]["Name"].removeprefix(f"{plan.name}-") for r in stopped} == instances
        assert ("Instances" in targets) == bool(instances)
        cut = resolve(template, targets["Subnets"], seen)
        assert {r["tags"]["Name"].removeprefix(f"{plan.name}-") for r in cut} == subnets
        assert not any(r.get("decoy") for r in [*stopped, *cut])
        primaries = {
            m["service"]
            for m in planned["managed"]
            if m["role"] == "primary"
            and m["zone"] == zone
            and next(s for s in planned["services"] if s["name"] == m["service"])["count"] > 1
        }
        failed_over = {
            r["tags"]["tiered:service"]
            for key, target in targets.items()
            if target["ResourceType"] == "aws:rds:db"
            for r in resolve(template, target, seen)
        }
        assert failed_over == primaries
        ids = {a["ActionId"] for a in properties["Actions"].values()}
        assert "aws:network:disrupt-connectivity" in ids
        assert ("aws:rds:reboot-db-instances" in ids) == bool(primaries)


@pytest.mark.parametrize("path", RENDERABLE, **IDS)
def test_instance_and_failover_experiments_select_one_resource(path: Path) -> None:
    plan = plan_file(str(path))
    template = fis_template(plan)
    seen = world(plan)
    for experiment in experiments(plan):
        if experiment.kind == "zone":
            continue
        targets = experiments_of(template)[experiment.output]["Targets"]
        (target,) = targets.values()
        (selected,) = resolve(template, target, seen)
        name = selected["tags"]["Name"].removeprefix(f"{plan.name}-")
        assert name in {*experiment.instances, *experiment.databases}


@pytest.mark.parametrize("path", RENDERABLE, **IDS)
def test_each_zone_states_what_whatif_predicts(path: Path) -> None:
    plan = plan_file(str(path))
    found = experiments_of(fis_template(plan))
    for zone in plan.zones:
        result = run_tiered("whatif", str(path), "--fail", zone, "--format", "json")
        assert result.returncode == 0, result.stderr
        whatif = json.loads(result.stdout)
        roots = list(dict.fromkeys(c["root"] for c in whatif["down"].values()))
        properties = found[f"ExperimentZone{''.join(p.capitalize() for p in zone.split('-'))}"]
        tags = properties["Tags"]
        assert tags["tiered:expected"] == ("system DOWN" if whatif["system_down"] else "system up")
        if whatif["system_down"]:
            expected = f"expected: system DOWN, root cause {', '.join(roots)}"
            assert tags["tiered:root-cause"] == " ".join(roots)
        else:
            expected = "expected: system up; "
            assert set(roots) == set(tags.get("tiered:root-cause", "").split()) - {""}
        assert properties["Description"].startswith(f"zone {zone}: {expected}")
        assert tags["tiered:prediction"].startswith(tag_value(expected).rstrip())


def test_the_reference_predictions_read_as_the_issue_asks() -> None:
    found = experiments_of(fis_template(plan_file("topology.yaml")))
    assert found["ExperimentZoneUsEast1b"]["Description"] == (
        "zone us-east-1b: expected: system DOWN, root cause zookeeper"
    )
    assert found["ExperimentInstanceZookeeper1"]["Description"] == (
        "instance zookeeper-1: expected: system up; zookeeper keeps 2 of 3"
    )
    assert "zookeeper keeps 2 of 3" in found["ExperimentZoneUsEast1c"]["Description"]


# --- the experiment role ---------------------------------------------------------------------


def statements(template: dict[str, Any]) -> list[dict[str, Any]]:
    (policy,) = template["Resources"]["ExperimentRole"]["Properties"]["Policies"]
    found: list[dict[str, Any]] = policy["PolicyDocument"]["Statement"]
    return found


def extra_grants(template: dict[str, Any]) -> set[str]:
    """Actions the role grants beyond what the experiments' FIS actions and logging need."""
    used = {
        action["ActionId"]
        for properties in experiments_of(template).values()
        for action in properties["Actions"].values()
    }
    needed = set().union(*(DOCUMENTED[a] for a in used)) | LOG_DELIVERY
    granted = {a for statement in statements(template) for a in statement["Action"]}
    assert needed <= granted, needed - granted
    return granted - needed


@pytest.mark.parametrize("path", RENDERABLE, **IDS)
def test_role_grants_only_what_the_experiments_use(path: Path) -> None:
    template = fis_template(plan_file(str(path)))
    assert extra_grants(template) == set()
    for statement in statements(template):
        assert statement["Effect"] == "Allow"
        assert not any("*" in action for action in statement["Action"])
    for properties in experiments_of(template).values():
        assert properties["RoleArn"] == {"Fn::GetAtt": ["ExperimentRole", "Arn"]}


def test_single_zone_topology_without_databases_needs_no_rds_grant() -> None:
    template = fis_template(plan_file("examples/single-zone-webapp.yaml"))
    granted = {a for statement in statements(template) for a in statement["Action"]}
    assert not any(a.startswith("rds:") for a in granted)
    assert extra_grants(template) == set()


@pytest.mark.parametrize("path", RENDERABLE, **IDS)
def test_role_changes_only_tagged_resources(path: Path) -> None:
    plan = plan_file(str(path))
    template = fis_template(plan)
    for statement in statements(template):
        changes = [
            a for a in statement["Action"] if not a.split(":")[1].startswith(("Describe", "Get"))
        ]
        changes = [a for a in changes if a not in LOG_DELIVERY and a != "tag:GetResources"]
        if not changes:
            continue
        resources = statement["Resource"]
        assert resources != "*", statement["Sid"]
        condition = json.dumps(statement.get("Condition", {}))
        pinned = any("vpc/${VpcId}" in r["Fn::Sub"] for r in resources)
        assert (
            f'"aws:ResourceTag/tiered:topology": "{plan.name}"' in condition
            or "managedByFIS" in condition
            or "kms:ViaService" in condition
            or "ec2:Vpc" in condition
            or pinned
        ), statement["Sid"]
    trust = template["Resources"]["ExperimentRole"]["Properties"]["AssumeRolePolicyDocument"]
    (statement,) = trust["Statement"]
    assert statement["Principal"] == {"Service": "fis.amazonaws.com"}
    assert statement["Condition"]["StringEquals"] == {
        "aws:SourceAccount": {"Ref": "AWS::AccountId"}
    }


def test_policy_check_is_live() -> None:
    """A grant no experiment needs is caught, and so is a wildcard."""
    template = fis_template(plan_file("topology.yaml"))
    statements(template)[0]["Action"].append("ec2:TerminateInstances")
    assert extra_grants(template) == {"ec2:TerminateInstances"}
    statements(template)[0]["Action"].append("ec2:*")
    assert extra_grants(template) == {"ec2:TerminateInstances", "ec2:*"}


# --- stop conditions, logs, duration -------------------------------------------------------


@pytest.mark.parametrize("path", RENDERABLE, **IDS)
def test_stop_condition_is_the_main_stacks_alarm_and_logs_go_to_cloudwatch(path: Path) -> None:
    plan = plan_file(str(path))
    template = fis_template(plan)
    main: dict[str, Any] = {}
    for text in render_main(plan).values():
        main.update(yaml.safe_load(text)["Resources"])
    alarm = template["Parameters"]["StopAlarm"]["Default"]
    if alarm:
        assert main["EntryHealthAlarm"]["Properties"]["AlarmName"] == alarm
    else:
        assert "EntryHealthAlarm" not in main
    assert template["Parameters"]["Duration"]["Default"] == "PT5M"
    assert template["Resources"]["ExperimentLogGroup"]["Type"] == "AWS::Logs::LogGroup"
    for properties in experiments_of(template).values():
        yes, no = properties["StopConditions"]["Fn::If"][1:]
        assert yes[0]["Source"] == "aws:cloudwatch:alarm"
        assert "${StopAlarm}" in yes[0]["Value"]["Fn::Sub"]
        assert no == [{"Source": "none"}]
        log = properties["LogConfiguration"]["CloudWatchLogsConfiguration"]["LogGroupArn"]
        assert log == {"Fn::GetAtt": ["ExperimentLogGroup", "Arn"]}
        for action in properties["Actions"].values():
            for value in action.get("Parameters", {}).values():
                if isinstance(value, dict):
                    assert value == {"Ref": "Duration"}


# --- refusals and the command line --------------------------------------------------------------


@pytest.mark.parametrize("path", ALL_TOPOLOGIES, **IDS)
def test_refuses_generic_topologies_only(path: Path) -> None:
    plan = plan_file(str(path))
    assert get("render", "fis").applies_to(Result.of_plan(plan)) == (plan.provider == "aws")
    if plan.provider == "aws":
        assert render(plan)
        return
    with pytest.raises(ExportRefused, match="only on AWS"):
        render(plan)


def test_command_line_refuses_generic_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_tiered("render", "fis", "examples/onprem-generic.yaml", "--out", str(out))
    assert result.returncode == 2
    assert "FIS experiments run only on AWS" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_command_line_writes_the_template(tmp_path: Path) -> None:
    result = run_tiered("render", "fis", "topology.yaml", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    written = tmp_path / "fis" / "toro-integrate-ha-fis.yaml"
    assert (
        written.read_text(encoding="utf-8")
        == render(plan_file("topology.yaml"))["fis/toro-integrate-ha-fis.yaml"]
    )


# --- checkov ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_checkov_fails_nothing(tmp_path: Path) -> None:
    from tests.test_cloudformation_checkov import CHECKOV, scan
    from tiered.exporters.writer import write_files

    if not CHECKOV.exists():
        subprocess.run(["make", "-s", "checkov-env"], cwd=ROOT, check=True, timeout=1200)
    for path in RENDERABLE:
        write_files(tmp_path / path.stem, render(plan_file(str(path))))
    report = scan(CHECKOV, tmp_path)
    failed = [
        f"{c['check_id']} {c['resource']} ({c['file_path']})"
        for c in report["results"]["failed_checks"]
    ]
    assert failed == []
    assert report["summary"]["parsing_errors"] == 0
    passed = report["results"]["passed_checks"]
    assert {Path(c["file_path"]).name for c in passed} == {
        f"{plan_file(str(p)).name}-fis.yaml" for p in RENDERABLE
    }
    assert {c["check_id"] for c in passed} >= {"CKV_AWS_60", "CKV_AWS_111", "CKV_AWS_66"}
    for skipped in report["results"]["skipped_checks"]:
        assert skipped["check_id"] == "CKV_AWS_158"
        assert len(skipped["check_result"].get("suppress_comment", "")) > 40


# --- the report's "How to test this" -------------------------------------------------------


@pytest.mark.parametrize("path", AWS, **IDS)
def test_report_names_the_experiment_and_command_of_each_prediction(path: Path) -> None:
    plan = plan_file(str(path))
    result = run_tiered("report", str(path), "--format", "json")
    how = json.loads(result.stdout)["how_to_test"]
    template = fis_template(plan)
    found = experiments_of(template)
    assert how["stack"] == f"{plan.name}-fis"
    assert sorted(x["experiment"] for x in how["experiments"]) == sorted(found)
    for row in how["experiments"]:
        properties = found[row["experiment"]]
        stated = f"{row['tests']}: {row['expected']}"
        assert properties["Description"] == stated or (
            len(stated) > 512 and stated.startswith(properties["Description"][:-1])
        )
        assert template["Outputs"][row["experiment"]]["Value"] == {"Ref": row["experiment"]}
        assert row["command"].startswith("aws fis start-experiment --experiment-template-id ")
        assert f"--stack-name {plan.name}-fis " in row["command"]
        assert f"--logical-resource-id {row['experiment']} " in row["command"]
    markdown = run_tiered("report", str(path), "--format", "markdown").stdout
    assert "## How to test this" in markdown
    assert how["experiments"][0]["command"] in markdown


def test_report_of_a_generic_topology_has_no_experiments() -> None:
    result = run_tiered("report", "examples/onprem-generic.yaml", "--format", "json")
    assert json.loads(result.stdout)["how_to_test"] is None
    text = run_tiered("report", "examples/onprem-generic.yaml", "--format", "markdown").stdout
    assert "How to test this" not in text


@pytest.mark.parametrize("path", AWS, **IDS)
def test_every_experiment_predicts_what_whatif_does(path: Path) -> None:
    """Instance and failover experiments look only at the service they touch: same outcome."""
    from tiered.analysis import whatif

    plan = plan_file(str(path))
    for experiment in experiments(plan):
        failed = list(experiment.scenario.failed)
        expected = whatif(plan, failed).to_dict()
        got = experiment.scenario.to_dict()
        assert {**got, "label": ""} == {**expected, "label": ""}, experiment.key
