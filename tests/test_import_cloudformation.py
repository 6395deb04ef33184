"""`tiered import cloudformation` and reading templates directly.

Round trips (render cloudformation, then import: same services, counts, zones,
failover modes, dependencies and findings), third-party AWS samples with an expert's
verdict, the troposphere reference, and hostile templates.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tiered.importers.cloudformation.assemble import import_template
from tiered.importers.cloudformation.options import ImportOptions
from tiered.importers.cloudformation.writer import write_topology
from tiered.loading.loader import load_bytes
from tiered.pipeline import check, check_loaded, run

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "tests" / "fixtures" / "cfn-samples"
TROPOSPHERE = ROOT / "tests" / "fixtures" / "troposphere" / "reference.yaml"
AWS_EXAMPLES = [
    ROOT / "topology.yaml",
    *(p for p in sorted((ROOT / "examples").glob("*.yaml")) if "onprem" not in p.name),
]


def tiered(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tiered", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


def summary(
    path: str,
) -> tuple[dict[str, tuple[object, ...]], set[tuple[str, str | None, str, bool]]]:
    """What must survive a round trip: per service its shape, and the findings."""
    result = run(path)
    assert result.plan is not None, [str(p) for p in result.problems]
    plan = result.plan
    services = {
        s.name: (
            s.kind,
            s.count,
            s.failover,
            tuple(sorted(s.per_zone.items())),
            tuple(sorted(s.calls)),
            s.min_healthy,
        )
        for s in plan.services.values()
    }
    findings = {(f.rule, f.service, f.severity.value, f.accepted) for f in result.findings}
    return services, findings


def render(source: Path, out: Path) -> Path:
    from tiered.exporters.base import ExportOptions
    from tiered.pipeline import Result
    from tiered.renderers.cloudformation import CloudFormationRenderer

    plan = check(str(source)).plan
    assert plan is not None
    files = CloudFormationRenderer().export(Result.of_plan(plan), ExportOptions())
    for name, text in files.items():
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(str(text))
    return out / "cloudformation" / f"{plan.name}.yaml"


@pytest.mark.parametrize("example", AWS_EXAMPLES, ids=lambda p: p.name)
def test_round_trip_of_every_example(example: Path, tmp_path: Path) -> None:
    template = render(example, tmp_path)
    options = ImportOptions(template_dir=str(template.parent))
    imported = import_template(str(template), options)
    assert not imported.report.problems, imported.report.problems
    written = tmp_path / "imported.yaml"
    written.write_text(write_topology(imported))
    assert summary(str(written)) == summary(str(example))


def test_round_trip_of_generated_topologies(tmp_path: Path) -> None:
    from benchmarks.generate import generate

    for services, zones in ((12, 2), (30, 3)):
        source = tmp_path / f"generated-{services}.yaml"
        source.write_text(yaml.safe_dump(generate(services=services, zones=zones)))
        template = render(source, tmp_path / f"out-{services}")
        options = ImportOptions(template_dir=str(template.parent))
        imported = import_template(str(template), options)
        assert not imported.report.problems
        written = tmp_path / f"imported-{services}.yaml"
        written.write_text(write_topology(imported))
        assert summary(str(written)) == summary(str(source))


def test_template_is_read_directly_with_findings_located_in_it(tmp_path: Path) -> None:
    template = render(ROOT / "topology.yaml", tmp_path)
    run = tiered("validate", str(template), "--format", "sarif")
    assert run.returncode == 1, run.stderr
    sarif = json.loads(run.stdout)
    results = sarif["runs"][0]["results"]
    rules = {r["ruleId"] for r in results}
    assert {"TR003", "TR006"} <= rules
    text = template.read_text().splitlines()
    first_instance = {"zookeeper": "InstanceZookeeper1", "integrate": "InstanceIntegrate1"}
    first_instance |= {"nginx": "InstanceNginx1", "solr": "InstanceSolr1"}
    for result in results:
        place = result["locations"][0]["physicalLocation"]
        assert place["artifactLocation"]["uri"].endswith(template.name)
        line, column = place["region"]["startLine"], place["region"]["startColumn"]
        service = result["properties"]["service"]
        # each finding points at the logical id of the service's first resource
        if service in first_instance:
            assert text[line - 1] == f"  {first_instance[service]}:" and column == 3
        else:  # TR011 on a managed service: its own resource
            assert text[line - 1].startswith("  ") and text[line - 1].endswith(":"), service


# -- third-party samples -------------------------------------------------------------


def verdict(path: Path, *options: str) -> tuple[int, str, str]:
    run = tiered(*options, "validate", str(path), "--format", "json")
    return run.returncode, run.stdout, run.stderr


def test_sample_single_instance_is_a_single_point_of_failure() -> None:
    code, out, err = verdict(SAMPLES / "EC2InstanceWithSecurityGroupSample.yaml")
    assert code == 1
    findings = json.loads(out)["findings"]
    assert ("TR001", "ec2-instance") in {(f["rule"], f["service"]) for f in findings}
    assert "assumed" in err and "Subnets" in err


def test_sample_auto_scaling_group_relaunches_in_its_other_zone_over_two_zones() -> None:
    # MinSize 1, MaxSize 3, no DesiredCapacity: the group runs one instance, relaunched in
    # its other zone when that one fails (issue 22: a group of one is not two replicas).
    sample = SAMPLES / "AutoScalingMultiAZWithNotifications.yaml"
    code, out, err = verdict(
        sample,
        "--param",
        "Subnets=subnet-1,subnet-2",
        "--zone",
        "subnet-1=us-west-2a",
        "--zone",
        "subnet-2=us-west-2b",
    )
    payload = json.loads(out)
    assert payload["summary"]["zones"] == 2
    rules = {(f["rule"], f["service"]) for f in payload["findings"]}
    assert ("TR001", "web-server-group") in rules
    assert not {r for r, _ in rules} & {"TR002", "TR007"}
    assert "an Auto Scaling group of one instance (MinSize 1, MaxSize 3)" in err
    assert "an outage of about 5–15 minutes" in err
    code, out, _ = verdict(sample, "--param", "Subnets=subnet-1", "--zone", "subnet-1=us-west-2a")
    assert code == 1
    rules = {f["rule"] for f in json.loads(out)["findings"]}
    assert "TR001" in rules and "TR007" in rules


def test_sample_auto_scaling_group_without_zones_says_what_it_assumed(tmp_path: Path) -> None:
    out = tmp_path / "asg.yaml"
    run = tiered(
        "import",
        "cloudformation",
        str(SAMPLES / "AutoScalingMultiAZWithNotifications.yaml"),
        "-o",
        str(out),
    )
    assert run.returncode == 0, run.stderr
    assert "assumed two subnets" in run.stderr
    text = out.read_text()
    assert "assumed two subnets" in text
    assert "# Not mapped (5 resources):" in text
    assert "CPUAlarmHigh (AWS::CloudWatch::Alarm): monitoring" in text
    assert "# inferred:" in text
    assert tiered("validate", str(out)).returncode in (0, 1)


def test_sample_rds_writer_alone_unless_multi_az(tmp_path: Path) -> None:
    sample = SAMPLES / "RDS_MySQL_With_Read_Replica.yaml"
    code, out, _ = verdict(sample)
    assert code == 1
    findings = {(f["rule"], f["service"]) for f in json.loads(out)["findings"]}
    assert ("TR001", "main-db") in findings
    imported = import_template(str(sample), ImportOptions())
    skipped = {u.logical: u.reason for u in imported.report.unmapped}
    assert "not a standby" in skipped["ReplicaDB"]
    code, out, _ = verdict(sample, "--param", "MultiAZ=true")
    payload = json.loads(out)
    assert code == 0, out
    assert payload["summary"]["managed"] == 2
    assert not [f for f in payload["findings"] if f["rule"] == "TR001"]


def test_sample_network_only_has_nothing_to_judge(tmp_path: Path) -> None:
    out = tmp_path / "vpc.yaml"
    run = tiered(
        "import",
        "cloudformation",
        str(SAMPLES / "VPC_With_Managed_NAT_And_Private_Subnet.yaml"),
        "-o",
        str(out),
    )
    assert run.returncode == 2
    assert "nothing to judge" in run.stderr
    assert "Traceback" not in run.stderr
    assert not out.exists()


def test_troposphere_reference_reaches_the_verdict_of_topology_yaml() -> None:
    errors = lambda path: {  # noqa: E731
        (f.rule, f.service) for f in run(str(path)).findings if f.severity.value == "error"
    }
    imported, original = errors(TROPOSPHERE), errors(ROOT / "topology.yaml")
    assert ("TR003", "zookeeper") in imported
    assert {("TR006", "integrate"), ("TR006", "nginx")} <= imported
    assert imported <= original


# -- intrinsics and parameters -------------------------------------------------------

INTRINSICS = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env: {Type: String, Default: prod}
  Zones: {Type: CommaDelimitedList, Default: "eu-west-1a,eu-west-1b"}
Mappings:
  Sizes: {prod: {Count: "3"}, dev: {Count: "1"}}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.1.0.0/16}
  SubnetA:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.1.0.0/24, AvailabilityZone: !Select [0, !Ref Zones]}
  SubnetB:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.1.1.0/24
      AvailabilityZone: !Sub "${AWS::Region}b"
  Frontend:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize: !FindInMap [Sizes, !Ref Env, Count]
      MaxSize: "6"
      DesiredCapacity: !If [IsProd, !FindInMap [Sizes, prod, Count], "1"]
      VPCZoneIdentifier: [!Ref SubnetA, !Ref SubnetB]
      LaunchConfigurationName: !ImportValue shared-launch-config
"""


