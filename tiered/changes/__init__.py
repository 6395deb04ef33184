"""`tiered diff`: what a change does to resilience, for review and as a pull-request gate.

``diff(base, head)`` compares two topologies (files, git revisions or ``REV:path``):
findings matched by meaning (``findings``), fault tolerance, availability, zone losses and
margins (``measures``), instances, subnets and upstreams (``placement``), and what
CloudFormation would add, remove, replace or modify (``cloudformation``). The formats
(``text``, ``markdown``, ``sarif``; json is ``Diff.to_dict``) render a ``Diff``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from tiered.changes.cloudformation import TemplateChanges, compare_templates
from tiered.changes.findings import FindingChange, match
from tiered.changes.inputs import (
    InvalidSide,
    InvalidSides,
    Loaded,
    Source,
    load,
    resolve,
    working_tree,
)
from tiered.changes.measures import measure
from tiered.changes.model import Diff, SideInfo
from tiered.changes.placement import compare_plans
from tiered.findings import Location
from tiered.importers.options import ImportOptions

__all__ = [
    "Diff",
    "FindingChange",
    "InvalidSide",
    "InvalidSides",
    "Loaded",
    "TemplateChanges",
    "compare",
    "diff",
    "load_sides",
]


def load_sides(
    base: str,
    head: str | None = None,
    file: str = "topology.yaml",
    cwd: Path | None = None,
    options: ImportOptions | None = None,
) -> tuple[Loaded, Loaded]:
    """Resolve and load both sides; a missing ``head`` is the base's file in the working tree.
    ``options`` say how to read a side that is a foreign file (a template's parameters).

    Raises InvalidSides with the problems of every side that is unusable.
    """
    errors: list[InvalidSide] = []
    old: Source | None = None
    try:
        old = resolve("base", base, file, cwd)
    except InvalidSide as error:
        errors.append(error)
    try:
        if head is None:
            new = working_tree("head", old.path if old and old.revision else file, cwd)
        else:
            new = resolve("head", head, file, cwd)
    except InvalidSide as error:
        errors.append(error)
        new = None
    loaded: list[Loaded] = []
    for source in (old, new):
        if source is None:
            continue
        try:
            loaded.append(load(source, options))
        except InvalidSide as error:
            errors.append(error)
    if errors:
        raise InvalidSides(sorted(errors, key=lambda e: e.side))
    return loaded[0], loaded[1]


def compare(base: Loaded, head: Loaded, cloudformation: bool = True) -> Diff:
    """The diff of two loaded sides; ``cloudformation`` False skips rendering templates."""
    before, after = base.result, head.result
    changes = [
        dataclasses.replace(change, now=_where_now(head, change.finding.service))
        if change.state == "fixed"
        else change
        for change in match(before.findings, after.findings)
    ]
    return Diff(
        base=SideInfo(base.source.label, base.source.path, base.source.revision),
        head=SideInfo(head.source.label, head.source.path, head.source.revision),
        findings=tuple(changes),
        measures=measure(before.analysis, after.analysis),
        plan=compare_plans(base.plan, head.plan),
        cloudformation=compare_templates(base.plan, head.plan)
        if cloudformation
        else TemplateChanges(False, "not asked for (--no-cloudformation)"),
    )


def _where_now(head: Loaded, service: str | None) -> Location | None:
    source = head.result.source
    if service is None or service not in head.plan.services or source is None:
        return None
    return source.locate(head.plan.services[service].path, key=True)


def diff(
    base: str,
    head: str | None = None,
    file: str = "topology.yaml",
    cwd: Path | None = None,
    cloudformation: bool = True,
) -> Diff:
    """Compare two topologies; raises InvalidSides naming each invalid side and its problems."""
    old, new = load_sides(base, head, file, cwd)
    return compare(old, new, cloudformation)
