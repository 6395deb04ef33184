"""Deploy the rendered templates in moto (``mock_aws``) and compare what exists with the plan.

moto ignores some properties (instance ``SecurityGroupIds``, RDS ``VPCSecurityGroups``, the
NAT gateway's ``PrivateIpAddress``); those are asserted from the template itself in
``test_cloudformation.py``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from tests.test_cloudformation_helpers import RENDERABLE, large_topology, plan_of, render
from tiered.pipeline import plan_file
from tiered.placement.plan import Plan

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:Tried to parse AWS..CloudWatch..Alarm"),
]

BUCKET = "tiered-templates"


@pytest.fixture
def aws() -> Iterator[None]:
    """A fresh mocked AWS account with fake credentials (nothing leaves the machine)."""
    saved = {k: os.environ.get(k) for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
    try:
        with mock_aws():
            yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def deploy(plan: Plan, files: dict[str, str]) -> dict[str, Any]:
    """Create the hosted zone and the stack (children uploaded to S3); the stack description."""
    region = plan.region
    assert region is not None
    if plan.entry and plan.entry.hosted_zone:
        boto3.client("route53", region_name=region).create_hosted_zone(
            Name=f"{plan.entry.hosted_zone}.", CallerReference="tiered-test"
        )
    parent = f"cloudformation/{plan.name}.yaml"
    parameters = []
    if len(files) > 1:
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        for name, text in files.items():
            s3.put_object(Bucket=BUCKET, Key=name, Body=text.encode())
        url = f"https://{BUCKET}.s3.amazonaws.com/cloudformation"
        parameters = [{"ParameterKey": "TemplateBaseUrl", "ParameterValue": url}]
    cloudformation = boto3.client("cloudformation", region_name=region)
    cloudformation.create_stack(
        StackName=plan.name,
        TemplateBody=files[parent],
        Parameters=parameters,
        Capabilities=["CAPABILITY_IAM"],
    )
    stack: dict[str, Any] = cloudformation.describe_stacks(StackName=plan.name)["Stacks"][0]
    return stack


def check_deployment(plan: Plan, stack: dict[str, Any]) -> None:
    """What moto holds after the deployment matches the plan."""
    region = plan.region
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
    ec2 = boto3.client("ec2", region_name=region)

    subnets = ec2.describe_subnets()["Subnets"]
    by_cidr = {s["CidrBlock"]: s for s in subnets}
    for subnet in plan.subnets:
        assert str(subnet.cidr) in by_cidr, subnet.name
        assert by_cidr[str(subnet.cidr)]["AvailabilityZone"] == subnet.zone
    zone_of_subnet = {s["SubnetId"]: s["AvailabilityZone"] for s in subnets}

    running = {}
    pages = ec2.get_paginator("describe_instances").paginate()
    for reservation in (r for page in pages for r in page["Reservations"]):
        for instance in reservation["Instances"]:
            tags = {t["Key"]: t["Value"] for t in instance.get("Tags", [])}
            running[tags["Name"]] = instance
    assert sorted(running) == sorted(f"{plan.name}-{i.name}" for i in plan.instances)
    for planned in plan.instances:
        actual = running[f"{plan.name}-{planned.name}"]
        assert actual["Placement"]["AvailabilityZone"] == planned.zone, planned.name
        assert actual["PrivateIpAddress"] == str(planned.ip), planned.name
        assert zone_of_subnet[actual["SubnetId"]] == planned.zone

    gateways = ec2.describe_nat_gateways()["NatGateways"]
    assert sorted(zone_of_subnet[g["SubnetId"]] for g in gateways) == sorted(
        n.zone for n in plan.nat_gateways
    )

    efs = boto3.client("efs", region_name=region)
    systems = efs.describe_file_systems()["FileSystems"]
    filesystems = [s for s in plan.services.values() if s.kind == "filesystem"]
    assert len(systems) == len(filesystems)
    for system in systems:
        targets = efs.describe_mount_targets(FileSystemId=system["FileSystemId"])["MountTargets"]
        service = next(
            s
            for s in filesystems
            if {t["Key"]: t["Value"] for t in system["Tags"]}["tiered:service"] == s.name
        )
        planned = {(m.zone, str(m.ip)) for m in plan.managed if m.service == service.name}
        assert {(zone_of_subnet[t["SubnetId"]], t["IpAddress"]) for t in targets} == planned

    rds = boto3.client("rds", region_name=region)
    databases = rds.describe_db_instances()["DBInstances"]
    planned_db = {s.name: s for s in plan.services.values() if s.kind == "database"}
    assert len(databases) == len(planned_db)
    for database in databases:
        tags = {t["Key"]: t["Value"] for t in database["TagList"]}
        service = planned_db[tags["tiered:service"]]
        assert database["MultiAZ"] == (service.failover == "primary-standby"), service.name
        assert database["StorageEncrypted"] is True
        assert database["Engine"] == service.engine
        group = database["DBSubnetGroup"]
        group_zones = {zone_of_subnet[s["SubnetIdentifier"]] for s in group["Subnets"]}
        assert len(group_zones) >= 2, group  # RDS requires two zones, even for one-zone plans
        assert group_zones == {s.zone for s in plan.subnets if s.tier == service.tier}
        if not database["MultiAZ"]:
            assert database["AvailabilityZone"] == service.zones[0], service.name

    if plan.entry and plan.entry.dns_name and plan.entry.hosted_zone:
        check_failover_records(plan, stack)


def check_failover_records(plan: Plan, stack: dict[str, Any]) -> None:
    assert plan.entry is not None
    route53 = boto3.client("route53", region_name=plan.region)
    zone = route53.list_hosted_zones()["HostedZones"][0]["Id"]
    records = route53.list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]
    failover = [r for r in records if r["Name"] == f"{plan.entry.dns_name}."]
    assert sorted(r["Failover"] for r in failover) == ["PRIMARY", "SECONDARY"]
    assert all(r["HealthCheckId"] for r in failover)
    checks = route53.list_health_checks()["HealthChecks"]
    assert {c["HealthCheckConfig"]["ResourcePath"] for c in checks} == {"/healthz"}
    addresses = {r["ResourceRecords"][0]["Value"] for r in failover}
    assert addresses == {c["HealthCheckConfig"]["IPAddress"] for c in checks}


@pytest.mark.parametrize("path", RENDERABLE, ids=lambda p: Path(p).stem)
def test_every_example_deploys_as_planned(aws: None, path: Path) -> None:
    plan = plan_file(str(path))
    stack = deploy(plan, render(plan))
    check_deployment(plan, stack)
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    assert outputs["VpcId"].startswith("vpc-")


def test_reference_outputs_name_the_entry_endpoints(aws: None) -> None:
    plan = plan_file("topology.yaml")
    stack = deploy(plan, render(plan))
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    assert outputs["EntryDnsName"] == "integrate.example.com"
    assert {"PublicIpNginx1", "PublicIpNginx2"} <= set(outputs)
    assert outputs["PublicIpNginx1"] != outputs["PublicIpNginx2"]


def test_nested_stacks_of_a_large_topology_deploy_as_planned(aws: None) -> None:
    plan = plan_of(large_topology())
    files = render(plan)
    assert len(files) > 2
    stack = deploy(plan, files)
    check_deployment(plan, stack)
    nested = boto3.client("cloudformation", region_name=plan.region).list_stacks()
    statuses = {s["StackName"]: s["StackStatus"] for s in nested["StackSummaries"]}
    assert len(statuses) == len(files)
    assert set(statuses.values()) == {"CREATE_COMPLETE"}
