"""CloudFormation's limits, and the split into nested stacks per tier when a plan passes them.

A template may hold 500 resources and, uploaded to S3, 1 MB. Past either limit the shared
resources (network, security groups, roles) stay in a parent template and the resources
of each tier move to a child stack (several per tier when one would still be too big),
created by an ``AWS::CloudFormation::Stack`` whose ``TemplateURL`` is the ``TemplateBaseUrl``
parameter plus the child's file name. Child stacks receive what they use from the parent
as parameters; resources that refer to each other (an instance, its alarm, its Elastic IP,
the entry's DNS failover records) always land in the same child.
"""

from __future__ import annotations

import json
from typing import Any

from tiered.exporters.base import ExportRefused
from tiered.placement.plan import Plan
from tiered.renderers.cloudformation.ids import camel, logical_id
from tiered.renderers.cloudformation.parameters import TEMPLATE_BASE_URL
from tiered.renderers.cloudformation.serialize import dump
from tiered.renderers.cloudformation.tags import tags
from tiered.renderers.cloudformation.template import Json, Template, ref, sub

MAX_RESOURCES = 500
#: The size limit of a template read from S3 (1 MB), with a margin.
MAX_BYTES = 1_000_000
#: Packing budget of one child stack (below cfn-lint's 90 % "approaching the limit" notice).
CHILD_RESOURCES = 400
CHILD_CHARACTERS = 400_000


def package(template: Template, plan: Plan, fmt: str) -> dict[str, str]:
    """File name → text of the template, or of the parent and child templates."""
    if len(template.resources) <= MAX_RESOURCES:
        text = dump(template.to_dict(), fmt)
        if len(text.encode()) <= MAX_BYTES:
            return {f"{plan.name}.{fmt}": text}
    parent, children = split(template, plan, fmt)
    files = {f"{plan.name}.{fmt}": dump(parent.to_dict(), fmt)}
    for name, child in children.items():
        files[name] = dump(child.to_dict(), fmt)
        if len(files[name].encode()) > MAX_BYTES:  # pragma: no cover - packing budget prevents it
            raise ExportRefused(
                f"nested stack {name} is {len(files[name].encode()):,} bytes, past the "
                f"{MAX_BYTES:,}-byte template limit",
                "split the tier into several tiers",
            )
    return files


def split(template: Template, plan: Plan, fmt: str) -> tuple[Template, dict[str, Template]]:
    """The parent template and the child templates by file name."""
    parent = Template(description=template.description)
    parent.parameters = dict(template.parameters)
    parent.parameters[TEMPLATE_BASE_URL] = {
        "AllowedPattern": r"^https://\S+[^/]$",
        "ConstraintDescription": "an https URL without a trailing slash",
        "Description": "URL of the S3 folder the child templates were uploaded to",
        "Type": "String",
    }
    parent.metadata = json.loads(json.dumps(template.metadata))
    interface = parent.metadata.setdefault(
        "AWS::CloudFormation::Interface", {"ParameterGroups": [], "ParameterLabels": {}}
    )
    interface["ParameterGroups"].append(
        {"Label": {"default": "Nested stacks"}, "Parameters": [TEMPLATE_BASE_URL]}
    )
    interface["ParameterLabels"][TEMPLATE_BASE_URL] = {"default": "Child templates URL"}
    for logical, resource in template.resources.items():
        if template.groups[logical] is None:
            parent.resources[logical] = resource
            parent.origins[logical] = template.origins[logical]

    chunks = _chunks(template, plan)
    chunk_of = {logical: name for name, ids in chunks.items() for logical in ids}
    children: dict[str, Template] = {}
    exports: list[tuple[str, str, Json]] = []
    for name, ids in chunks.items():
        child, passed, depends = _child(template, name, ids, chunk_of, exports)
        file_name = f"{plan.name}-{name}.{fmt}"
        children[file_name] = child
        stack: Json = {
            # deleting the parent deletes the child stack; the child's own resources keep
            # their policies (databases snapshotted, file systems retained)
            "DeletionPolicy": "Delete",
            "UpdateReplacePolicy": "Delete",
            "Type": "AWS::CloudFormation::Stack",
            "Properties": {
                "Parameters": passed,
                "Tags": tags(plan.name, f"stack-{name}", tier=template.groups[ids[0]]),
                "TemplateURL": sub(f"${{{TEMPLATE_BASE_URL}}}/{file_name}"),
            },
        }
        depends -= _names(passed)  # a parameter's Ref or GetAtt orders them already
        if depends:
            stack["DependsOn"] = sorted(depends)
        parent.resources[logical_id("Stack", name)] = stack
    for owner, output_name, value in exports:
        children[f"{plan.name}-{owner}.{fmt}"].outputs[output_name] = {
            "Description": f"{output_name}, for the other nested stacks",
            "Value": value,
        }
    for key, output in template.outputs.items():
        owners = {chunk_of.get(name) for name in _names(output["Value"])}
        owners.discard(None)
        if owners:
            children[f"{plan.name}-{owners.pop()}.{fmt}"].outputs[key] = output
        else:
            parent.outputs[key] = output
    used = _closure(template, _conditions_used([parent.resources, parent.outputs]))
    parent.conditions = {k: v for k, v in template.conditions.items() if k in used}
    if len(parent.resources) > MAX_RESOURCES:
        raise ExportRefused(
            f"even split into nested stacks per tier, the parent template holds "
            f"{len(parent.resources)} resources, past CloudFormation's limit of {MAX_RESOURCES}",
            "use fewer zones, tiers or services in one topology",
        )
    return parent, children


