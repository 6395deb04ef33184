"""RDS: a managed database per ``kind: database`` service.

Multi-AZ for primary-standby; the master password is generated and kept by Secrets
Manager (``ManageMasterUserPassword``), so no password appears in the template.
Storage is encrypted, deletion-protected, backed up, and snapshotted on delete or
replacement. Previous-generation ``db.t2`` classes cannot run current engine versions;
they are rendered as the ``db.t3`` class of the same size, and the resource's Metadata
says so. A one-zone topology's subnet group also holds the tier's RDS-only subnet in a
second zone (tiered.rds_subnets): RDS requires two zones even for a single-AZ instance.
"""

from __future__ import annotations

from tiered.placement.plan import DatabaseService, Plan, ServicePlan
from tiered.renderers.cloudformation.ids import logical_id
from tiered.renderers.cloudformation.network import subnet_id
from tiered.renderers.cloudformation.parameters import DB_USERNAME, zone_ref
from tiered.renderers.cloudformation.security import group_id
from tiered.renderers.cloudformation.tags import kind_tags, tags
from tiered.renderers.cloudformation.template import Json, Template, get_att, ref, sub

#: The engine version per engine: the major version where RDS accepts one (PostgreSQL: RDS
#: picks the current minor release of it), so that the template neither names a minor release
#: that is later deprecated nor asks for a downgrade after ``AutoMinorVersionUpgrade`` moved
#: the instance on. RDS for MySQL and MariaDB want a full version (cfn-lint's E3691 agrees):
#: a current one, kept by automatic minor upgrades.
ENGINE_VERSIONS = {"postgres": "17", "mysql": "8.4.6", "mariadb": "11.4.8"}
#: Engines rendered with a bare major version.
MAJOR_ONLY = frozenset({"postgres"})
LOG_EXPORTS = {
    "postgres": ["postgresql", "upgrade"],
    "mysql": ["error", "general", "slowquery"],
    "mariadb": ["error", "general", "slowquery"],
}
DEFAULT_CLASS = "db.t3.micro"
MONITORING_ROLE = "DatabaseMonitoringRole"
BACKUP_RETENTION_DAYS = 7
STORAGE_GB = 20


def database_id(service: str) -> str:
    return logical_id("Database", service)


def instance_class(requested: str | None) -> tuple[str, str | None]:
    """The class to render, and a note when it differs from the requested one."""
    if requested is None:
        return DEFAULT_CLASS, None
    if requested.startswith("db.t2."):
        current = "db.t3." + requested.removeprefix("db.t2.")
        return current, (
            f"{requested} was requested; db.t2 classes cannot run current engine versions, "
            f"so the same size of the current burstable class ({current}) is used"
        )
    return requested, None


def add_databases(template: Template, plan: Plan) -> None:
    """The subnet group and DB instance of every database service."""
    databases = [s for s in plan.services.values() if isinstance(s, DatabaseService)]
    if not databases:
        return
    template.add(
        MONITORING_ROLE,
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": {
                "Statement": [
                    {
                        "Action": "sts:AssumeRole",
                        "Effect": "Allow",
                        "Principal": {"Service": "monitoring.rds.amazonaws.com"},
                    }
                ],
                "Version": "2012-10-17",
            },
            "Description": f"{plan.name}: RDS enhanced monitoring",
            "ManagedPolicyArns": [
                sub(
                    "arn:${AWS::Partition}:iam::aws:policy/service-role/"
                    "AmazonRDSEnhancedMonitoringRole"
                )
            ],
            "Tags": tags(plan.name, "rds-monitoring-role"),
        },
        source="the database monitoring role",
    )
    for service in databases:
        _add_database(template, plan, service)


def _add_database(template: Template, plan: Plan, service: DatabaseService) -> None:
    engine = service.engine
    group = template.add(
        logical_id("DatabaseSubnetGroup", service.name),
        "AWS::RDS::DBSubnetGroup",
        {
            "DBSubnetGroupDescription": f"{plan.name}: subnets of tier {service.tier} "
            f"for {service.name}",
            "SubnetIds": [ref(subnet_id(s.name)) for s in plan.subnets if s.tier == service.tier],
            "Tags": tags(plan.name, f"{service.name}-subnets", service.tier, service.name),
        },
        source=f"database {service.name}",
        group=service.tier,
        unit=service.name,
    )
    rendered_class, note = instance_class(service.instance_type)
    multi_az = service.failover == "primary-standby" and service.count > 1
    properties: Json = {
        "AllocatedStorage": str(STORAGE_GB),
        "AutoMinorVersionUpgrade": True,
        "BackupRetentionPeriod": BACKUP_RETENTION_DAYS,
        "CopyTagsToSnapshot": True,
        "DBInstanceClass": rendered_class,
        "DBSubnetGroupName": ref(group),
        "DeletionProtection": True,
        "EnableCloudwatchLogsExports": LOG_EXPORTS[engine],
        "EnableIAMDatabaseAuthentication": True,
        "Engine": engine,
        "EngineVersion": ENGINE_VERSIONS[engine],
        "ManageMasterUserPassword": True,
        "MasterUsername": ref(DB_USERNAME),
        "MonitoringInterval": 60,
        "MonitoringRoleArn": get_att(MONITORING_ROLE, "Arn"),
        "MultiAZ": multi_az,
        "Port": str(service.port),
        "PubliclyAccessible": False,
        "StorageEncrypted": True,
        "StorageType": "gp3",
        "Tags": sorted(
            tags(plan.name, service.name, service.tier, service.name) + kind_tags(service),
            key=lambda tag: str(tag["Key"]),
        ),
        "VPCSecurityGroups": [get_att(group_id(service.name), "GroupId")],
    }
    if not multi_az:
        properties["AvailabilityZone"] = zone_ref(service.zones[0])
    template.add(
        database_id(service.name),
        "AWS::RDS::DBInstance",
        properties,
        source=f"database {service.name}",
        group=service.tier,
        unit=service.name,
        DeletionPolicy="Snapshot",
        UpdateReplacePolicy="Snapshot",
        Metadata=_metadata(service, multi_az, note, engine in MAJOR_ONLY),
    )
    template.output(
        logical_id("DatabaseEndpoint", service.name),
        f"address of database {service.name}",
        get_att(database_id(service.name), "Endpoint.Address"),
    )


def _metadata(
    service: ServicePlan, multi_az: bool, note: str | None, major_only: bool
) -> Json | None:
    """Why the class differs from the request, why a single-AZ database is no mistake, and
    why cfn-lint's deprecation warning does not apply to a bare major version."""
    metadata: Json = {}
    if note:
        metadata["tiered"] = {"note": note, "instance_class": service.instance_type}
    if major_only:
        # cfn-lint's deprecation data lists bare major versions among the deprecated ones;
        # RDS resolves a major version to its current minor release. E3691 (is the version
        # valid at all) still applies.
        metadata["cfn-lint"] = {"config": {"ignore_checks": ["W3691"]}}
    if not multi_az:
        reason = (
            f"the topology plans {service.name} as a single-AZ instance "
            f"(count {service.count}, failover {service.failover}); "
            "tiered validate reports this single point of failure"
        )
        metadata["checkov"] = {"skip": [{"comment": reason, "id": "CKV_AWS_157"}]}
    return metadata or None
