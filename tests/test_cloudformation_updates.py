"""Safe stack updates: re-rendering after a change replaces no instance that did not change.

Renders the reference, adds a service in the middle of a tier and a replica to two other
services, renders again, and compares the two templates resource by resource.
"""

from __future__ import annotations

import copy
from typing import Any

import yaml

from tests.conftest import ROOT
from tests.test_cloudformation_helpers import plan_of, resources_of, single_template


def changed_topology() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "topology.yaml").read_text())
    changed = copy.deepcopy(data)
    app = list(changed["tiers"]["app"]["services"].items())
    audit = {"software": "generic", "instance_type": "t3.micro", "count": 2, "port": 9000}
    app.insert(1, ("audit", audit))  # right after integrate: before zookeeper, solr, activemq
    changed["tiers"]["app"]["services"] = dict(app)
    changed["tiers"]["app"]["services"]["integrate"]["depends_on"].append("audit")
    changed["tiers"]["app"]["services"]["solr"]["count"] = 4
    changed["tiers"]["web"]["services"]["nginx"]["count"] = 3
    return changed


def test_adding_a_service_and_replicas_replaces_no_existing_instance() -> None:
    before = single_template(plan_of(yaml.safe_load((ROOT / "topology.yaml").read_text())))
    after = single_template(plan_of(changed_topology()))
    old, new = before["Resources"], after["Resources"]

    instances = resources_of(before, "AWS::EC2::Instance")
    assert len(instances) == 12
    rebooted = set()
    for logical, resource in instances.items():
        # Every property whose change replaces an instance (SubnetId, PrivateIpAddress,
        # ImageId, LaunchTemplate ...) is the same. Only the user data of an instance whose
        # own configuration changed differs: CloudFormation updates that in place.
        kept = {k: v for k, v in resource["Properties"].items() if k != "UserData"}
        now = {k: v for k, v in new[logical]["Properties"].items() if k != "UserData"}
        assert now == kept, logical
        assert {k: v for k, v in new[logical].items() if k != "Properties"} == {
            k: v for k, v in resource.items() if k != "Properties"
        }
        if new[logical]["Properties"]["UserData"] != resource["Properties"]["UserData"]:
            rebooted.add(logical)
    # integrate now depends on audit and sees a fourth Solr; nginx has a third member.
    assert rebooted == {
        "InstanceIntegrate1",
        "InstanceIntegrate2",
        "InstanceNginx1",
        "InstanceNginx2",
    }
    for kind in ("AWS::EC2::LaunchTemplate", "AWS::EC2::Subnet", "AWS::CloudWatch::Alarm"):
        for logical, resource in resources_of(before, kind).items():
            assert new[logical] == resource, logical
    assert after["Parameters"]["AmiId"] == before["Parameters"]["AmiId"]

    added = sorted(set(new) - set(old))
    assert not set(old) - set(new)  # nothing removed
    # Nothing else existing changes in place: the new service brings its own security
    # group (open to integrate), launch template, role for its artifact, instances and alarms.
    # integrate's own group records its new dependency in a tag (updated with no interruption).
    changed = [k for k in old if old[k] != new[k] and k not in rebooted]
    assert changed == ["SecurityGroupIntegrate"]
    group_before, group_after = old["SecurityGroupIntegrate"], new["SecurityGroupIntegrate"]
    tags_after = {t["Key"]: t["Value"] for t in group_after["Properties"]["Tags"]}
    assert tags_after["tiered:depends-on"].split()[-1] == "audit"
    without_tags = [
        {k: v for k, v in g["Properties"].items() if k != "Tags"}
        for g in (group_before, group_after)
    ]
    assert without_tags[0] == without_tags[1]
    assert added == [
        "BootPolicyArtifactAudit",
        "EipAssociationNginx3",
        "EipNginx3",
        "InstanceAudit1",
        "InstanceAudit2",
        "InstanceNginx3",
        "InstanceProfileAudit",
        "InstanceRoleAudit",
        "InstanceSolr4",
        "LaunchTemplateAudit",
        "NetworkInterfaceNginx3",
        "RecoveryAlarmAudit1",
        "RecoveryAlarmAudit2",
        "RecoveryAlarmNginx3",
        "RecoveryAlarmSolr4",
        "SecurityGroupAudit",
    ]
