"""Issue 22: an import never turns a guess into a verdict — unknown zones stay unknown,
Auto Scaling groups are read as AWS runs them, and the third-party samples reach their
experts' verdicts with the parameters an owner would give and without zone information.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tiered.findings import Finding
from tiered.importers import read_foreign
from tiered.importers.cloudformation.assemble import import_template
from tiered.importers.options import ImportOptions
from tiered.pipeline import Result, check_loaded
from tiered.validation.regions import region_zone_names

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "tests" / "fixtures" / "cfn-samples"
ZONE_RULES = {"TR002", "TR003", "TR005", "TR007"}


def tiered(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tiered", *args], capture_output=True, text=True, timeout=120
    )


def validate(path: Path, *options: str) -> tuple[int, dict[str, Any], str]:
    run = tiered(*options, "validate", str(path), "--format", "json")
    return run.returncode, (json.loads(run.stdout) if run.stdout else {}), run.stderr


def rules_of(payload: dict[str, Any]) -> set[tuple[str, str | None]]:
    return {(f["rule"], f["service"]) for f in payload["findings"]}


def findings(path: Path, options: ImportOptions) -> list[Finding]:
    loaded = read_foreign(str(path), options)
    assert loaded is not None
    checked = check_loaded(loaded)
    assert checked.plan is not None, checked.problems
    return Result(str(path), checked.topology, checked.plan, checked.source, []).findings


def every_zone_is_real(text: str, region: str) -> None:
    real = set(region_zone_names(region))
    named = set(re.findall(rf"\b{region}[a-z]\b", text))
    assert named <= real, named - real


# -- the samples, with an owner's parameters and without zone information ---------------


WORDPRESS = SAMPLES / "wordpress-multi-az.yaml"
OWNER = (
    "--param",
    "Subnets=subnet-1,subnet-2",
    "--param",
    "VpcId=vpc-1",
    "--zone",
    "subnet-1=us-east-1a",
    "--zone",
    "subnet-2=us-east-1b",
)


def test_wordpress_single_web_instance_is_the_spof_and_the_database_survives() -> None:
    code, payload, err = validate(WORDPRESS, *OWNER)
    assert code == 1
    found = rules_of(payload)
    assert ("TR001", "web-server-group") in found
    assert not [s for r, s in found if s == "db-instance" and r != "TR011"]
    assert "an Auto Scaling group of one instance (MinSize 1, MaxSize 5, DesiredCapacity 1)" in err
    assert "an outage of about 5–15 minutes" in err
    assert "depends on zones" not in err  # every subnet's zone was given


def test_wordpress_single_zone_database_when_not_multi_az() -> None:
    code, payload, _ = validate(WORDPRESS, *OWNER, "--param", "MultiAZDatabase=false")
    assert code == 1
    assert ("TR001", "db-instance") in rules_of(payload)
    code, payload, _ = validate(WORDPRESS, *OWNER, "--param", "WebServerCapacity=2")
    assert code == 0, payload
    assert not [f for f in payload["findings"] if f["severity"] == "error"]


def test_wordpress_without_zones_names_the_unknowns_and_invents_no_spof() -> None:
    code, payload, err = validate(WORDPRESS)
    assert code == 1
    found = rules_of(payload)
    assert ("TR001", "web-server-group") in found  # one instance, whatever the zones
    assert not {r for r, _ in found} & ZONE_RULES
    assert "subnet Subnets[1] is a value of the parameter Subnets" in err
    assert "subnet Subnets[2] is a value of the parameter Subnets" in err
    assert (
        "application-load-balancer: TR002 depends on zones the template does not give — none "
        "while subnet Subnets[1] and subnet Subnets[2] are in different zones"
    ) in err
    every_zone_is_real(err + json.dumps(payload), "us-east-1")
    strict = tiered("--strict", "validate", str(WORDPRESS))
    assert strict.returncode == 2
    assert re.search(
        r"wordpress-multi-az\.yaml:\d+:\d+: application-load-balancer: TR002", strict.stderr
    )
    assert "give --param Subnets=subnet-…,subnet-… --zone subnet-…=ZONE" in strict.stderr


WIDDIX = SAMPLES / "widdix-wordpress-ha.yaml"
EXPORTED = {
    "vpc-SubnetAPublic": ("subnet-0a1", "us-east-1a"),
    "vpc-SubnetBPublic": ("subnet-0b1", "us-east-1b"),
    "vpc-SubnetAPrivate": ("subnet-0a2", "us-east-1a"),
    "vpc-SubnetBPrivate": ("subnet-0b2", "us-east-1b"),
}


def test_widdix_without_exports_says_what_it_cannot_know(tmp_path: Path) -> None:
    code, payload, err = validate(WIDDIX)
    assert code == 0, payload  # no invented single zone: no TR002, no TR007
    assert not {r for r, _ in rules_of(payload)} & (ZONE_RULES | {"TR001"})
    shown = re.findall(
        r"the subnet exported as (\S+) comes from another stack.*?shown as (\S+)", err
    )
    assert sorted(name for name, _ in shown) == sorted(
        f"${{ParentVPCStack}}-{n.removeprefix('vpc-')}" for n in EXPORTED
    )
    assert len({zone for _, zone in shown}) == 4  # four unknown subnets, four distinct zones
    for service in ("auto-scaling-group", "efs-file-system", "load-balancer"):
        assert f"{service}: TR002 depends on zones the template does not give" in err
    every_zone_is_real(err, "us-east-1")
    strict = tiered("--strict", "validate", str(WIDDIX))
    assert strict.returncode == 2
    assert "--zone ${ParentVPCStack}-SubnetAPublic=ZONE" in strict.stderr
    assert "--exports FILE" in strict.stderr and "--param ParentVPCStack=" in strict.stderr


def test_widdix_with_the_exports_of_the_vpc_stack_survives_a_zone(tmp_path: Path) -> None:
    exports = tmp_path / "exports.json"
    listed = [
        {"ExportingStackId": "arn:aws:cloudformation:…:stack/vpc/1", "Name": n, "Value": v}
        for n, (v, _) in EXPORTED.items()
    ]
    exports.write_text(json.dumps({"Exports": listed}))
    zones = [arg for _, (v, z) in EXPORTED.items() for arg in ("--zone", f"{v}={z}")]
    options = ("--param", "ParentVPCStack=vpc", "--exports", str(exports), *zones)
    code, payload, err = validate(WIDDIX, *options, "--strict")
    assert code == 0, err
    assert payload["summary"]["zones"] == 2
    assert "its zone is unknown" not in err
    # one export given on the command line wins over the file
    single = ("--export", "vpc-SubnetBPublic=subnet-0a1")
    code, payload, _ = validate(WIDDIX, *options, *single)
    assert ("TR002", "auto-scaling-group") in rules_of(payload)


def test_a_bad_exports_file_is_a_located_error(tmp_path: Path) -> None:
    exports = tmp_path / "exports.json"
    exports.write_text('{"Exports": [{"Name": "a", "Value": "b"}, {"Nme": "x"}]}')
    run = tiered("--exports", str(exports), "validate", str(WIDDIX))
    assert run.returncode == 2
    assert (
        f"{exports}:1:" in run.stderr
        and "an export entry must have a Name and a Value" in run.stderr
    )
    exports.write_text("[1, 2")
    run = tiered("--exports", str(exports), "validate", str(WIDDIX))
    assert run.returncode == 2 and "Traceback" not in run.stderr


def test_elasticache_zones_come_from_the_template_mapping() -> None:
    _, payload, err = validate(SAMPLES / "elasticache-snapshot.json")
    assert payload["summary"]["zones"] == 2
    assert not {r for r, _ in rules_of(payload)} & (ZONE_RULES | {"TR001"})
    assert "its zone is unknown" not in err
    imported = import_template(str(SAMPLES / "elasticache-snapshot.json"), ImportOptions())
    assert imported.data is not None and imported.data["zones"] == ["us-east-1b", "us-east-1c"]


ECS = SAMPLES / "ecs-refarch"


def test_ecs_cluster_subnets_through_a_nested_joined_output_span_two_zones() -> None:
    code, payload, err = validate(
        ECS / "master.yaml", "--template-dir", str(ECS / "infrastructure")
    )
    assert code == 0, err
    assert payload["summary"]["zones"] == 2
    # only TR012: the failover of the imported generic services is assumed
    assert {f["rule"] for f in payload["findings"]} == {"TR012"}
    assert "its zone is unknown" not in err


def test_ecs_cluster_alone_names_its_unknown_subnets() -> None:
    cluster = ECS / "infrastructure" / "ecs-cluster.yaml"
    code, payload, err = validate(cluster)
    assert code == 0 and {f["rule"] for f in payload["findings"]} == {"TR012"}
    assert "subnet Subnets[1]" in err and "subnet Subnets[2]" in err
    assert "ecs-auto-scaling-group: TR002 depends on zones" in err
    given = ("--param", "Subnets=subnet-1,subnet-2", "--zone", "subnet-1=us-east-1a")
    code, payload, err = validate(cluster, *given, "--zone", "subnet-2=us-east-1a")
    assert ("TR002", "ecs-auto-scaling-group") in rules_of(payload)  # the owner's answer


# -- Auto Scaling groups ------------------------------------------------------------------


def group(tmp_path: Path, sizes: str, subnets: int = 2) -> Path:
    names = [f"S{i}" for i in range(subnets)]
    body = "".join(
        f"  {n}: {{Type: AWS::EC2::Subnet, "
        f"Properties: {{AvailabilityZone: eu-west-1{'abc'[i]}}}}}\n"
        for i, n in enumerate(names)
    )
    template = tmp_path / "group.yaml"
    template.write_text(
        "Resources:\n" + body + "  Web:\n    Type: AWS::AutoScaling::AutoScalingGroup\n"
        f"    Properties: {{{sizes}, "
        f"VPCZoneIdentifier: [{', '.join('!Ref ' + n for n in names)}]}}\n"
    )
    return template


def test_a_group_of_one_is_one_relaunching_instance_not_two_replicas(tmp_path: Path) -> None:
    template = group(tmp_path, "MinSize: '1', MaxSize: '1'")
    imported = import_template(str(template), ImportOptions())
    assert imported.data is not None
    web = imported.data["tiers"]["app"]["services"]["web"]
    assert web["count"] == 1 and web["failover"] == "none" and "min_healthy" not in web
    assert imported.inferred or "failover" in imported.drafts[0].inferred
    code, payload, err = validate(template)
    assert code == 1 and ("TR001", "web") in rules_of(payload)
    assert "Web: an Auto Scaling group of one instance (MinSize 1, MaxSize 1)" in err
    assert "5–15 minutes" in err and "not a replica" in err


def test_min_size_is_the_group_floor_not_min_healthy(tmp_path: Path) -> None:
    template = group(tmp_path, "MinSize: '2', MaxSize: '4'")
    code, payload, _ = validate(template)
    assert code == 0, payload
    imported = import_template(str(template), ImportOptions())
    assert imported.data is not None
    web = imported.data["tiers"]["app"]["services"]["web"]
    assert web["count"] == 2 and "min_healthy" not in web


def test_desired_capacity_is_respected(tmp_path: Path) -> None:
    template = group(tmp_path, "MinSize: '1', MaxSize: '9', DesiredCapacity: '5'", subnets=3)
    imported = import_template(str(template), ImportOptions())
    assert imported.data is not None
    web = imported.data["tiers"]["app"]["services"]["web"]
    assert web["count"] == 5 and "placement" not in web  # 2+2+1, the round robin


# -- zones: never invented, never collapsed, given however the template is written ------


def test_zone_names_are_never_invented_beyond_the_region(tmp_path: Path) -> None:
    params = "".join(f"  P{i}: {{Type: 'AWS::EC2::Subnet::Id'}}\n" for i in range(8))
    instances = "".join(
        f"  Vm{i}: {{Type: AWS::EC2::Instance, Properties: {{SubnetId: !Ref P{i}, "
        f"Tags: [{{Key: tiered:service, Value: api}}]}}}}\n"
        for i in range(8)
    )
    template = tmp_path / "many.yaml"
    template.write_text(f"Parameters:\n{params}Resources:\n{instances}")
    for region in ("us-east-1", "us-west-1", "eu-west-3"):
        imported = import_template(str(template), ImportOptions(region=region))
        assert imported.data is not None
        zones = imported.data["zones"]
        assert set(zones) <= set(region_zone_names(region))
        assert len(zones) == len(region_zone_names(region))  # as many apart as there can be
        notes = "\n".join(str(n) for n in imported.report.notes)
        every_zone_is_real(notes, region)
        assert f"has only {len(zones)} zones" in notes
        for i in range(8):
            assert f"subnet P{i} is a value of the parameter P{i}" in notes


def test_get_azs_lists_only_zones_the_region_has(tmp_path: Path) -> None:
    subnets = "".join(
        f"  S{i}: {{Type: AWS::EC2::Subnet, Properties: "
        f"{{AvailabilityZone: !Select [{i}, !GetAZs '']}}}}\n"
        for i in range(3)
    )
    template = tmp_path / "azs.yaml"
    template.write_text(
        "Resources:\n" + subnets + "  Web:\n    Type: AWS::AutoScaling::AutoScalingGroup\n"
        "    Properties: {MinSize: '3', MaxSize: '3',\n"
        "                 VPCZoneIdentifier: [!Ref S0, !Ref S1, !Ref S2]}\n"
    )
    imported = import_template(str(template), ImportOptions(region="ca-central-1"))
    assert imported.data is not None
    assert imported.data["zones"] == ["ca-central-1a", "ca-central-1b", "ca-central-1d"]


NIC = """\
Parameters:
  Subnet: {Type: 'AWS::EC2::Subnet::Id'}
  Other: {Type: 'AWS::EC2::Subnet::Id'}