def test_intrinsics_resolve_with_parameters_and_defaults(tmp_path: Path) -> None:
    template = tmp_path / "stack.yaml"
    template.write_text(INTRINSICS)
    imported = import_template(str(template), ImportOptions(region="eu-west-1"))
    assert not imported.report.problems
    assert imported.data is not None
    web = imported.data["tiers"]["app"]["services"]["frontend"]
    assert web["count"] == 3 and "min_healthy" not in web  # MinSize is the group's floor
    assert imported.data["zones"] == ["eu-west-1a", "eu-west-1b"]
    assert any("Fn::ImportValue" in n.message for n in imported.report.notes)
    imported = import_template(
        str(template), ImportOptions(parameters={"Env": "dev"}, region="eu-west-1")
    )
    assert imported.data is not None
    assert imported.data["tiers"]["app"]["services"]["frontend"]["count"] == 1  # a group of one
    sizes = "(MinSize 1, MaxSize 6, DesiredCapacity 1)"
    assert any(sizes in note.message for note in imported.report.notes)


def test_parameters_file_formats(tmp_path: Path) -> None:
    from tiered.importers.cloudformation.parameters import read_parameters_file

    listed = tmp_path / "a.json"
    listed.write_text(json.dumps([{"ParameterKey": "Subnets", "ParameterValue": "s-1,s-2"}]))
    config = tmp_path / "b.json"
    config.write_text(json.dumps({"Parameters": {"Subnets": "s-1,s-2"}}))
    overrides = tmp_path / "c.json"
    overrides.write_text(json.dumps(["Subnets=s-1,s-2"]))
    for path in (listed, config, overrides):
        assert read_parameters_file(str(path)) == ({"Subnets": "s-1,s-2"}, [])
    bad = tmp_path / "d.json"
    bad.write_text(json.dumps({"Subnets": 1}))
    _values, problems = read_parameters_file(str(bad))
    assert problems and problems[0].location.file == str(bad)


