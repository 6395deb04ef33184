"""Instances of one service, found by evidence when their logical ids do not show it.

Generated templates (the CDK above all) emit one ``AWS::EC2::Instance`` per member with a
hashed logical id (``Zookeeper1754DB60A``, ``Zookeeper24F08CF53``): the stems of the ids
do not match, so the instances would be services of one replica each and the quorum
math would never apply. The members of one service are grouped here by the strongest
evidence they share, in this order:

1. the construct path (``aws:cdk:path`` metadata): ``Stack/Zookeeper1/Resource`` and
   ``Stack/Zookeeper2/Resource`` are the constructs ``Zookeeper<n>`` of one parent;
2. the ``Name`` tag with its number taken off (``zookeeper-1``, ``zookeeper-2``);
3. their shape: logical ids of one stem once a generated hash and a number are taken off
   (``Node1A2B3C4D``, ``Node2E5F6A7B``), a security group in common, the same launch
   template or instance profile, image and instance type, and user data alike once
   numbers are masked (two hand-written services that merely look alike stay apart).

Instances a ``tiered:service`` tag places are never regrouped, and two instances whose
construct paths or names disagree are never grouped by shape. The evidence that grouped
a service is said in a note and in the written file's comment of the service. A draft
of a resource with a construct path is named after its construct (``Db``, not
``DbA677B4C7``).
"""

from __future__ import annotations

import re
from typing import Any

from tiered.importers.cloudformation.drafts import (
    FAILOVER_TAG,
    SERVICE_TAG,
    Draft,
    failover_from,
    kebab,
    software_from,
)
from tiered.importers.cloudformation.intrinsics import text_of
from tiered.importers.cloudformation.stack import Key, Universe
from tiered.software import SOFTWARE

CDK_PATH = "aws:cdk:path"
_NUMBER = re.compile(r"[-_ ]?\d+$")
_HASH = re.compile(r"(?<=[A-Za-z0-9])[0-9A-F]{8}$")  # the CDK's suffix of a logical id
_DIGITS = re.compile(r"\d+")


def construct_path(u: Universe, key: Key) -> str | None:
    """The resource's construct path without its trailing ``/Resource`` (or None)."""
    metadata = u.raw(key).get("Metadata")
    path = metadata.get(CDK_PATH) if isinstance(metadata, dict) else None
    if not isinstance(path, str) or not path:
        return None
    return path.removesuffix("/Resource").removesuffix("/Default")


def _stem(text: str) -> str:
    return _NUMBER.sub("", text) or text


def _shape(u: Universe, draft: Draft) -> tuple[Any, ...] | None:
    """What the instance is made of, numbers masked; None without a security group."""
    if not draft.groups:
        return None
    key = draft.keys[0]
    user_data = _DIGITS.sub("#", text_of(u.prop(key, "UserData", "")))
    template = u.prop(key, "LaunchTemplate")
    return (
        key[0],
        tuple(sorted(draft.groups)),
        _stem(_HASH.sub("", key[1])),
        text_of(template.get("LaunchTemplateId")) if isinstance(template, dict) else "",
        text_of(u.prop(key, "IamInstanceProfile", "")),
        text_of(u.prop(key, "ImageId", "")),
        text_of(u.prop(key, "InstanceType", "")),
        user_data,
    )


def _evidence(u: Universe, draft: Draft) -> tuple[tuple[Any, ...] | None, str]:
    """The grouping key of a one-instance draft, and how it reads in a note."""
    key = draft.keys[0]
    path = construct_path(u, key)
    if path is not None:
        parent, _, construct = path.rpartition("/")
        stem = _stem(construct)
        return ("construct", key[0], parent, stem), (
            f"construct path {parent + '/' if parent else ''}{stem}<n> ({CDK_PATH} metadata)"
        )
    name = u.tags(key).get("Name", "")
    if name:
        return ("name", key[0], _stem(name)), f"Name tag {_stem(name)}<n>"
    shape = _shape(u, draft)
    if shape is None:
        return None, ""
    groups = ", ".join(logical for _, logical in shape[1])
    shared = [f"security group {groups}"]
    if shape[3] or shape[4]:
        shared.append("launch template" if shape[3] else "instance profile")
    shared.append("image, instance type and user data alike")
    return ("shape", *shape), f"ids {shape[2]}<n>, the same " + ", ".join(shared)


