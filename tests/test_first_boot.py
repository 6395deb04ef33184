"""The life-cycle checker (``tiered.first_boot``): CloudFormation's creation order, the signal
an instance waits for, and what its boot can reach.

It finds the deadlock and the races of the templates rendered before issue 20 (a fixture of
the reference topology's template), finds nothing on what tiered renders now, on every
example and on generated topologies, and follows each of CloudFormation's rules on small
hand-written templates.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from tests.test_cloudformation_helpers import RENDERABLE, aws_topologies, plan_of
from tiered.exporters.base import ExportRefused
from tiered.first_boot import (
    before,
    creation_waves,
    dependencies,
    first_boot_problems,
    names_in,
)
from tiered.pipeline import plan_file
from tiered.renderers.cloudformation import compute
from tiered.renderers.cloudformation.build import build

FIXTURE = Path(__file__).parent / "fixtures" / "first_boot" / "topology-before-issue-20.yaml"
IDS = {"ids": lambda p: p.stem}


def problems_by_instance(template: dict[str, Any]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for problem in first_boot_problems(template):
        found.setdefault(problem.resource, []).append(problem.message)
    return found


# --- the templates rendered before issue 20 ----------------------------------------------------


def test_the_old_template_deadlocks_on_the_entry_addresses() -> None:
    found = problems_by_instance(yaml.safe_load(FIXTURE.read_text()))
    for number in (1, 2):
        instance, eip = f"InstanceNginx{number}", f"EipNginx{number}"
        deadlock = [m for m in found[instance] if "deadlocks" in m]
        assert deadlock == [
            f"its public address ({eip}) is created only after {instance} completes, and "
            f"{instance} completes only when its boot signals, which needs {eip}: the stack "
            "deadlocks until the signal times out"
        ]


@pytest.mark.parametrize("service", ["Zookeeper", "Solr", "Activemq", "Integrate"])
def test_the_old_template_races_the_nat_route_of_every_private_boot(service: str) -> None:
    found = problems_by_instance(yaml.safe_load(FIXTURE.read_text()))
    zone = {"1": "UsEast1b", "2": "UsEast1c"}
    for number in ("1", "2"):
        messages = found[f"Instance{service}{number}"]
        assert any(
            f"(RoutePrivateDefault{zone[number]}) may not exist yet" in m for m in messages
        ), messages
        assert any(
            f"(RouteTableAssociationApp{zone[number]}) may not exist yet" in m for m in messages
        ), messages


def test_the_old_template_races_the_mount_targets() -> None:
    found = problems_by_instance(yaml.safe_load(FIXTURE.read_text()))
    assert any("(MountTargetFilesUsEast1b) may not exist yet" in m for m in found["InstanceSolr1"])
    assert not any("MountTarget" in m for m in found["InstanceZookeeper1"])  # mounts nothing


def test_the_old_template_lets_the_nat_gateway_race_its_own_way_out() -> None:
    found = problems_by_instance(yaml.safe_load(FIXTURE.read_text()))
    messages = found["InstanceZookeeper1"]  # the NAT's own subnet association
    assert any("(RouteTableAssociationWebUsEast1b) may not exist" in m for m in messages)


# --- what tiered renders now -----------------------------------------------------------------


@pytest.mark.parametrize("path", RENDERABLE, **IDS)
def test_every_example_completes_its_first_boot(path: Path) -> None:
    plan = plan_file(str(path))
    template = build(plan).to_dict()
    assert first_boot_problems(template) == []
    graph = dependencies(template)
    wave_of = {name: i for i, wave in enumerate(creation_waves(graph)) for name in wave}
    assert set(wave_of) == set(template["Resources"])  # no cycle
    public = {t.name for t in plan.tiers if t.public}
    for instance in plan.instances:
        logical = compute.instance_id(instance.name)
        exists = before(graph, logical)
        needs = {
            f"RouteTableAssociation{_camel(instance.subnet)}",
            "RoutePublicDefault"
            if instance.tier in public
            else f"RoutePrivateDefault{_camel(instance.zone)}",
        }
        if instance.tier in public:
            needs |= {f"EipAssociation{_camel(instance.name)}", "InternetGatewayAttachment"}
        else:
            nat = template["Resources"][f"RoutePrivateDefault{_camel(instance.zone)}"]
            needs.add(nat["Properties"]["NatGatewayId"]["Ref"])
        assert needs <= exists, (instance.name, needs - exists)
        assert all(wave_of[n] < wave_of[logical] for n in needs)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(aws_topologies())
def test_generated_topologies_complete_their_first_boot(data: dict[str, Any]) -> None:
    template = build(plan_of(data)).to_dict()
    assert first_boot_problems(template) == []


def test_the_renderer_refuses_a_template_that_could_not_boot(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(compute, "egress", lambda subnet: [])  # forget the way out
    with pytest.raises(ExportRefused) as refused:
        build(plan_file("topology.yaml"))
    assert str(refused.value).startswith(
        "internal error: the rendered template cannot complete its first boot: InstanceNginx1:"
    )
    assert "bug of tiered" in refused.value.hint


# --- CloudFormation's rules, one at a time ----------------------------------------------------


def test_dependencies_follow_ref_getatt_sub_and_depends_on() -> None:
    assert names_in({"Ref": "A"}) == {"A"}
    assert names_in({"Fn::GetAtt": ["B", "Arn"]}) == {"B"}
    assert names_in({"Fn::GetAtt": "C.Endpoint.Address"}) == {"C"}
    assert names_in({"Fn::Sub": "${D} ${E.Arn} ${!Literal} ${AWS::Region}"}) == {
        "D",
        "E",
        "AWS::Region",
    }
    assert names_in({"Fn::Sub": ["${F}-${Local}", {"Local": {"Ref": "G"}}]}) == {"F", "G"}
    template = {
        "Parameters": {"P": {"Type": "String"}},
        "Resources": {
            "A": {"Type": "X", "Properties": {"V": {"Ref": "P"}}},
            "B": {"Type": "X", "DependsOn": "A", "Properties": {}},
            "C": {"Type": "X", "DependsOn": ["B"], "Properties": {"V": {"Fn::Sub": "${A.Id}"}}},
        },
    }
    graph = dependencies(template)
    assert graph == {"A": set(), "B": {"A"}, "C": {"A", "B"}}
    assert creation_waves(graph) == [["A"], ["B"], ["C"]]
    assert before(graph, "C") == {"A", "B"}


def test_a_cycle_is_reported() -> None:
    template = {
        "Resources": {
            "A": {"Type": "X", "Properties": {"V": {"Ref": "B"}}},
            "B": {"Type": "X", "Properties": {"V": {"Fn::GetAtt": ["A", "Id"]}}},
        }
    }
    (problem,) = first_boot_problems(template)
    assert problem.resource == "A"
    assert "a dependency cycle among A, B" in problem.message


def _public_stack() -> dict[str, Any]:
    """A minimal public subnet, its route out, and one instance that signals."""
    return {
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {}},
            "Igw": {"Type": "AWS::EC2::InternetGateway", "Properties": {}},
            "Attach": {
                "Type": "AWS::EC2::VPCGatewayAttachment",
                "Properties": {"InternetGatewayId": {"Ref": "Igw"}, "VpcId": {"Ref": "Vpc"}},
            },
            "Table": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}},
            "Default": {
                "Type": "AWS::EC2::Route",
                "DependsOn": "Attach",
                "Properties": {
                    "DestinationCidrBlock": "0.0.0.0/0",
                    "GatewayId": {"Ref": "Igw"},
                    "RouteTableId": {"Ref": "Table"},
                },
            },
            "Subnet": {
                "Type": "AWS::EC2::Subnet",
                "Properties": {"VpcId": {"Ref": "Vpc"}, "MapPublicIpOnLaunch": True},
            },
            "Assoc": {
                "Type": "AWS::EC2::SubnetRouteTableAssociation",
                "Properties": {"RouteTableId": {"Ref": "Table"}, "SubnetId": {"Ref": "Subnet"}},
            },
            "Web": {
                "Type": "AWS::EC2::Instance",
                "CreationPolicy": {"ResourceSignal": {"Count": 1, "Timeout": "PT10M"}},
                "DependsOn": ["Assoc", "Default"],
                "Properties": {"SubnetId": {"Ref": "Subnet"}},
            },
        }
    }


def test_a_public_address_on_launch_is_enough() -> None:
    assert first_boot_problems(_public_stack()) == []
    stack = _public_stack()
    stack["Resources"]["Subnet"]["Properties"]["MapPublicIpOnLaunch"] = False
    (problem,) = first_boot_problems(stack)
    assert "with no public address at launch" in problem.message
    web = stack["Resources"]["Web"]["Properties"]
    del web["SubnetId"]
    web["NetworkInterfaces"] = [
        {"DeviceIndex": "0", "SubnetId": {"Ref": "Subnet"}, "AssociatePublicIpAddress": True}
    ]
    assert first_boot_problems(stack) == []


def test_an_elastic_ip_on_the_interface_must_come_first() -> None:
    stack = _public_stack()
    resources = stack["Resources"]
    resources["Subnet"]["Properties"]["MapPublicIpOnLaunch"] = False
    resources["Eni"] = {
        "Type": "AWS::EC2::NetworkInterface",
        "Properties": {"SubnetId": {"Ref": "Subnet"}},
    }
    resources["Eip"] = {"Type": "AWS::EC2::EIP", "DependsOn": "Attach", "Properties": {}}
    resources["EipAssoc"] = {
        "Type": "AWS::EC2::EIPAssociation",
        "Properties": {
            "AllocationId": {"Fn::GetAtt": ["Eip", "AllocationId"]},
            "NetworkInterfaceId": {"Ref": "Eni"},
        },
    }
    web = resources["Web"]["Properties"]
    del web["SubnetId"]
    web["NetworkInterfaces"] = [{"DeviceIndex": "0", "NetworkInterfaceId": {"Ref": "Eni"}}]
    (problem,) = first_boot_problems(stack)  # the association may come after the launch
    assert "its public address (EipAssoc) may not exist yet" in problem.message
    assert problem.fix == "add EipAssoc to the DependsOn of Web"
    resources["Web"]["DependsOn"].append("EipAssoc")
    assert first_boot_problems(stack) == []


def test_a_subnet_without_association_boots_on_the_main_route_table() -> None:
    stack = _public_stack()
    del stack["Resources"]["Assoc"]
    stack["Resources"]["Web"]["DependsOn"] = ["Default"]
    (problem,) = first_boot_problems(stack)
    assert "uses the VPC's main route table, which has no route out" in problem.message


def test_an_instance_without_creation_policy_is_not_waited_for() -> None:
    stack = _public_stack()
    del stack["Resources"]["Web"]["CreationPolicy"]
    stack["Resources"]["Web"]["DependsOn"] = []
    assert first_boot_problems(stack) == []


def test_a_file_system_needs_a_mount_target_in_the_instance_zone() -> None:
    stack = _public_stack()
    resources = stack["Resources"]
    resources["Subnet"]["Properties"]["AvailabilityZone"] = "us-east-1a"
    resources["Other"] = {
        "Type": "AWS::EC2::Subnet",
        "Properties": {"VpcId": {"Ref": "Vpc"}, "AvailabilityZone": "us-east-1b"},
    }
    resources["Fs"] = {"Type": "AWS::EFS::FileSystem", "Properties": {}}
    resources["TargetB"] = {
        "Type": "AWS::EFS::MountTarget",
        "Properties": {"FileSystemId": {"Ref": "Fs"}, "SubnetId": {"Ref": "Other"}},
    }
    resources["Web"]["Properties"]["UserData"] = {
        "Fn::Base64": {"Fn::Sub": ["mount ${Id}", {"Id": {"Ref": "Fs"}}]}
    }
    (problem,) = first_boot_problems(stack)
    assert "file system Fs has no mount target in its zone" in problem.message
    resources["TargetA"] = copy.deepcopy(resources["TargetB"])
    resources["TargetA"]["Properties"]["SubnetId"] = {"Ref": "Subnet"}
    (problem,) = first_boot_problems(stack)
    assert "(TargetA) may not exist yet" in problem.message
    resources["Web"]["DependsOn"].append("TargetA")
    assert first_boot_problems(stack) == []


def test_values_the_template_does_not_hold_are_not_guessed() -> None:
    stack = {
        "Parameters": {"SubnetId": {"Type": "AWS::EC2::Subnet::Id"}},
        "Resources": {
            "Web": {
                "Type": "AWS::EC2::Instance",
                "CreationPolicy": {"ResourceSignal": {"Count": 1}},
                "Properties": {"SubnetId": {"Ref": "SubnetId"}},
            }
        },
    }
    assert first_boot_problems(stack) == []


def _camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("-"))


def test_a_malformed_template_is_read_without_error() -> None:
    """Imported templates may hold anything: what is not understood is skipped."""
    assert names_in({"Fn::Sub": []}) == set()
    stack = {
        "Resources": {
            "Text": "not a resource",
            "Web": {
                "Type": "AWS::EC2::Instance",
                "DependsOn": 3,
                "CreationPolicy": {"ResourceSignal": {"Count": {"Ref": "Instances"}}},
                "Properties": {"SubnetId": "subnet-0123"},
            },
        }
    }
    assert first_boot_problems(stack) == []
    assert first_boot_problems({"Resources": []}) == []
