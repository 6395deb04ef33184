"""The CloudFormation renderer, checked on the template itself: goldens, the plan's zones and
addresses, security groups walked edge by edge, databases, file systems, DNS failover, tags,
limits and nesting, refusals, determinism, and the weight of the render path."""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ALL_TOPOLOGIES, ROOT, run_tiered
from tests.golden_support import check_goldens
from tests.test_cloudformation_helpers import (
    RENDERABLE,
    aws_topologies,
    expected_refusal,
    instance_network,
    large_topology,
    plan_of,
    render,
    resources_of,
    single_template,
)
from tiered import model
from tiered.exporters.base import ExportOptions, ExportRefused
from tiered.exporters.registry import get
from tiered.pipeline import Result, plan_file
from tiered.placement.plan import Plan
from tiered.placement.planner import build_plan
from tiered.renderers.cloudformation.serialize import dump

GOLDEN = ROOT / "tests" / "golden"
IDS = {"ids": lambda p: Path(p).stem}


def camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("-"))


def tag_map(resource: dict[str, Any]) -> dict[str, str]:
    properties = resource["Properties"]
    listed = properties.get("Tags") or properties.get("FileSystemTags") or []
    listed = listed or properties.get("HealthCheckTags") or []
    return {t["Key"]: t["Value"] for t in listed}


