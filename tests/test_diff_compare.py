"""The comparison itself, in process: properties over every example, the plan and the
CloudFormation section checked against the plans and the rendered templates themselves."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ALL_TOPOLOGIES, ROOT
from tests.test_cloudformation_helpers import instance_network
from tiered.changes import NOT_ASKED, Diff, Rendered, RenderSide, diff
from tiered.changes.cloudformation import compare_templates, template_changes
from tiered.changes.placement import placements, upstream_members
from tiered.changes.replacement import CREATE_ONLY
from tiered.exporters.base import ExportOptions
from tiered.exporters.registry import get
from tiered.pipeline import Result
from tiered.placement.plan import Plan
from tiered.renderers.cloudformation import rendered as render_cloudformation

PAIRS = [(a, b) for i, a in enumerate(ALL_TOPOLOGIES) for b in ALL_TOPOLOGIES[i + 1 :]]


def _diff(a: Path, b: Path) -> Diff:
    return diff(str(a), str(b), cwd=ROOT, render=render_cloudformation)


@pytest.mark.parametrize("path", ALL_TOPOLOGIES, ids=lambda p: p.stem)
def test_a_topology_against_itself_is_empty(path: Path) -> None:
    same = _diff(path, path)
    assert same.empty
    assert {c.state for c in same.findings} <= {"unchanged"}
    assert not same.failing(0)


def _mirror(data: dict[str, Any]) -> dict[str, Any]:
    """What the reverse diff must say, computed from the forward one."""
    swap = {"new": "fixed", "fixed": "new", "unchanged": "unchanged"}
    plan, cfn = data["plan"], data["cloudformation"]

    def flip(moves: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
        return sorted((m["name"], json.dumps(m["after"]), json.dumps(m["before"])) for m in moves)

    return {
        "findings": sorted(
            (swap[c["state"]], c["rule"], c["service"] or "") for c in data["findings"]["changes"]
        ),
        "tolerance": (data["fault_tolerance"]["after"], data["fault_tolerance"]["before"]),
        "availability": (data["availability"]["after"], data["availability"]["before"]),
        "added": sorted(i["name"] for i in plan["instances"]["removed"]),
        "removed": sorted(i["name"] for i in plan["instances"]["added"]),
        "moved": flip(plan["instances"]["moved"]),
        "recarved": flip(plan["subnets"]["recarved"]),
        "cfn": (
            sorted(r["logical_id"] for r in cfn["removed"]),
            sorted(r["logical_id"] for r in cfn["added"]),
            sorted(r["logical_id"] for r in cfn["replaced"]),
        ),
    }


def _facts(data: dict[str, Any]) -> dict[str, Any]:
    plan, cfn = data["plan"], data["cloudformation"]

    def moves(items: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
        return sorted((m["name"], json.dumps(m["before"]), json.dumps(m["after"])) for m in items)

    return {
        "findings": sorted(
            (c["state"], c["rule"], c["service"] or "") for c in data["findings"]["changes"]
        ),
        "tolerance": (data["fault_tolerance"]["before"], data["fault_tolerance"]["after"]),
        "availability": (data["availability"]["before"], data["availability"]["after"]),
        "added": sorted(i["name"] for i in plan["instances"]["added"]),
        "removed": sorted(i["name"] for i in plan["instances"]["removed"]),
        "moved": moves(plan["instances"]["moved"]),
        "recarved": moves(plan["subnets"]["recarved"]),
        "cfn": (
            sorted(r["logical_id"] for r in cfn["added"]),
            sorted(r["logical_id"] for r in cfn["removed"]),
            sorted(r["logical_id"] for r in cfn["replaced"]),
        ),
    }


@pytest.mark.parametrize(("a", "b"), PAIRS, ids=lambda p: p.stem)
def test_a_to_b_mirrors_b_to_a(a: Path, b: Path) -> None:
    forward, backward = _diff(a, b).to_dict(), _diff(b, a).to_dict()
    assert _facts(backward) == _mirror(forward)
    assert not forward["empty"] and not backward["empty"]


ADDED_SERVICE = """\
      cache:
        software: generic
        instance_type: t3.micro
        count: 2
        port: 6379
        failover: active-active