def _chunks(template: Template, plan: Plan) -> dict[str, list[str]]:
    """Resources of each tier packed into child stacks, whole units at a time."""
    chunks: dict[str, list[str]] = {}
    for tier in plan.tiers:
        units: dict[str, list[str]] = {}
        for logical in template.resources:
            if template.groups[logical] == tier.name:
                units.setdefault(template.units[logical], []).append(logical)
        packed: list[list[str]] = []
        size = 0
        for ids in units.values():
            weight = sum(len(json.dumps(template.resources[i])) for i in ids)
            if (
                not packed
                or len(packed[-1]) + len(ids) > CHILD_RESOURCES
                or size + weight > CHILD_CHARACTERS
            ):
                packed.append([])
                size = 0
            packed[-1].extend(ids)
            size += weight
        for index, ids in enumerate(packed, start=1):
            chunks[tier.name if len(packed) == 1 else f"{tier.name}-{index}"] = ids
    return chunks


def _child(
    template: Template,
    name: str,
    ids: list[str],
    chunk_of: dict[str, str],
    exports: list[tuple[str, str, Json]],
) -> tuple[Template, Json, set[str]]:
    """A child template, the parameters its stack passes, and the resources it waits on.

    Values of other children's resources are appended to ``exports`` as (child, output
    name, value): the caller makes them outputs of those children.
    """
    child = Template(description=f"{template.description} (nested stack {name})")
    child.metadata = {"tiered": {"stack": name, **template.metadata["tiered"]}}
    passed: Json = {}
    members = set(ids)
    depends: set[str] = set()

    def rewrite(value: Any) -> Any:
        if isinstance(value, list):
            return [rewrite(item) for item in value]
        if not isinstance(value, dict):
            return value
        if set(value) == {"Ref"}:
            target = value["Ref"]
            if target not in members and not target.startswith("AWS::"):
                passed[target] = _external(target, target, value)
            return value
        if set(value) == {"Fn::GetAtt"}:
            target, attribute = value["Fn::GetAtt"]
            if target in members:
                return value
            parameter = target + camel(attribute.replace(".", "-"))
            passed[parameter] = _external(target, parameter, value)
            return ref(parameter)
        return {key: rewrite(item) for key, item in value.items()}

    def _external(target: str, parameter: str, value: Json) -> Json:
        """What the parent passes for ``value``: itself, or another child's output of it."""
        owner = chunk_of.get(target)
        if owner is None or owner == name:
            return value
        # a resource of another child stack (an instance's user data naming a database):
        # that child outputs it, the parent passes the output on (and so creates it first)
        exports.append((owner, parameter, value))
        return {"Fn::GetAtt": [logical_id("Stack", owner), f"Outputs.{parameter}"]}

    for logical in ids:
        resource = dict(template.resources[logical])
        after = resource.pop("DependsOn", None)
        if after is not None:
            listed = [after] if isinstance(after, str) else list(after)
            inside = [d for d in listed if d in members]
            # outside this child: a parent resource, or another child's stack
            depends.update(
                logical_id("Stack", chunk_of[d]) if d in chunk_of else d
                for d in listed
                if d not in members
            )
            if inside:
                resource["DependsOn"] = inside
        child.resources[logical] = rewrite(resource)
    for condition in sorted(_closure(template, _conditions_used(child.resources))):
        child.conditions[condition] = rewrite(template.conditions[condition])
    for parameter in passed:
        child.parameters[parameter] = {
            "Description": f"{parameter} of the parent stack",
            "Type": _child_type(template.parameters.get(parameter)),
        }
    return child, dict(sorted(passed.items())), depends


def _child_type(parent: Json | None) -> str:
    """A child parameter's type: the parent's, with SSM-resolved types as their values."""
    if parent is None:
        return "String"
    kind: str = parent["Type"]
    prefix = "AWS::SSM::Parameter::Value<"
    return kind[len(prefix) : -1] if kind.startswith(prefix) else kind


def _names(value: Any) -> set[str]:
    """Resource names a value refers to through Ref or Fn::GetAtt."""
    found: set[str] = set()
    if isinstance(value, list):
        for item in value:
            found |= _names(item)
    elif isinstance(value, dict):
        if set(value) == {"Ref"}:
            found.add(value["Ref"])
        elif set(value) == {"Fn::GetAtt"}:
            found.add(value["Fn::GetAtt"][0])
        else:
            for item in value.values():
                found |= _names(item)
    return found


def _closure(template: Template, names: set[str]) -> set[str]:
    """``names`` and every condition they are built from."""
    found = set(names)
    pending = list(names)
    while pending:
        for name in _conditions_used(template.conditions.get(pending.pop(), {})):
            if name not in found:
                found.add(name)
                pending.append(name)
    return found


def _conditions_used(value: Any) -> set[str]:
    """Conditions named in ``value``: by ``Fn::If``, a ``Condition`` key or attribute."""
    found: set[str] = set()
    if isinstance(value, list):
        for item in value:
            found |= _conditions_used(item)
    elif isinstance(value, dict):
        if isinstance(value.get("Condition"), str):
            found.add(value["Condition"])
        if "Fn::If" in value:
            found.add(value["Fn::If"][0])
        for item in value.values():
            found |= _conditions_used(item)
    return found