def walk(value: Any) -> list[Any]:
    """Every dict key and scalar in a template, for searching."""
    found: list[Any] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found.append(key)
            found.extend(walk(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(walk(item))
    else:
        found.append(value)
    return found


# --- goldens ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", RENDERABLE, **IDS)
def test_golden_templates(path: Path) -> None:
    files = render(plan_file(str(path)))
    folder = GOLDEN / path.stem
    check_goldens(folder, files, "cloudformation")


# --- refusals and the command line --------------------------------------------------------


@pytest.mark.parametrize("path", ALL_TOPOLOGIES, **IDS)
def test_refuses_exactly_what_it_cannot_deploy(path: Path, tmp_path: Path) -> None:
    plan = plan_file(str(path))
    reason = expected_refusal(plan)
    assert get("render", "cloudformation").applies_to(Result.of_plan(plan)) == (
        plan.provider == "aws"
    )
    if reason is None:
        assert render(plan)
        return
    with pytest.raises(ExportRefused, match=reason):
        render(plan)
    out = tmp_path / "out"
    result = run_tiered("render", "cloudformation", str(path), "--out", str(out))
    assert result.returncode == 2, result.stderr
    assert reason in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_cli_writes_yaml_or_json_with_the_same_content(tmp_path: Path) -> None:
    yaml_out, json_out = tmp_path / "y", tmp_path / "j"
    first = run_tiered("render", "cloudformation", "topology.yaml", "--out", str(yaml_out))
    second = run_tiered(
        "render", "cloudformation", "topology.yaml", "--out", str(json_out), "--format", "json"
    )
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    as_yaml = yaml.safe_load((yaml_out / "cloudformation/toro-integrate-ha.yaml").read_text())
    as_json = json.loads((json_out / "cloudformation/toro-integrate-ha.json").read_text())
    assert as_yaml == as_json
    assert sorted(p.name for p in yaml_out.rglob("*") if p.is_file()) == ["toro-integrate-ha.yaml"]


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    result = run_tiered(
        "render", "cloudformation", "topology.yaml", "--out", str(tmp_path / "o"), "-f", "xml"
    )
    assert result.returncode == 2
    assert "cannot be written as 'xml'" in result.stderr and "--format yaml" in result.stderr
    assert not (tmp_path / "o").exists()


def test_output_is_byte_identical_across_hash_seeds(tmp_path: Path) -> None:
    texts = []
    for seed in ("0", "4242"):
        out = tmp_path / seed
        result = run_tiered(
            "render",
            "cloudformation",
            "examples/marketplace-large.yaml",
            "--out",
            str(out),
            env={"PYTHONHASHSEED": seed},
        )
        assert result.returncode == 0, result.stderr
        texts.append((out / "cloudformation/marketplace.yaml").read_bytes())
    assert texts[0] == texts[1]


def test_no_yaml_aliases_even_for_shared_values() -> None:
    for path in RENDERABLE:
        for text in render(plan_file(str(path))).values():
            assert "&id" not in text and "*id" not in text


def test_logical_id_collisions_are_refused() -> None:
    data = large_topology(replicas=2)
    data["tiers"]["app"]["services"] = {
        "cache-1": {"count": 1, "port": 6379},
        "cache1": {"count": 1, "port": 6380},
    }
    data["tiers"]["web"]["services"]["proxy"]["routes"] = [{"path": "/", "to": "cache1"}]
    # validation refuses these names on AWS (tests/test_name_clashes.py); the renderer keeps
    # its own guard for a plan built without it
    plan = build_plan(model.Topology.model_validate(data))
    with pytest.raises(ExportRefused, match="'service cache-1' and 'service cache1' both"):
        render(plan)


def test_render_path_imports_neither_networkx_nor_diagrams(tmp_path: Path) -> None:
    """The template embeds each instance's configuration (nginx.conf is a jinja2 template),
    so jinja2 is on the render path; the graph and drawing libraries are not."""
    result = run_tiered(
        "render",
        "cloudformation",
        "topology.yaml",
        "--out",
        str(tmp_path),
        env={"PYTHONPROFILEIMPORTTIME": "1"},
    )
    assert result.returncode == 0, result.stderr
    modules = {
        line.split("|")[-1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    }
    imported = {name.split(".")[0] for name in modules}
    assert "tiered.renderers.cloudformation.build" in modules  # the profile is real
    assert "yaml" in imported
    assert imported.isdisjoint({"networkx", "diagrams"})


# --- the template against the plan --------------------------------------------------------


@pytest.fixture(params=RENDERABLE, ids=lambda p: Path(p).stem)
def rendered(request: pytest.FixtureRequest) -> tuple[Plan, dict[str, Any]]:
    plan = plan_file(str(request.param))
    return plan, single_template(plan)


def zone_of(template: dict[str, Any], value: dict[str, str]) -> str:
    """A zone reference (a parameter) resolved to its default: the planned zone."""
    default: str = template["Parameters"][value["Ref"]]["Default"]
    return default


def test_subnets_and_instances_are_where_the_plan_puts_them(
    rendered: tuple[Plan, dict[str, Any]],
) -> None:
    plan, template = rendered
    subnets = resources_of(template, "AWS::EC2::Subnet")
    assert len(subnets) == len(plan.subnets)
    for subnet in plan.subnets:
        resource = subnets[f"Subnet{camel(subnet.name)}"]["Properties"]
        assert resource["CidrBlock"] == str(subnet.cidr)
        assert zone_of(template, resource["AvailabilityZone"]) == subnet.zone
        assert resource["MapPublicIpOnLaunch"] is False
    instances = resources_of(template, "AWS::EC2::Instance")
    assert len(instances) == len(plan.instances)
    for planned in plan.instances:
        properties = instances[f"Instance{camel(planned.name)}"]["Properties"]
        network = instance_network(template, f"Instance{camel(planned.name)}")
        assert network["PrivateIpAddress"] == str(planned.ip)
        subnet = subnets[network["SubnetId"]["Ref"]]["Properties"]
        assert ipaddress.ip_address(planned.ip) in ipaddress.ip_network(subnet["CidrBlock"])
        assert zone_of(template, subnet["AvailabilityZone"]) == planned.zone
        # an explicit image id, chosen at creation and kept by updates (no SSM re-resolution)
        ami = template["Parameters"][properties["ImageId"]["Ref"]]
        assert ami["Type"] == "AWS::EC2::Image::Id"
        assert "Default" not in ami
        images = template["Metadata"]["tiered"]["images"]
        ssm = images[properties["ImageId"]["Ref"]]["ssm_parameter"]
        assert ssm.startswith("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-")
        assert ssm in ami["Description"]
        # each service follows its own launch template
        service = planned.service
        launch = properties["LaunchTemplate"]
        assert launch["LaunchTemplateId"] == {"Ref": f"LaunchTemplate{camel(service)}"}
        assert launch["Version"] == {
            "Fn::GetAtt": [f"LaunchTemplate{camel(service)}", "LatestVersionNumber"]
        }
        own = f"InstanceProfile{camel(planned.service)}"  # a boot that reads secrets
        assert properties["IamInstanceProfile"]["Ref"] in (own, "InstanceProfile")
        if properties["IamInstanceProfile"]["Ref"] == own:
            assert template["Resources"][own]["Type"] == "AWS::IAM::InstanceProfile"
        assert properties["KeyName"]["Fn::If"][0] == "HasKeyName"
        assert properties["Monitoring"] is True


def test_every_instance_recovers_automatically(rendered: tuple[Plan, dict[str, Any]]) -> None:
    plan, template = rendered
    alarms = resources_of(template, "AWS::CloudWatch::Alarm")
    alarms.pop("EntryHealthAlarm", None)  # the entry's health (tests/test_fis.py)
    recovered = set()
    for alarm in alarms.values():
        properties = alarm["Properties"]
        assert properties["MetricName"] == "StatusCheckFailed_System"
        assert properties["AlarmActions"] == [
            {"Fn::Sub": "arn:${AWS::Partition}:automate:${AWS::Region}:ec2:recover"}
        ]
        recovered.add(properties["Dimensions"][0]["Value"]["Ref"])
    assert recovered == {f"Instance{camel(i.name)}" for i in plan.instances}


def test_instances_enforce_imdsv2_and_use_ssm_not_ssh(
    rendered: tuple[Plan, dict[str, Any]],
) -> None:
    plan, template = rendered
    if not plan.instances:
        return
    launch_templates = resources_of(template, "AWS::EC2::LaunchTemplate")
    assert sorted(launch_templates) == sorted(
        f"LaunchTemplate{camel(s.name)}" for s in plan.services.values() if s.instances
    )
    for launch_template in launch_templates.values():
        data = launch_template["Properties"]["LaunchTemplateData"]
        assert data["MetadataOptions"]["HttpTokens"] == "required"
    role = template["Resources"]["InstanceRole"]["Properties"]
    assert role["ManagedPolicyArns"] == [
        {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"}
    ]
    assert template["Parameters"]["KeyName"]["Default"] == ""


def test_nat_gateway_per_zone_and_private_routes_stay_in_their_zone(
    rendered: tuple[Plan, dict[str, Any]],
) -> None:
    plan, template = rendered
    gateways = resources_of(template, "AWS::EC2::NatGateway")
    assert len(gateways) == len(plan.network.nat_gateways)
    for nat in plan.network.nat_gateways:
        properties = gateways[f"NatGateway{camel(nat.zone)}"]["Properties"]
        assert properties["PrivateIpAddress"] == str(nat.ip)
        assert properties["SubnetId"] == {"Ref": f"Subnet{camel(nat.subnet)}"}
    routes = resources_of(template, "AWS::EC2::Route")
    serving = {zone: nat.zone for nat in plan.network.nat_gateways for zone in nat.serves}
    for zone in plan.zones:
        route = routes.get(f"RoutePrivateDefault{camel(zone)}")
        if route is None:  # no private subnet in this zone
            continue
        assert route["Properties"]["NatGatewayId"] == {"Ref": f"NatGateway{camel(serving[zone])}"}
    associations = resources_of(template, "AWS::EC2::SubnetRouteTableAssociation")
    for subnet in plan.subnets:
        if subnet.rds_only:  # in the DB subnet group only: no route at all
            assert f"RouteTableAssociation{camel(subnet.name)}" not in associations
            continue
        table = associations[f"RouteTableAssociation{camel(subnet.name)}"]["Properties"]
        expected = "RouteTablePublic" if subnet.public else f"RouteTablePrivate{camel(subnet.zone)}"
        assert table["RouteTableId"] == {"Ref": expected}


def test_security_groups_admit_only_callers_on_the_callee_port(
    rendered: tuple[Plan, dict[str, Any]],
) -> None:
    """Walk every group: world only on entry listen ports, else only callers on the port."""
    plan, template = rendered
    groups = resources_of(template, "AWS::EC2::SecurityGroup")
    service_of = {logical: tag_map(group)["tiered:service"] for logical, group in groups.items()}
    assert sorted(service_of.values()) == sorted(plan.services)
    callers = {name: set() for name in plan.services}  # type: dict[str, set[str]]
    for service in plan.services.values():
        for callee in service.calls:
            callers[callee].add(service.name)
    for logical, group in groups.items():
        service = plan.services[service_of[logical]]
        rules = group["Properties"].get("SecurityGroupIngress", [])
        world = {r["FromPort"] for r in rules if "CidrIp" in r}
        assert world == (set(service.listen) if service.entry else set()), service.name
        for rule in rules:
            assert rule["IpProtocol"] == "tcp" and rule["FromPort"] == rule["ToPort"]
            assert rule["Description"]
            if "CidrIp" in rule:
                assert rule["CidrIp"] == "0.0.0.0/0"
                continue
            source = rule["SourceSecurityGroupId"]["Fn::GetAtt"]
            assert source[1] == "GroupId"
            assert service_of[source[0]] in callers[service.name]
            assert rule["FromPort"] == service.port
        sources = {
            service_of[r["SourceSecurityGroupId"]["Fn::GetAtt"][0]]
            for r in rules
            if "CidrIp" not in r
        }
        assert sources == callers[service.name], service.name
    expected_port = {s.name: s.port for s in plan.services.values()}
    for service in plan.services.values():
        if service.kind == "filesystem":
            assert expected_port[service.name] == 2049
        if service.kind == "database":
            assert expected_port[service.name] == {"postgres": 5432}.get(
                service.engine or "", expected_port[service.name]
            )
    users = {
        **{
            k: instance_network(template, k)["SecurityGroupIds"]
            for k in resources_of(template, "AWS::EC2::Instance")
        },
        **{
            k: v["Properties"]["VPCSecurityGroups"]
            for k, v in resources_of(template, "AWS::RDS::DBInstance").items()
        },
        **{
            k: v["Properties"]["SecurityGroups"]
            for k, v in resources_of(template, "AWS::EFS::MountTarget").items()
        },
    }
    for logical, attached in users.items():
        assert len(attached) == 1
        service = service_of[attached[0]["Fn::GetAtt"][0]]
        assert tag_map(template["Resources"][logical]).get("tiered:service", service) == service


def test_databases_are_managed_encrypted_and_kept(rendered: tuple[Plan, dict[str, Any]]) -> None:
    plan, template = rendered
    databases = resources_of(template, "AWS::RDS::DBInstance")
    planned = [s for s in plan.services.values() if s.kind == "database"]
    assert len(databases) == len(planned)
    assert not [k for k in walk(template) if isinstance(k, str) and k == "MasterUserPassword"]
    for service in planned:
        resource = databases[f"Database{camel(service.name)}"]
        properties = resource["Properties"]
        assert properties["MultiAZ"] is (service.failover == "primary-standby")
        assert properties["ManageMasterUserPassword"] is True
        assert properties["StorageEncrypted"] is True
        assert properties["DeletionProtection"] is True
        assert properties["BackupRetentionPeriod"] >= 7
        assert properties["PubliclyAccessible"] is False
        assert properties["Engine"] == service.engine
        assert properties["Port"] == str(service.port)
        assert resource["DeletionPolicy"] == resource["UpdateReplacePolicy"] == "Snapshot"
        group = template["Resources"][properties["DBSubnetGroupName"]["Ref"]]["Properties"]
        expected = [
            {"Ref": f"Subnet{camel(plan.subnet_of(service.tier, z).name)}"}
            for z in plan.subnet_zones
        ]
        assert group["SubnetIds"] == expected


def test_file_systems_are_encrypted_with_a_mount_target_per_zone(
    rendered: tuple[Plan, dict[str, Any]],
) -> None:
    plan, template = rendered
    systems = resources_of(template, "AWS::EFS::FileSystem")
    targets = resources_of(template, "AWS::EFS::MountTarget")
    for service in (s for s in plan.services.values() if s.kind == "filesystem"):
        logical = f"FileSystem{camel(service.name)}"
        assert systems[logical]["Properties"]["Encrypted"] is True
        assert systems[logical]["DeletionPolicy"] == "Retain"
        mine = {
            k: v["Properties"]
            for k, v in targets.items()
            if v["Properties"]["FileSystemId"] == {"Ref": logical}
        }
        planned = [m for m in plan.managed if m.service == service.name]
        assert len(mine) == len(planned) == len(service.zones)
        for endpoint in planned:
            properties = mine[f"MountTarget{camel(service.name)}{camel(endpoint.zone)}"]
            assert properties["IpAddress"] == str(endpoint.ip)
            assert properties["SubnetId"] == {"Ref": f"Subnet{camel(endpoint.subnet)}"}


def test_route53_failover_for_the_active_passive_entry() -> None:
    plan = plan_file("topology.yaml")
    template = single_template(plan)
    records = resources_of(template, "AWS::Route53::RecordSet")
    checks = resources_of(template, "AWS::Route53::HealthCheck")
    assert sorted(r["Properties"]["Failover"] for r in records.values()) == ["PRIMARY", "SECONDARY"]
    by_role = {r["Properties"]["Failover"]: r["Properties"] for r in records.values()}
    assert by_role["PRIMARY"]["ResourceRecords"] == [{"Ref": "EipNginx1"}]
    assert by_role["SECONDARY"]["ResourceRecords"] == [{"Ref": "EipNginx2"}]
    for record in by_role.values():
        assert record["Name"] == "integrate.example.com."
        assert record["HostedZoneName"] == "example.com."
        config = checks[record["HealthCheckId"]["Ref"]]["Properties"]["HealthCheckConfig"]
        assert config["ResourcePath"] == "/healthz"
        assert config["IPAddress"] == record["ResourceRecords"][0]
        assert (config["Type"], config["Port"]) == ("HTTP", 80)
    # the address is the interface's from launch: it never waits for the instance, and
    # survives the instance's replacement (the records above keep pointing at it)
    eips = resources_of(template, "AWS::EC2::EIP")
    assert "InstanceId" not in eips["EipNginx1"]["Properties"]
    association = template["Resources"]["EipAssociationNginx1"]
    assert association["Properties"] == {
        "AllocationId": {"Fn::GetAtt": ["EipNginx1", "AllocationId"]},
        "NetworkInterfaceId": {"Ref": "NetworkInterfaceNginx1"},
    }
    instance = template["Resources"]["InstanceNginx1"]
    assert instance["Properties"]["NetworkInterfaces"] == [
        {"DeviceIndex": "0", "NetworkInterfaceId": {"Ref": "NetworkInterfaceNginx1"}}
    ]
    assert "EipAssociationNginx1" in instance["DependsOn"]


def test_no_dns_failover_without_an_entry_name() -> None:
    data = large_topology(replicas=2)
    del data["entry"]
    template = single_template(plan_of(data))
    assert not resources_of(template, "AWS::Route53::RecordSet")
    assert "EntryDnsName" not in template["Outputs"]
    assert {"PublicIpProxy1", "PublicIpProxy2"} <= set(template["Outputs"])


def test_every_taggable_resource_names_topology_tier_and_service(
    rendered: tuple[Plan, dict[str, Any]],
) -> None:
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    plan, template = rendered
    tagged_by_service = {
        "AWS::EC2::Instance",
        "AWS::EC2::SecurityGroup",
        "AWS::RDS::DBInstance",
        "AWS::EFS::FileSystem",
        "AWS::Route53::HealthCheck",
    }
    for logical, resource in template["Resources"].items():
        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema(plan.region, resource["Type"])
        properties = schema.schema["properties"]
        if not {"Tags", "FileSystemTags", "HealthCheckTags"} & set(properties):
            continue
        tags = tag_map(resource)
        assert tags.get("tiered:topology") == plan.name, logical
        assert tags["Name"].startswith(f"{plan.name}-"), logical
        if resource["Type"] in tagged_by_service:
            service = plan.services[tags["tiered:service"]]
            assert tags["tiered:tier"] == service.tier, logical


def test_metadata_groups_every_parameter_and_names_the_topology(
    rendered: tuple[Plan, dict[str, Any]],
) -> None:
    from tiered import __version__

    plan, template = rendered
    metadata = template["Metadata"]
    assert metadata["tiered"]["topology"] == plan.name
    assert metadata["tiered"]["version"] == __version__
    grouped = [
        name
        for group in metadata["AWS::CloudFormation::Interface"]["ParameterGroups"]
        for name in group["Parameters"]
    ]
    assert sorted(grouped) == sorted(template["Parameters"])
    labels = metadata["AWS::CloudFormation::Interface"]["ParameterLabels"]
    assert set(labels) == set(template["Parameters"])


# --- limits and nesting -------------------------------------------------------------------


def test_small_topologies_stay_one_template_under_the_limits() -> None:
    for path in RENDERABLE:
        files = render(plan_file(str(path)))
        assert len(files) == 1
        text = next(iter(files.values()))
        assert len(yaml.safe_load(text)["Resources"]) <= 500
        assert len(text.encode()) <= 1_000_000


@pytest.mark.slow
def test_past_500_resources_split_into_nested_stacks_per_tier() -> None:
    plan = plan_of(large_topology(replicas=260))
    files = render(plan)
    parent = yaml.safe_load(files["cloudformation/large.yaml"])
    children = {
        name.removeprefix("cloudformation/"): yaml.safe_load(text)
        for name, text in files.items()
        if name != "cloudformation/large.yaml"
    }
    # each instance carries its user data: the app tier needs several children
    apps = sorted(name for name in children if name.startswith("large-app-"))
    assert len(apps) >= 2
    assert apps == [f"large-app-{n}.yaml" for n in range(1, len(apps) + 1)]
    assert sorted(set(children) - set(apps)) == ["large-data.yaml", "large-web.yaml"]
    stacks = resources_of(parent, "AWS::CloudFormation::Stack")
    assert len(stacks) == len(children)
    for stack in stacks.values():
        url = stack["Properties"]["TemplateURL"]["Fn::Sub"]
        child = children[url.removeprefix("${TemplateBaseUrl}/")]
        assert set(stack["Properties"]["Parameters"]) == set(child.get("Parameters", {}))
        for name, value in stack["Properties"]["Parameters"].items():
            target = value.get("Ref") or value["Fn::GetAtt"][0]
            assert target in parent["Resources"] or target in parent["Parameters"], name
    for text in files.values():
        assert len(text.encode()) <= 1_000_000
    instances: list[str] = []
    for child in [parent, *children.values()]:
        assert len(child["Resources"]) <= 500
        resources = child["Resources"]
        for logical, resource in resources.items():
            for name in {v["Ref"] for v in _refs(resource)}:
                assert (
                    name in resources
                    or name in child.get("Parameters", {})
                    or name.startswith("AWS::")
                ), (logical, name)
        instances += list(resources_of(child, "AWS::EC2::Instance"))
        alarms = resources_of(child, "AWS::CloudWatch::Alarm")
        alarms.pop("EntryHealthAlarm", None)
        assert {a["Properties"]["Dimensions"][0]["Value"]["Ref"] for a in alarms.values()} == set(
            resources_of(child, "AWS::EC2::Instance")
        )
    assert sorted(instances) == sorted(f"Instance{camel(i.name)}" for i in plan.instances)
    assert children["large-web.yaml"]["Outputs"]["PublicIpProxy1"] == {
        "Value": {"Ref": "EipProxy1"},
        "Description": "public address of entry instance proxy-1 (us-east-1a)",
    }


def _refs(value: Any) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    if isinstance(value, dict):
        if set(value) == {"Ref"}:
            found.append(value)
        for item in value.values():
            found.extend(_refs(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(_refs(item))
    return found


# --- property test ------------------------------------------------------------------------


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(aws_topologies())
def test_generated_topologies_render_valid_deterministic_one_instance_per_replica(
    data: dict[str, Any],
) -> None:
    plan = plan_of(data)
    reason = expected_refusal(plan)
    if reason is not None:
        with pytest.raises(ExportRefused, match=reason):
            render(plan)
        return
    files = render(plan)
    assert files == render(plan_of(data))
    instances = 0
    for text in files.values():
        template = yaml.safe_load(text)
        instances += len(resources_of(template, "AWS::EC2::Instance"))
    compute = sum(s.count for s in plan.services.values() if s.kind == "compute")
    assert instances == compute == len(plan.instances)
    options = ExportOptions(variant="json")
    as_json = get("render", "cloudformation").export(Result.of_plan(plan), options)
    for name, text in as_json.items():
        assert json.loads(text) == yaml.safe_load(files[name.removesuffix(".json") + ".yaml"])


json_values = st.recursive(
    st.booleans() | st.integers(-(2**40), 2**40) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(min_size=1), children, max_size=4)
    ),
    max_leaves=20,
)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(min_size=1), json_values, max_size=5))
def test_yaml_writer_round_trips_any_template_data(data: dict[str, Any]) -> None:
    """The YAML emitter writes what PyYAML (and so cfn-lint) reads back unchanged."""
    assert yaml.safe_load(dump(data, "yaml")) == (data or None)


def test_a_parent_past_the_limit_is_refused_with_the_count() -> None:
    """Security groups stay in the parent (they reference each other across tiers): 600
    services cannot fit one parent, and the renderer says so instead of writing a template
    CloudFormation would reject."""
    data = large_topology(replicas=2)
    names = [
        f"svc-{a}{b}" for a in "abcdefghijklmnopqrstuvwxyz" for b in "abcdefghijklmnopqrstuvwxyz"
    ]
    data["tiers"]["app"]["services"] = {name: {"count": 1, "port": 8080} for name in names[:600]}
    data["tiers"]["web"]["services"]["proxy"]["routes"] = [{"path": "/", "to": "svc-aa"}]
    with pytest.raises(ExportRefused, match=r"parent template holds \d+ resources, past .* 500"):
        render(plan_of(data))


def test_previous_generation_db_class_is_rendered_current_and_says_so() -> None:
    template = single_template(plan_file("topology.yaml"))  # asks for db.t2.micro
    database = template["Resources"]["DatabaseDb"]
    assert database["Properties"]["DBInstanceClass"] == "db.t3.micro"
    assert "db.t2.micro was requested" in database["Metadata"]["tiered"]["note"]


def test_nested_json_templates_point_at_json_children() -> None:
    plan = plan_of(large_topology())
    files = get("render", "cloudformation").export(
        Result.of_plan(plan), ExportOptions(variant="json")
    )
    parent = json.loads(files["cloudformation/large.json"])
    for stack in resources_of(parent, "AWS::CloudFormation::Stack").values():
        child = stack["Properties"]["TemplateURL"]["Fn::Sub"].removeprefix("${TemplateBaseUrl}/")
        assert child.endswith(".json") and f"cloudformation/{child}" in files