def _shared(u: Universe, members: list[Draft]) -> list[str]:
    """Further evidence every member shares (said with the grouping evidence)."""
    said = []
    common = set.intersection(*(d.groups for d in members))
    if common:
        said.append("security group " + ", ".join(sorted(k[1] for k in common)))
    keys = [d.keys[0] for d in members]
    images = {text_of(u.prop(k, "ImageId", "")) for k in keys}
    if len(images) == 1 and images != {""}:
        said.append("image")
    shapes = {_DIGITS.sub("#", text_of(u.prop(k, "UserData", ""))) for k in keys}
    if len(shapes) == 1 and shapes != {""}:
        said.append("user data alike")
    return said


def group_members(u: Universe, drafts: list[Draft]) -> list[Draft]:
    """The instance drafts with the members of one service merged, evidence said."""
    buckets: dict[tuple[Any, ...], list[Draft]] = {}
    how: dict[tuple[Any, ...], str] = {}
    result: list[Draft | tuple[Any, ...]] = []
    for draft in drafts:
        single = len(draft.keys) == 1 and SERVICE_TAG not in draft.tags
        evidence, said = _evidence(u, draft) if single else (None, "")
        if evidence is None:
            result.append(draft)
            continue
        if evidence not in buckets:
            result.append(evidence)
        buckets.setdefault(evidence, []).append(draft)
        how[evidence] = said
    merged: list[Draft] = []
    for item in result:
        if isinstance(item, Draft):
            merged.append(item)
            continue
        members = buckets[item]
        merged.append(members[0] if len(members) == 1 else _merge(u, members, how[item]))
    return merged


def construct_names(u: Universe, drafts: list[Draft]) -> None:
    """Name a draft after its construct rather than its hashed logical id (``Db``, not
    ``DbA677B4C7``), unless a tag named it."""
    for draft in drafts:
        path = construct_path(u, draft.keys[0])
        if path is None or SERVICE_TAG in draft.tags:
            continue
        if draft.name in (kebab(draft.keys[0][1]), kebab(_stem(draft.keys[0][1]))):
            draft.name = kebab(path.rpartition("/")[2])


def _merge(u: Universe, members: list[Draft], evidence: str) -> Draft:
    first = members[0]
    keys = [d.keys[0] for d in members]
    path = construct_path(u, keys[0])
    if path:
        stem = _stem(path.rpartition("/")[2])
    else:
        stem = _stem(first.tags.get("Name", "")) or _stem(_HASH.sub("", keys[0][1]))
    name = kebab(stem.rpartition("/")[2])
    extra = [e for e in _shared(u, members) if e not in evidence]
    because = evidence + (f"; they also share {', '.join(extra)}" if extra else "")
    ids = ", ".join(u.display(*k) for k in keys)
    u.report.note(
        first.location,
        f"{ids}: grouped as one service, {name} ({len(keys)} instances), by {because}",
    )
    draft = Draft(
        name=name,
        kind="compute",
        role=first.role,
        keys=keys,
        location=first.location,
        zones=[z for d in members for z in d.zones],
        groups=set().union(*(d.groups for d in members)),
        tier=first.tier,
        public=all(d.public for d in members),
        tags=first.tags,
        comment=f"EC2 instances grouped by {because}",
    )
    types = {d.fields.get("instance_type") for d in members}
    if len(types) == 1 and None not in types:
        draft.set("instance_type", types.pop(), first.where.get("instance_type"))
    software, known = software_from(first.tags, stem, *(k[1] for k in keys))
    if software is not None:
        if known:
            draft.infer("software", software, known)
        else:
            draft.set("software", software)
    failover = failover_from(first.tags)
    if failover is not None:
        draft.set("failover", failover)
    elif FAILOVER_TAG not in first.tags:
        implied = SOFTWARE[software].failover if software else "active-active"
        origin = "the software" if software else "the resource type"
        draft.infer("failover", implied, f"from {origin}; review")
    draft.set("count", len(keys), first.location)
    return draft
