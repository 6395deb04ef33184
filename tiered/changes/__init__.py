"""`tiered diff`: what a change does to resilience, for review and as a pull-request gate.

``diff(base, head)`` compares two topologies (files, git revisions or ``REV:path``):
findings matched by meaning (``findings``), fault tolerance, availability, zone losses and
margins (``measures``), instances, subnets and upstreams (``placement``), and what
CloudFormation would add, remove, replace or modify (``cloudformation``, from templates
rendered by the caller's ``render``). The result is data; the formats that write a ``Diff``
are exporters (``tiered.renderers.diff``), like every other output.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from tiered.changes.cloudformation import (
    Rendered,
    RenderSide,
    TemplateChanges,
    template_changes,
)
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
    "RenderSide",
    "Rendered",
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


#: The CloudFormation section when no renderer is given.
NOT_ASKED = TemplateChanges(False, "not asked for (--no-cloudformation)")


def compare(base: Loaded, head: Loaded, render: RenderSide | None = None) -> Diff:
    """The diff of two loaded sides; the stacks are compared when ``render`` renders a side."""
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
        cloudformation=NOT_ASKED
        if render is None
        else template_changes(base.plan, head.plan, render),
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
    render: RenderSide | None = None,
) -> Diff:
    """Compare two topologies; raises InvalidSides naming each invalid side and its problems.

    ``render`` renders one side's CloudFormation (the command line passes the
    ``render.cloudformation`` exporter's); without it the stacks are not compared.
    """
    old, new = load_sides(base, head, file, cwd)
    return compare(old, new, render)
