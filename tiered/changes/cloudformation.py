"""CloudFormation consequences of a change: the templates of both plans compared resource
by resource.

The templates are handed in: whoever asks for the comparison renders each side
(``RenderSide``), so this floor never looks an exporter up.

A logical id on one side only is added or removed. On both sides, a resource is replaced
when its type changes, when it moves to another nested stack, when a property that
CloudFormation cannot update in place changes (``replacement.CREATE_ONLY``), or when such
a property refers to a resource that is itself replaced (``Ref``: a new physical id) or
updated in a way that changes the attribute it reads (``Fn::GetAtt`` of a launch
template's latest version). Any other difference is an in-place modification.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tiered.changes.replacement import CREATE_ONLY
from tiered.placement.plan import Plan

INSTANCE = "AWS::EC2::Instance"
#: Attributes that change when their resource is updated in place (a launch template's
#: data change makes a new version); others change only with a replacement.
VOLATILE = frozenset({("AWS::EC2::LaunchTemplate", "LatestVersionNumber")})

#: logical id → (the nested stack holding it, "" for the main stack; the resource)
Resources = dict[str, tuple[str, dict[str, Any]]]

#: One side's templates, parsed: file name → template (a parent and its nested stacks).
Templates = Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True, slots=True)
class Resource:
    """A resource that is added, removed, replaced or modified, and why."""

    logical_id: str
    type: str
    because: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {"logical_id": self.logical_id, "type": self.type, "because": list(self.because)}


@dataclass(frozen=True, slots=True)
class TemplateChanges:
    """What CloudFormation would do to the stack; ``note`` says why nothing was compared."""

    compared: bool
    note: str = ""
    added: tuple[Resource, ...] = ()
    removed: tuple[Resource, ...] = ()
    replaced: tuple[Resource, ...] = ()
    modified: tuple[Resource, ...] = ()
    resources: tuple[int, int] = field(default=(0, 0))

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.replaced or self.modified)

    @property
    def replaced_instances(self) -> tuple[str, ...]:
        return tuple(r.logical_id for r in self.replaced if r.type == INSTANCE)

    def to_dict(self) -> dict[str, object]:
        return {
            "compared": self.compared,
            "note": self.note,
            "resources_before": self.resources[0],
            "resources_after": self.resources[1],
            "added": [r.to_dict() for r in self.added],
            "removed": [r.to_dict() for r in self.removed],
            "replaced": [r.to_dict() for r in self.replaced],
            "modified": [r.to_dict() for r in self.modified],
            "replaced_instances": list(self.replaced_instances),
        }


@dataclass(frozen=True, slots=True)
class Rendered:
    """One side as the CloudFormation renderer gave it: its templates, or why it refused."""

    templates: Templates = field(default_factory=dict)
    refused: str = ""


#: What renders one side's plan; given by the caller (the command line picks the exporter).
RenderSide = Callable[[Plan], Rendered]


def resources(templates: Templates) -> Resources:
    """Every resource of a set of templates (a parent and its nested stacks), by logical id.

    A nested stack is known by the name the renderer records in its metadata, not by its
    file name (which follows the topology's name).
    """
    found: Resources = {}
    for template in templates.values():
        stack = str(template.get("Metadata", {}).get("tiered", {}).get("stack", ""))
        for logical, resource in template.get("Resources", {}).items():
            found[logical] = (stack, resource)
    return found


def template_changes(base: Plan, head: Plan, render: RenderSide) -> TemplateChanges:
    """What CloudFormation would do going from ``base`` to ``head``, each side rendered by
    ``render`` only when it must be: not for a provider other than aws, not for equal plans."""
    if base.provider != "aws" or head.provider != "aws":
        providers = sorted({base.provider, head.provider} - {"aws"})
        return TemplateChanges(
            False, f"CloudFormation does not apply to provider {', '.join(providers)}"
        )
    if base == head:  # same plan, same templates: the renderer is deterministic
        return TemplateChanges(True)
    return compare_templates(render(base), render(head))


def compare_templates(base: Rendered, head: Rendered) -> TemplateChanges:
    """Compare two rendered sides; a side the renderer refused is said, not raised."""
    for side, rendered in (("base", base), ("head", head)):
        if rendered.refused:
            return TemplateChanges(False, f"the {side} does not render: {rendered.refused}")
    return compare(resources(base.templates), resources(head.templates))


def compare(before: Resources, after: Resources) -> TemplateChanges:
    """The changes between two sets of resources (see the module documentation)."""
    added = tuple(Resource(i, after[i][1]["Type"]) for i in after if i not in before)
    removed = tuple(Resource(i, before[i][1]["Type"]) for i in before if i not in after)
    both = [i for i in after if i in before]
    replaced: dict[str, tuple[str, ...]] = {}
    modified: dict[str, tuple[str, ...]] = {}
    for logical in both:
        reasons, edits = _own_changes(before[logical], after[logical])
        if reasons:
            replaced[logical] = reasons
        elif edits:
            modified[logical] = edits
    _propagate(after, both, replaced, modified)
    return TemplateChanges(
        True,
        added=added,
        removed=removed,
        replaced=tuple(
            Resource(i, after[i][1]["Type"], replaced[i]) for i in both if i in replaced
        ),
        modified=tuple(
            Resource(i, after[i][1]["Type"], modified[i])
            for i in both
            if i in modified and i not in replaced
        ),
        resources=(len(before), len(after)),
    )


def _value(properties: dict[str, Any], path: str) -> Any:
    value: Any = properties
    for part in path.split("/"):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _own_changes(
    old: tuple[str, dict[str, Any]], new: tuple[str, dict[str, Any]]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Reasons for a replacement, and the names of what changes in place."""
    (old_stack, old_resource), (new_stack, new_resource) = old, new
    kind = new_resource["Type"]
    if old_resource["Type"] != kind:
        return (f"its type changes from {old_resource['Type']}",), ()
    reasons = []
    if old_stack != new_stack:
        where = {"": "the main stack"}
        reasons.append(
            f"it moves from {where.get(old_stack, f'nested stack {old_stack}')} "
            f"to {where.get(new_stack, f'nested stack {new_stack}')}"
        )
    old_props = old_resource.get("Properties", {})
    new_props = new_resource.get("Properties", {})
    for path in sorted(CREATE_ONLY.get(kind, ())):
        before, after = _value(old_props, path), _value(new_props, path)
        if before != after:
            reasons.append(f"{path} changes: {_short(before)} → {_short(after)}")
    edits = [
        key for key in sorted({*old_props, *new_props}) if old_props.get(key) != new_props.get(key)
    ]
    others = {*old_resource, *new_resource} - {"Properties", "Type"}
    edits += [key for key in sorted(others) if old_resource.get(key) != new_resource.get(key)]
    return tuple(reasons), tuple(edits)


def _short(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, dict) and set(value) == {"Ref"}:
        return f"Ref {value['Ref']}"
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return text if len(text) <= 60 else text[:57] + "..."


def _references(value: Any, refs: set[str], atts: set[tuple[str, str]]) -> None:
    if isinstance(value, list):
        for item in value:
            _references(item, refs, atts)
    elif isinstance(value, dict):
        if set(value) == {"Ref"} and isinstance(value["Ref"], str):
            refs.add(value["Ref"])
        elif set(value) == {"Fn::GetAtt"}:
            target = value["Fn::GetAtt"]
            parts = target if isinstance(target, list) else str(target).split(".", 1)
            atts.add((str(parts[0]), str(parts[1]) if len(parts) > 1 else ""))
        else:
            for item in value.values():
                _references(item, refs, atts)


def _propagate(
    after: Resources,
    both: list[str],
    replaced: dict[str, tuple[str, ...]],
    modified: dict[str, tuple[str, ...]],
) -> None:
    """Replace what refers, through a property that forces replacement, to a replaced
    resource (or reads an attribute of a changed one); repeated until nothing more."""
    watch: list[tuple[str, str, set[str], set[tuple[str, str]]]] = []
    for logical in both:
        resource = after[logical][1]
        properties = resource.get("Properties", {})
        for path in sorted(CREATE_ONLY.get(resource["Type"], ())):
            refs: set[str] = set()
            atts: set[tuple[str, str]] = set()
            _references(_value(properties, path), refs, atts)
            if refs or atts:
                watch.append((logical, path, refs, atts))
    changed = True
    while changed:
        changed = False
        for logical, path, refs, atts in watch:
            if logical in replaced:
                continue
            ref = next((r for r in sorted(refs) if r in replaced), None)
            att = next(
                (
                    target
                    for target, attribute in sorted(atts)
                    if target in replaced
                    or (target in modified and (after[target][1]["Type"], attribute) in VOLATILE)
                ),
                None,
            )
            if ref is not None:
                replaced[logical] = (f"{path} refers to {ref}, which is replaced",)
            elif att is not None:
                replaced[logical] = (f"{path} reads an attribute of {att}, which changes",)
            else:
                continue
            changed = True