"""


def _early_service(tmp_path: Path) -> tuple[Path, Path]:
    """The reference, and the reference with a service added first in the app tier."""
    reference = (ROOT / "topology.yaml").read_text(encoding="utf-8")
    marker = "    services:\n      integrate:"
    assert marker in reference
    changed = reference.replace(marker, "    services:\n" + ADDED_SERVICE + "      integrate:")
    base, head = tmp_path / "base.yaml", tmp_path / "head.yaml"
    base.write_text(reference, encoding="utf-8")
    head.write_text(changed, encoding="utf-8")
    return base, head


def _plan(path: Path) -> Plan:
    import tiered

    return tiered.plan(tiered.load(str(path)))


def _template(plan: Plan) -> dict[str, Any]:
    files = get("render", "cloudformation").export(Result.of_plan(plan), ExportOptions())
    resources: dict[str, Any] = {}
    for text in files.values():
        resources.update(yaml.safe_load(text)["Resources"])
    return resources


def test_adding_a_service_early_in_a_tier_lists_exactly_the_instances_that_move(
    tmp_path: Path,
) -> None:
    base, head = _early_service(tmp_path)
    result = diff(str(base), str(head), render=render_cloudformation)
    before, after = _plan(base), _plan(head)
    where = {i.name: (i.zone, i.subnet, str(i.ip)) for i in before.instances}
    where_now = {i.name: (i.zone, i.subnet, str(i.ip)) for i in after.instances}
    expected_moves = {n for n in where if n in where_now and where[n] != where_now[n]}
    assert {m.name for m in result.plan.instances_moved} == expected_moves
    assert {i.name for i in result.plan.instances_added} == {"cache-1", "cache-2"}
    assert not result.plan.instances_removed

    # The CloudFormation section agrees with a comparison of the two rendered templates.
    old, new = _template(before), _template(after)
    cfn = result.cloudformation
    assert {r.logical_id for r in cfn.added} == set(new) - set(old)
    assert {r.logical_id for r in cfn.removed} == set(old) - set(new)
    recarved = {
        k
        for k in old
        if k in new
        and old[k]["Type"] == "AWS::EC2::Subnet"
        and old[k]["Properties"]["CidrBlock"] != new[k]["Properties"]["CidrBlock"]
    }
    replaced_instances = set()
    for key, resource in old.items():
        if resource["Type"] != "AWS::EC2::Instance" or key not in new:
            continue
        props, props_now = resource["Properties"], new[key]["Properties"]
        subnet = instance_network({"Resources": new}, key)["SubnetId"]["Ref"]
        if (
            any(props.get(p) != props_now.get(p) for p in CREATE_ONLY["AWS::EC2::Instance"])
            or subnet in recarved
        ):
            replaced_instances.add(key)
    assert set(cfn.replaced_instances) == replaced_instances
    names = {
        key: next(t["Value"] for t in new[key]["Properties"]["Tags"] if t["Key"] == "Name")
        for key in replaced_instances
    }
    assert {n.removeprefix(f"{after.name}-") for n in names.values()} == expected_moves
    replaces = len(replaced_instances)
    assert (f"this replaces {replaces} instance" if replaces else "no instance is replaced") in (
        _line(result)
    )


def _line(result: Diff) -> str:
    from tiered.renderers.diff.summary import cloudformation_line

    return cloudformation_line(result)


def test_cloudformation_replacement_follows_references() -> None:
    from tiered.changes.cloudformation import compare

    subnet = {"Type": "AWS::EC2::Subnet", "Properties": {"CidrBlock": "10.0.0.0/24"}}
    subnet_now = {"Type": "AWS::EC2::Subnet", "Properties": {"CidrBlock": "10.0.1.0/24"}}
    instance = {"Type": "AWS::EC2::Instance", "Properties": {"SubnetId": {"Ref": "Subnet"}}}
    tagged = {
        "Type": "AWS::EC2::Instance",
        "Properties": {"SubnetId": {"Ref": "Other"}, "Tags": [{"Key": "a", "Value": "b"}]},
    }
    other = {"Type": "AWS::EC2::Subnet", "Properties": {"CidrBlock": "10.0.9.0/24"}}
    before = {
        "Subnet": ("", subnet),
        "I": ("", instance),
        "J": ("", {**tagged, "Properties": {"SubnetId": {"Ref": "Other"}}}),
        "Other": ("", other),
    }
    after = {
        "Subnet": ("", subnet_now),
        "I": ("", instance),
        "J": ("", tagged),
        "Other": ("", other),
    }
    changes = compare(before, after)
    assert {r.logical_id for r in changes.replaced} == {"Subnet", "I"}
    assert changes.replaced_instances == ("I",)
    assert (
        "refers to Subnet, which is replaced"
        in next(r for r in changes.replaced if r.logical_id == "I").because[0]
    )
    assert [(r.logical_id, r.because) for r in changes.modified] == [("J", ("Tags",))]


def _cfn_lint_create_only() -> dict[str, frozenset[str]]:
    import cfnlint

    schemas = Path(cfnlint.__file__).parent / "data" / "schemas"
    index = json.loads((schemas / "providers" / "us-east-1.json").read_text())
    found = {}
    for kind in CREATE_ONLY:
        schema = json.loads((schemas / "resources" / f"{index[kind]}.json").read_text())
        found[kind] = frozenset(
            p.removeprefix("/properties/") for p in schema.get("createOnlyProperties", [])
        )
    return found


def test_replacement_table_matches_the_cloudformation_schemas() -> None:
    assert _cfn_lint_create_only() == CREATE_ONLY


def test_the_table_covers_every_type_the_renderer_writes() -> None:
    types = set()
    for path in ALL_TOPOLOGIES:
        plan = _plan(path)
        if plan.provider == "aws":
            types |= {r["Type"] for r in _template(plan).values()}
    assert types - set(CREATE_ONLY) == set()


UPSTREAM = re.compile(r"^\s*upstream (\S+) \{$")
SERVER = re.compile(r"^\s*server (\S+) max_fails=\S+ fail_timeout=\S+?( backup)?;\s+# ([^,]+),")


@pytest.mark.parametrize("path", ALL_TOPOLOGIES, ids=lambda p: p.stem)
def test_upstream_members_are_what_the_nginx_renderer_writes(path: Path) -> None:
    plan = _plan(path)
    members = upstream_members(plan)
    rendered: dict[tuple[str, str], tuple[str, ...]] = {}
    renderer = get("render", "nginx")
    if renderer.applies_to(Result.of_plan(plan)):
        for name, text in renderer.export(Result.of_plan(plan), ExportOptions()).items():
            proxy = plan.instance(name.split("/")[1]).service
            current = ""
            for line in str(text).splitlines():
                if found := UPSTREAM.match(line):
                    current = found.group(1)
                    rendered[(proxy, current)] = ()
                elif current and (server := SERVER.match(line)):
                    address, backup, instance = server.groups()
                    member = f"{address} ({instance}{', backup' if backup else ''})"
                    rendered[(proxy, current)] += (member,)
                elif line.strip() == "}":
                    current = ""
    assert members == rendered
    assert bool(members) == renderer.applies_to(Result.of_plan(plan))


def test_placements_are_the_plans_own_instances(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(ROOT))
    from benchmarks.generate import generate

    generated = generate(services=120, zones=4)
    plans = [_plan(path) for path in ALL_TOPOLOGIES]
    (tmp_path / "g.yaml").write_text(yaml.safe_dump(generated, sort_keys=False))
    plans.append(_plan(tmp_path / "g.yaml"))
    for plan in plans:
        assert placements(plan) == {i.name: (i.zone, i.subnet, str(i.ip)) for i in plan.instances}


def _rendering_counted(calls: list[str]) -> RenderSide:
    def render(plan: Plan) -> Rendered:
        calls.append(plan.name)
        return render_cloudformation(plan)

    return render


def test_the_stacks_are_rendered_only_when_they_can_differ() -> None:
    reference = _plan(ROOT / "topology.yaml")
    on_premises = _plan(ROOT / "examples" / "onprem-generic.yaml")
    calls: list[str] = []
    same = template_changes(reference, reference, _rendering_counted(calls))
    other = template_changes(reference, on_premises, _rendering_counted(calls))
    assert calls == []
    assert same.compared and not same.changed
    assert other.note == "CloudFormation does not apply to provider generic"


def test_a_side_the_renderer_refuses_is_said_not_raised() -> None:
    fine = Rendered({"main.json": {"Resources": {"A": {"Type": "AWS::EC2::VPC"}}}})
    refused = Rendered(refused="too many resources — split the topology")
    changes = compare_templates(fine, refused)
    assert not changes.compared
    assert changes.note == "the head does not render: too many resources — split the topology"


def test_the_stacks_are_compared_from_the_templates_handed_in() -> None:
    vpc = {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}}
    moved = {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.1.0.0/16"}}
    before = Rendered({"a.json": {"Resources": {"Vpc": vpc}}})
    after = Rendered(
        {"a.json": {"Resources": {"Vpc": moved, "Gw": {"Type": "AWS::EC2::NatGateway"}}}}
    )
    changes = compare_templates(before, after)
    assert [r.logical_id for r in changes.replaced] == ["Vpc"]
    assert [r.logical_id for r in changes.added] == ["Gw"]
    assert changes.resources == (1, 2)


def test_without_a_renderer_the_stacks_are_not_compared() -> None:
    result = _diff(ROOT / "topology.yaml", ROOT / "examples" / "reference-three-zones.yaml")
    plain = diff(str(ROOT / "topology.yaml"), str(ROOT / "examples" / "reference-three-zones.yaml"))
    assert result.cloudformation.changed
    assert plain.cloudformation == NOT_ASKED
    assert plain.findings == result.findings and plain.plan == result.plan


def test_the_public_api_compares_the_stacks_as_the_command_does() -> None:
    import tiered

    base, head = str(ROOT / "topology.yaml"), str(ROOT / "examples" / "reference-three-zones.yaml")
    public = tiered.diff(base, head)
    assert public.cloudformation == _diff(Path(base), Path(head)).cloudformation
    assert public.cloudformation.changed
    assert tiered.diff(base, head, cloudformation=False).cloudformation == NOT_ASKED