Resources:
  Eni:
    Type: AWS::EC2::NetworkInterface
    Properties: {SubnetId: !Ref Subnet}
  Primary:
    Type: AWS::EC2::Instance
    Properties:
      Tags: [{Key: tiered:service, Value: pair}]
      NetworkInterfaces: [{NetworkInterfaceId: !Ref Eni, DeviceIndex: '0'}]
  Secondary:
    Type: AWS::EC2::Instance
    Properties:
      Tags: [{Key: tiered:service, Value: pair}]
      NetworkInterfaces: [{SubnetId: !Ref Other, DeviceIndex: '0'}]
"""


def test_zone_option_reaches_subnets_behind_network_interfaces(tmp_path: Path) -> None:
    template = tmp_path / "nic.yaml"
    template.write_text(NIC)
    options = ImportOptions(
        parameters={"Subnet": "subnet-1", "Other": "subnet-2"},
        zones={"subnet-1": "us-east-1c", "subnet-2": "us-east-1d"},
    )
    imported = import_template(str(template), options)
    assert imported.data is not None
    assert imported.data["zones"] == ["us-east-1c", "us-east-1d"]
    assert not [n for n in imported.report.notes if "zone is unknown" in n.message]
    unknown = import_template(str(template), ImportOptions())
    notes = "\n".join(n.message for n in unknown.report.notes)
    assert "subnet Subnet is a value of the parameter Subnet" in notes
    assert "subnet Other is a value of the parameter Other" in notes
    assert "default VPC" not in notes  # the interface places it: not "placed nowhere"


# -- property: zones apart never give more zone findings than zones together -------------


@st.composite
def templates(draw: st.DrawFn) -> tuple[str, int]:
    """A template whose subnets are all parameters: instances and groups over them."""
    subnets = draw(st.integers(2, 4))
    lines = ["Parameters:"]
    lines += [f"  Subnet{i}: {{Type: 'AWS::EC2::Subnet::Id'}}" for i in range(subnets)]
    lines.append("Resources:")
    for s in range(draw(st.integers(1, 3))):
        used = draw(st.lists(st.integers(0, subnets - 1), min_size=1, max_size=subnets))
        if draw(st.booleans()):
            refs = ", ".join(f"!Ref Subnet{i}" for i in used)
            size = draw(st.integers(1, 4))
            lines.append(f"  Group{s}: {{Type: AWS::AutoScaling::AutoScalingGroup, Properties: ")
            lines[-1] += f"{{MinSize: '{size}', MaxSize: '8', VPCZoneIdentifier: [{refs}]}}}}"
        else:
            failover = draw(st.sampled_from(["active-active", "quorum", "active-passive"]))
            for n, i in enumerate(used):
                tags = (
                    f"[{{Key: tiered:service, Value: svc{s}}}, "
                    f"{{Key: tiered:failover, Value: {failover}}}]"
                )
                lines.append(
                    f"  Svc{s}Vm{n}: {{Type: AWS::EC2::Instance, Properties: "
                    f"{{SubnetId: !Ref Subnet{i}, Tags: {tags}}}}}"
                )
    return "\n".join(lines) + "\n", subnets


def zone_findings(found: list[Finding]) -> int:
    return sum(1 for f in found if f.rule in ZONE_RULES)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(templates())
def test_distinct_zones_never_give_more_zone_findings_than_one_zone(
    tmp_path: Path, case: tuple[str, int]
) -> None:
    text, subnets = case
    template = tmp_path / "property.yaml"
    template.write_text(text)
    values = {f"Subnet{i}": f"subnet-{i}" for i in range(subnets)}
    zones = region_zone_names("us-east-1")
    apart = ImportOptions(values, zones={f"subnet-{i}": zones[i] for i in range(subnets)})
    together = ImportOptions(values, zones={f"subnet-{i}": zones[0] for i in range(subnets)})
    assert zone_findings(findings(template, apart)) <= zone_findings(findings(template, together))
    # without a mapping, every unknown is named
    unknown = import_template(str(template), ImportOptions(values))
    notes = "\n".join(n.message for n in unknown.report.notes)
    used = set(re.findall(r"!Ref Subnet(\d)", text))
    for i in used:
        assert f"subnet subnet-{i} has no zone given: its zone is unknown" in notes
        assert f"--zone subnet-{i}=ZONE" in notes


def test_unnamed_unknown_subnets_stay_apart_and_bad_ones_are_located(tmp_path: Path) -> None:
    template = tmp_path / "odd.yaml"
    body = (
        "Resources:\n  G:\n    Type: AWS::AutoScaling::AutoScalingGroup\n"
        "    Properties:\n      MinSize: {Fn::ImportValue: [1, 2]}\n      MaxSize: '3'\n"
        "      DesiredCapacity: '2'\n"
        "      VPCZoneIdentifier: [{Fn::ImportValue: 42}, {Fn::ImportValue: [a]}]\n"
    )
    template.write_text(body)
    imported = import_template(str(template), ImportOptions(region="eu-west-1"))
    assert imported.data is not None and len(imported.data["zones"]) == 2
    notes = "\n".join(n.message for n in imported.report.notes)
    assert "the subnet at 8:26 cannot be resolved" in notes
    assert "the subnet at 8:26 #2 cannot be resolved" in notes
    assert "G: MinSize is not determined by the template" in notes
    template.write_text(body.replace("{Fn::ImportValue: 42}", "{Fn::ImportValue: {Fn::Join: [x]}}"))
    run = tiered("--region", "eu-west-1", "validate", str(template))
    assert run.returncode == 2 and f"{template}:8:" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_group_of_one_in_one_zone_waits_for_the_zone(tmp_path: Path) -> None:
    imported = import_template(
        str(group(tmp_path, "MinSize: '1', MaxSize: '1'", subnets=1)), ImportOptions()
    )
    notes = "\n".join(n.message for n in imported.report.notes)
    assert "when its one zone fails, until the zone is back" in notes
    assert "another of its zones" not in notes


def test_suggested_new_zones_exist_in_the_region(tmp_path: Path) -> None:
    topology = tmp_path / "topology.yaml"
    topology.write_text(
        "version: 1\nname: shop\nregion: us-east-1\nzones: [us-east-1f]\n"
        "network: {cidr: 10.0.0.0/16}\n"
        "tiers:\n  app:\n    role: application\n"
        "    services:\n      api: {count: 2, failover: active-active}\n"
    )
    run = tiered("validate", str(topology))
    assert "`zones: [us-east-1f, us-east-1a]`" in run.stdout
    every_zone_is_real(run.stdout, "us-east-1")
