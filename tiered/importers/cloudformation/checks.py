"""Template-wide checks CloudFormation itself makes (a Resources section, no cycles), and
the values of tiered's own tags.

A cycle of ``DependsOn`` (or of references) cannot be deployed; every cycle is reported
(one run shows them all), each at the ``DependsOn`` (or the resource) of one member. The
search is iterative, so a template of ten thousand resources cannot exhaust the stack.
"""

from __future__ import annotations

from typing import Any

from tiered.importers.cloudformation.drafts import (
    BALANCE_TAG,
    BALANCES,
    FAILOVER_TAG,
    FAILOVERS,
    MIN_HEALTHY_TAG,
    SOFTWARE_TAG,
    Draft,
)
from tiered.importers.cloudformation.intrinsics import text_of
from tiered.importers.cloudformation.report import Report
from tiered.importers.cloudformation.stack import Key, Universe
from tiered.loading.loader import SourceMap
from tiered.software import SOFTWARE


def _referenced(data: Any, names: dict[str, Any], found: set[str]) -> None:
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if len(item) == 1:
                ((key, argument),) = item.items()
                if key == "Ref" and isinstance(argument, str) and argument in names:
                    found.add(argument)
                elif key == "Fn::GetAtt":
                    target = (
                        argument.split(".", 1)[0]
                        if isinstance(argument, str)
                        else (argument[0] if isinstance(argument, list) and argument else None)
                    )
                    if isinstance(target, str) and target in names:
                        found.add(target)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def check_cycles(resources: dict[str, Any], source: SourceMap, report: Report) -> None:
    """Report every cycle of DependsOn/references the search meets, each once."""
    edges: dict[str, list[str]] = {}
    for name, body in resources.items():
        if not isinstance(body, dict):
            continue
        depends = body.get("DependsOn", [])
        targets = [depends] if isinstance(depends, str) else list(depends or [])
        found: set[str] = set()
        _referenced(body.get("Properties"), resources, found)
        edges[name] = [t for t in targets if isinstance(t, str) and t in resources] + sorted(found)
        for target in targets:
            if isinstance(target, str) and target not in resources:
                report.problem(
                    source.locate(("Resources", name, "DependsOn")),
                    "cfn-missing-reference",
                    f"{name} depends on '{target}', which is not a resource of the template",
                    "name a resource defined under Resources, or remove it from DependsOn",
                )
    state: dict[str, int] = {}
    reported: set[frozenset[str]] = set()
    for start in edges:
        if start in state:
            continue
        path: list[str] = []
        work: list[tuple[str, int]] = [(start, 0)]
        while work:
            node, index = work.pop()
            if index == 0:
                state[node] = 1
                path.append(node)
            following = edges.get(node, [])
            if index < len(following):
                work.append((node, index + 1))
                nxt = following[index]
                if state.get(nxt) == 1:
                    cycle = [*path[path.index(nxt) :], nxt]
                    if frozenset(cycle) in reported:
                        continue
                    reported.add(frozenset(cycle))
                    body = resources[node]
                    where = (
                        ("Resources", node, "DependsOn")
                        if isinstance(body, dict) and "DependsOn" in body
                        else ("Resources", node)
                    )
                    report.problem(
                        source.locate(where),
                        "cfn-circular-dependency",
                        f"circular dependency: {' → '.join(cycle)}",
                        "CloudFormation cannot create these resources; remove one DependsOn or "
                        "reference of the cycle",
                    )
                    continue
                if nxt not in state:
                    work.append((nxt, 0))
            else:
                state[node] = 2
                path.pop()


def check_tags(u: Universe, drafts: list[Draft]) -> None:
    """A ``tiered:`` tag whose value tiered cannot use is a located problem, not ignored:
    the tag is the owner's word on what the template cannot show."""
    allowed: dict[str, tuple[str, ...]] = {
        FAILOVER_TAG: (*FAILOVERS, "managed"),  # managed: a file system's, as rendered
        SOFTWARE_TAG: tuple(sorted(SOFTWARE)),
        BALANCE_TAG: BALANCES,
    }
    seen: set[Key] = set()
    for draft in drafts:
        for key in [*draft.keys, *sorted(draft.groups)]:
            if key in seen or not u.exists(key):
                continue
            seen.add(key)
            raw = u.prop(key, "Tags")
            for index, item in enumerate(raw if isinstance(raw, list) else []):
                if not isinstance(item, dict):
                    continue
                name, value = text_of(item.get("Key")), text_of(item.get("Value", ""))
                where = u.locate(key, "Tags", index, "Value")
                if name in allowed and value not in allowed[name]:
                    u.report.problem(
                        where,
                        "cfn-bad-tag",
                        f"tag {name} of {u.display(*key)} is '{value}', not a value tiered knows",
                        f"use one of {', '.join(allowed[name])}",
                    )
                elif name == MIN_HEALTHY_TAG and not value.isdigit():
                    u.report.problem(
                        where,
                        "cfn-bad-tag",
                        f"tag {name} of {u.display(*key)} is '{value}', not a number",
                        "give the number of replicas the service needs, e.g. 2",
                    )
