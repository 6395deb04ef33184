"""Deploy the rendered templates in moto (``mock_aws``) and compare what exists with the plan.

moto ignores some properties (instance ``SecurityGroupIds``, RDS ``VPCSecurityGroups``, the
NAT gateway's ``PrivateIpAddress``); those are asserted from the template itself in
``test_cloudformation.py``. moto 5.2.5 lacks two documented ``Fn::GetAtt`` attributes:
``MasterUserSecret.SecretArn`` of ``AWS::RDS::DBInstance`` and a nested stack's
``Outputs.<key>``; the ``aws`` fixture teaches it both (the ARN of the secret moto made for
the database, or one shaped like RDS's; the child stack's output), nothing else. Its
``AWS::EC2::Instance`` ignores ``NetworkInterfaces``: the fixture launches an instance
that names its network interface on that interface, as EC2 does, and nothing else.
CreationPolicy signals are not awaited by moto (the instances never boot there); moto
does not create ``AWS::EC2::EIPAssociation`` (the association is asserted from the template).
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from moto import mock_aws
from moto.cloudformation.models import Stack
from moto.ec2.models import ec2_backends
from moto.ec2.models.instances import Instance
from moto.rds.models import DBInstance

from tests.test_cloudformation_helpers import RENDERABLE, large_topology, plan_of, render
from tiered.pipeline import plan_file
from tiered.placement.plan import Plan

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:Tried to parse AWS..CloudWatch..Alarm"),
    pytest.mark.filterwarnings("ignore:Tried to parse AWS..EC2..EIPAssociation"),
]

BUCKET = "tiered-templates"
SECRET_ATTRIBUTE = "MasterUserSecret.SecretArn"


@pytest.fixture
def aws() -> Iterator[None]:
    """A fresh mocked AWS account with fake credentials (nothing leaves the machine)."""
    saved = {k: os.environ.get(k) for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
    original, known = DBInstance.get_cfn_attribute, DBInstance.has_cfn_attr

    def get_cfn_attribute(self: DBInstance, name: str) -> Any:
        if name == SECRET_ATTRIBUTE:  # the ARN RDS gives its managed secret
            secret = getattr(self, "master_user_secret", None)
            if secret is not None:
                return secret.secret.arn
            return (
                f"arn:aws:secretsmanager:{self.region}:{self.account_id}:secret:"
                f"rds!{self.dbi_resource_id.lower()}"
            )
        return original(self, name)

    def has_cfn_attr(cls: type[DBInstance], name: str) -> bool:
        return name == SECRET_ATTRIBUTE or bool(known(name))

    def stack_output(self: Stack, name: str) -> Any:  # a nested stack's Outputs.<key>
        key = name.removeprefix("Outputs.")
        return next(o["OutputValue"] for o in self.outputs or [] if o["OutputKey"] == key)

    launch = Instance.create_from_cloudformation_json

    def on_interface(
        cls: type[Instance], name: str, json: Any, account_id: str, region_name: str, **kw: Any
    ) -> Instance:
        """An instance launched on the network interface it names (EC2's behaviour)."""
        properties = json["Properties"]
        interfaces = properties.get("NetworkInterfaces")
        if not interfaces:
            return launch(name, json, account_id, region_name, **kw)
        backend = ec2_backends[account_id][region_name]
        (interface,) = interfaces
        eni = backend.get_network_interface(interface["NetworkInterfaceId"])
        reservation = backend.run_instances(
            image_id=properties["ImageId"],
            user_data=properties.get("UserData"),
            count=1,
            security_group_names=[],
            instance_type=properties.get("InstanceType", "m1.small"),
            is_instance_type_default=not properties.get("InstanceType"),
            subnet_id=eni.subnet.id,
            private_ip=eni.private_ip_address,
            nics=[{"DeviceIndex": 0, "NetworkInterfaceId": eni.id}],
        )
        instance = reservation.instances[0]
        for tag in properties.get("Tags", []):
            instance.add_tag(tag["Key"], tag["Value"])
        return instance

    Instance.create_from_cloudformation_json = classmethod(on_interface)  # type: ignore[method-assign,assignment]
    DBInstance.get_cfn_attribute = get_cfn_attribute  # type: ignore[method-assign]
    DBInstance.has_cfn_attr = classmethod(has_cfn_attr)  # type: ignore[method-assign,assignment]
    Stack.get_cfn_attribute = stack_output  # type: ignore[attr-defined]
    try:
        with mock_aws():
            yield
    finally:
        Instance.create_from_cloudformation_json = launch  # type: ignore[method-assign]
        DBInstance.get_cfn_attribute = original  # type: ignore[method-assign]
        DBInstance.has_cfn_attr = known  # type: ignore[method-assign]
        del Stack.get_cfn_attribute  # type: ignore[attr-defined]
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
    # The documented way to choose the image: read the SSM public parameter once, pass its
    # value as the AMI id (moto serves the same public parameters).
    ssm = boto3.client("ssm", region_name=region)
    for key, parameter in (
        yaml.safe_load(files[parent])["Metadata"]["tiered"].get("images", {}).items()
    ):
        value = ssm.get_parameter(Name=parameter["ssm_parameter"])["Parameter"]["Value"]
        assert value.startswith("ami-")
        parameters.append({"ParameterKey": key, "ParameterValue": value})
    cloudformation = boto3.client("cloudformation", region_name=region)
    cloudformation.create_stack(
        StackName=plan.name,
        TemplateBody=files[parent],
        Parameters=parameters,
        Capabilities=["CAPABILITY_IAM"],
    )
    stack: dict[str, Any] = cloudformation.describe_stacks(StackName=plan.name)["Stacks"][0]
    return stack


def check_deployment(plan: Plan, stack: dict[str, Any], status: str = "CREATE_COMPLETE") -> None:
    """What moto holds after the deployment matches the plan."""
    region = plan.region
    assert stack["StackStatus"] == status, stack.get("StackStatusReason")
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
        chosen = {p["ParameterKey"]: p["ParameterValue"] for p in stack["Parameters"]}
        assert actual["ImageId"] in chosen.values(), planned.name

        check_user_data(plan, planned.name, ec2, actual["InstanceId"])
    check_peer_rules(plan, ec2)

    gateways = ec2.describe_nat_gateways()["NatGateways"]
    assert sorted(zone_of_subnet[g["SubnetId"]] for g in gateways) == sorted(
        n.zone for n in plan.network.nat_gateways
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


def check_user_data(plan: Plan, name: str, ec2: Any, instance_id: str) -> None:
    """The instance boots from its cloud-config and reports to CloudFormation."""
    attribute = ec2.describe_instance_attribute(InstanceId=instance_id, Attribute="userData")
    text = base64.b64decode(attribute["UserData"]["Value"]).decode()
    assert text.startswith("#cloud-config\n"), name
    logical = "Instance" + "".join(p[:1].upper() + p[1:] for p in name.split("-"))
    assert f"--resource {logical} " in text, name
    # the boot script signals this stack, in its region, for this instance
    files = {f["path"]: f["content"] for f in yaml.safe_load(text)["write_files"]}
    script = files["/usr/local/sbin/tiered-boot"]
    assert "PATH=/opt/aws/bin:$PATH" in script
    # (the stack holding the instance: a nested one's own name)
    assert re.search(
        rf"cfn-signal --exit-code \"\$1\" --reason \"\$2\" --stack '{plan.name}[^']*' \\\n"
        rf"    --resource {logical} --region '{plan.region}'\n",
        script,
    ), name
    assert "${" not in text, name  # every stack value was filled in
    service = plan.services[plan.instance(name).service]
    for dependency in service.depends_on:
        if plan.services[dependency].kind == "filesystem":  # fstab names the real file system
            assert re.search(rf'"fs-[0-9a-f]+:/", "/mnt/{dependency}", "efs"', text), name
        if plan.services[dependency].kind == "database":  # the secret's ARN, not the secret
            assert re.search(r'_CREDENTIALS_ARN="arn:aws:secretsmanager:[^"]+"', text), name


def check_peer_rules(plan: Plan, ec2: Any) -> None:
    """Members of a clustered service reach each other on its peer ports, and only they."""
    from tiered.software import software

    groups = ec2.describe_security_groups()["SecurityGroups"]
    by_service = {}
    for group in groups:
        tags = {t["Key"]: t["Value"] for t in group.get("Tags", [])}
        if "tiered:service" in tags:
            by_service[tags["tiered:service"]] = group
    for service in plan.services.values():
        if service.kind != "compute":
            continue
        group = by_service[service.name]
        self_rules = {
            (rule["IpProtocol"], rule["FromPort"], rule["ToPort"])
            for rule in group["IpPermissions"]
            if any(p["GroupId"] == group["GroupId"] for p in rule.get("UserIdGroupPairs", []))
        }
        expected = (
            {(p.protocol, p.first, p.last) for p in software(service.software).peers}
            if service.count > 1
            else set()
        )
        assert self_rules == expected, service.name


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


def test_stack_update_keeps_the_chosen_image_and_adds_the_new_instances(aws: None) -> None:
    """Update the deployed reference with a service and replicas added.

    moto does not model replacement (it keeps an instance whose address changed), so that
    no existing instance is replaced is shown on the templates themselves, in
    test_cloudformation_updates.py; here the update goes through with the image chosen at
    creation (``UsePreviousValue``) and every instance, old and new, is where the plan says.
    """
    from tests.test_cloudformation_updates import changed_topology

    plan = plan_file("topology.yaml")
    created = deploy(plan, render(plan))
    chosen = {p["ParameterKey"]: p["ParameterValue"] for p in created["Parameters"]}
    changed = plan_of(changed_topology())
    cloudformation = boto3.client("cloudformation", region_name=plan.region)
    cloudformation.update_stack(
        StackName=plan.name,
        TemplateBody=render(changed)[f"cloudformation/{plan.name}.yaml"],
        Parameters=[{"ParameterKey": "AmiId", "UsePreviousValue": True}],
        Capabilities=["CAPABILITY_IAM"],
    )
    stack = cloudformation.describe_stacks(StackName=plan.name)["Stacks"][0]
    kept = {p["ParameterKey"]: p["ParameterValue"] for p in stack["Parameters"]}
    assert kept["AmiId"] == chosen["AmiId"]
    check_deployment(changed, stack, "UPDATE_COMPLETE")
    ec2 = boto3.client("ec2", region_name=plan.region)
    images = {
        instance["ImageId"]
        for page in ec2.get_paginator("describe_instances").paginate()
        for reservation in page["Reservations"]
        for instance in reservation["Instances"]
    }
    assert images == {chosen["AmiId"]}