# -- hostile templates ---------------------------------------------------------------

HOSTILE = {
    "malformed.yaml": (
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A: [\n",
        ":4:1: YAML syntax",
    ),
    "malformed.json": ('{"Resources": {"A": {"Type": "AWS::EC2::Instance",}}', "1:"),
    "circular.yaml": (
        "Resources:\n  A:\n    Type: AWS::EC2::Instance\n    DependsOn: B\n"
        "  B:\n    Type: AWS::EC2::Instance\n    DependsOn: A\n",
        "circular dependency",
    ),
    "missing-ref.yaml": (
        "Resources:\n  A:\n    Type: AWS::EC2::Instance\n    Properties:\n"
        "      SubnetId: !Ref Nowhere\n",
        "5:17: Ref to 'Nowhere'",
    ),
    "missing-getatt.yaml": (
        "Resources:\n  A:\n    Type: AWS::EC2::Instance\n    Properties:\n"
        "      SecurityGroupIds: [!GetAtt Ghost.GroupId]\n",
        "Fn::GetAtt of 'Ghost'",
    ),
    "no-type.yaml": ("Resources:\n  A:\n    Properties: {}\n", "has no Type"),
    "missing-parameter.yaml": (
        "Resources:\n  A:\n    Type: AWS::EC2::Instance\n    Properties:\n"
        "      InstanceType: !Sub '${Size}.large'\n",
        "5:21: Ref to 'Size'",
    ),
    "missing-condition.yaml": (
        "Resources:\n  A:\n    Type: AWS::EC2::Instance\n    Condition: IsProd\n",
        "condition 'IsProd' is not defined",
    ),
    "unsafe.yaml": ("Resources:\n  A: !!python/object:os.system {}\n", "unsupported YAML tag"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_templates_are_located_errors(name: str, tmp_path: Path) -> None:
    text, expected = HOSTILE[name]
    template = tmp_path / name
    template.write_text(text)
    out = tmp_path / "out.yaml"
    run = tiered("import", "cloudformation", str(template), "-o", str(out))
    assert run.returncode == 2, run.stderr
    assert expected in run.stderr
    assert "Traceback" not in run.stderr
    assert not out.exists()
    run = tiered("--from", "cloudformation", "validate", str(template))
    assert run.returncode == 2 and "Traceback" not in run.stderr


def test_unknown_types_and_escaping_nested_stacks_are_reported_skips(tmp_path: Path) -> None:
    (tmp_path / "inner").mkdir()
    outside = tmp_path / "outside.yaml"
    outside.write_text("Resources:\n  X:\n    Type: AWS::EC2::Instance\n")
    template = tmp_path / "inner" / "stack.yaml"
    template.write_text(
        "Resources:\n"
        "  Server:\n    Type: AWS::EC2::Instance\n    Properties: {InstanceType: t3.micro}\n"
        "  Thing:\n    Type: AWS::Made::Up\n"
        "  Escape:\n    Type: AWS::CloudFormation::Stack\n"
        "    Properties: {TemplateURL: ../outside.yaml}\n"
    )
    imported = import_template(str(template), ImportOptions())
    assert not imported.report.problems
    reasons = {u.logical: u.reason for u in imported.report.unmapped}
    assert "not a resource type tiered maps" in reasons["Thing"]
    assert "outside the template folder" in reasons["Escape"]
    assert imported.data is not None
    assert list(imported.data["tiers"]["app"]["services"]) == ["server"]


def test_nested_stack_inside_the_folder_is_imported(tmp_path: Path) -> None:
    (tmp_path / "child.yaml").write_text(
        "Parameters:\n  Zone: {Type: String}\nResources:\n"
        "  Db:\n    Type: AWS::RDS::DBInstance\n"
        "    Properties: {Engine: postgres, MultiAZ: true, AvailabilityZone: !Ref Zone}\n"
    )
    template = tmp_path / "parent.yaml"
    template.write_text(
        "Resources:\n  Data:\n    Type: AWS::CloudFormation::Stack\n"
        "    Properties:\n      TemplateURL: child.yaml\n"
        "      Parameters: {Zone: us-east-2a}\n"
    )
    imported = import_template(str(template), ImportOptions(region="us-east-2"))
    assert not imported.report.problems
    assert imported.data is not None
    db = imported.data["tiers"]["data"]["services"]["db"]
    assert db["count"] == 2 and db["failover"] == "primary-standby"
    assert imported.data["zones"] == ["us-east-2a", "us-east-2b"]


@pytest.mark.slow
def test_ten_thousand_resources(tmp_path: Path) -> None:
    resources = {
        f"Server{i}": {"Type": "AWS::EC2::Instance", "Properties": {"InstanceType": "t3.micro"}}
        for i in range(10_000)
    }
    template = tmp_path / "big.json"
    template.write_text(json.dumps({"Resources": resources}))
    run = tiered("validate", str(template), "--format", "json")
    assert run.returncode in (1, 2) and "Traceback" not in run.stderr


def test_written_file_validates_and_is_deterministic(tmp_path: Path) -> None:
    template = render(ROOT / "examples" / "reference-three-zones.yaml", tmp_path)
    first = write_topology(import_template(str(template), ImportOptions()))
    second = write_topology(import_template(str(template), ImportOptions()))
    assert first == second
    assert check_loaded(load_bytes(first.encode(), "x.yaml")).ok


# -- resource families -----------------------------------------------------------------

FAMILIES = ROOT / "tests" / "fixtures" / "cfn" / "families.yaml"


def test_every_resource_family_maps(tmp_path: Path) -> None:
    imported = import_template(str(FAMILIES), ImportOptions())
    assert not imported.report.problems, imported.report.problems
    data = imported.data
    assert data is not None
    assert data["region"] == "eu-west-1" and data["zones"] == ["eu-west-1a", "eu-west-1b"]
    assert data["network"] == {"cidr": "10.2.0.0/16", "nat": "single"}
    services = {
        name: fields for tier in data["tiers"].values() for name, fields in tier["services"].items()
    }
    assert services["classic"]["count"] == 2 and services["classic"]["listen"] == [80]
    assert services["classic"]["routes"] == [{"path": "/", "to": "web"}]
    assert services["web"]["software"] == "nginx" and services["web"]["failover"] == "active-active"
    assert "software" not in imported.drafts[1].inferred  # the tag is honoured, not inferred
    assert services["web"]["depends_on"] == ["worker"] and services["web"]["count"] == 2
    assert services["worker"]["port"] == 9000
    assert set(services["worker"]["depends_on"]) == {"aurora", "cache", "files"}
    aurora = services["aurora"]
    assert (aurora["kind"], aurora["engine"], aurora["count"], aurora["failover"]) == (
        "database",
        "postgres",
        2,
        "primary-standby",
    )
    # a replication group with automatic failover: AWS's managed failover, not a pair to front
    cache = services["cache"]
    assert (cache["kind"], cache["count"], cache["failover"]) == ("database", 2, "primary-standby")
    assert services["files"] == {"kind": "filesystem", "zones": ["eu-west-1a"]}
    written = tmp_path / "families-topology.yaml"
    written.write_text(write_topology(imported))
    result = run(str(written))
    assert result.plan is not None, [str(p) for p in result.problems]
    rules = {(f.rule, f.service) for f in result.findings}
    assert ("TR007", None) in rules  # one NAT gateway for both zones


def test_from_cloudformation_refuses_a_topology(tmp_path: Path) -> None:
    run = tiered("--from", "cloudformation", "validate", str(ROOT / "topology.yaml"))
    assert run.returncode == 2
    assert "not a CloudFormation template" in run.stderr


def test_json_template_with_tabs_and_a_parameters_file(tmp_path: Path) -> None:
    body = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Parameters": {"Subnet": {"Type": "AWS::EC2::Subnet::Id"}},
        "Resources": {
            "Box": {
                "Type": "AWS::EC2::Instance",
                "Properties": {"SubnetId": {"Ref": "Subnet"}, "InstanceType": "t3.micro"},
            }
        },
    }
    template = tmp_path / "stack.json"
    template.write_text(json.dumps(body, indent="\t"))
    parameters = tmp_path / "params.json"
    parameters.write_text(json.dumps([{"ParameterKey": "Subnet", "ParameterValue": "subnet-9"}]))
    out = tmp_path / "topology.yaml"
    run = tiered(
        "import",
        "cloudformation",
        str(template),
        "--parameters",
        str(parameters),
        "--zone",
        "subnet-9=ap-south-1b",
        "-o",
        str(out),
    )
    assert run.returncode == 0, run.stderr
    written = yaml.safe_load(out.read_text())
    assert written["region"] == "ap-south-1" and written["zones"] == ["ap-south-1b"]
    run = tiered("--parameters", str(tmp_path / "missing.json"), "validate", str(template))
    assert run.returncode == 2 and "no such file" in run.stderr


def test_nested_stack_outputs_carry_subnets_to_the_parent(tmp_path: Path) -> None:
    (tmp_path / "network.yaml").write_text(
        "Resources:\n"
        "  A: {Type: AWS::EC2::Subnet, Properties: {AvailabilityZone: eu-north-1a}}\n"
        "  B: {Type: AWS::EC2::Subnet, Properties: {AvailabilityZone: eu-north-1b}}\n"
        "Outputs:\n  SubnetA: {Value: !Ref A}\n  SubnetB: {Value: !Ref B}\n"
    )
    template = tmp_path / "app.yaml"
    template.write_text(
        "Resources:\n"
        "  Network: {Type: AWS::CloudFormation::Stack, Properties: {TemplateURL: network.yaml}}\n"
        "  Api:\n    Type: AWS::AutoScaling::AutoScalingGroup\n"
        "    Properties:\n      MinSize: '2'\n      MaxSize: '4'\n"
        "      VPCZoneIdentifier:\n"
        "        - !GetAtt Network.Outputs.SubnetA\n"
        "        - !GetAtt Network.Outputs.SubnetB\n"
    )
    imported = import_template(str(template), ImportOptions(region="eu-north-1"))
    assert not imported.report.problems and not imported.report.notes
    assert imported.data is not None
    assert imported.data["zones"] == ["eu-north-1a", "eu-north-1b"]
    assert imported.data["tiers"]["app"]["services"]["api"]["count"] == 2


def test_output_folder_is_refused(tmp_path: Path) -> None:
    run = tiered(
        "import",
        "cloudformation",
        str(SAMPLES / "EC2InstanceWithSecurityGroupSample.yaml"),
        "-o",
        str(tmp_path),
    )
    assert run.returncode == 2 and "is a folder" in run.stderr


def test_a_transform_is_reported_and_its_resources_listed(tmp_path: Path) -> None:
    template = tmp_path / "sam.yaml"
    template.write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n"
        "  Fn: {Type: AWS::Serverless::Function, Properties: {Runtime: python3.12}}\n"
        "  Box: {Type: AWS::EC2::Instance, Properties: {AvailabilityZone: us-east-1a}}\n"
    )
    imported = import_template(str(template), ImportOptions())
    assert any("transform AWS::Serverless-2016-10-31" in n.message for n in imported.report.notes)
    assert imported.report.notes[0].location.line == 1
    assert [u.logical for u in imported.report.unmapped] == ["Fn"]
