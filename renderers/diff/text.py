"""The diff as plain text: the summary, then every detail, one line each."""

from __future__ import annotations

from tiered.changes.cloudformation import INSTANCE
from tiered.changes.model import Diff
from tiered.renderers.diff.summary import (
    finding_line,
    headline,
    margin_line,
    move_line,
    placed_line,
    verdict,
)

#: Detail lines shown per section; the rest are counted (``--format json`` lists them all).
MAX_ROWS = 100


def capped(lines: list[str]) -> list[str]:
    """At most MAX_ROWS lines, then one saying how many more there are."""
    if len(lines) <= MAX_ROWS:
        return lines
    more = len(lines) - MAX_ROWS
    return [*lines[:MAX_ROWS], f"… and {more} more (--format json lists every one)"]


def sections(diff: Diff) -> list[tuple[str, list[str]]]:
    """Titled lists of detail lines (empty lists left out), shared with markdown."""
    p, cfn = diff.plan, diff.cloudformation
    found = [
        ("Findings", [finding_line(c) for c in diff.findings if c.state != "unchanged"]),
        ("Worst-case margins", [margin_line(c) for c in diff.measures.margins]),
        (
            "Instances (on AWS a moved instance is a replaced instance)",
            [f"moved    {move_line(m)}" for m in p.instances_moved]
            + [f"added    {placed_line(i)}" for i in p.instances_added]
            + [f"removed  {placed_line(i)}" for i in p.instances_removed],
        ),
        (
            "Subnets",
            [f"re-carved {move_line(m)}" for m in p.subnets_recarved]
            + [f"added     {placed_line(s)}" for s in p.subnets_added]
            + [f"removed   {placed_line(s)}" for s in p.subnets_removed],
        ),
        (
            "Managed endpoints",
            [f"moved    {move_line(m)}" for m in p.managed_moved]
            + [f"added    {placed_line(m)}" for m in p.managed_added]
            + [f"removed  {placed_line(m)}" for m in p.managed_removed],
        ),
        (
            "NGINX upstreams",
            [
                f"{u.proxy} → {u.target}: {sign} {server}"
                for u in p.upstreams
                for sign, servers in (("+", u.added), ("−", u.removed))
                for server in servers
            ],
        ),
        (
            "CloudFormation",
            [
                f"replaced {r.logical_id} ({r.type}): {'; '.join(r.because)}"
                for r in sorted(cfn.replaced, key=lambda r: (r.type != INSTANCE, r.logical_id))
            ]
            + [f"added    {r.logical_id} ({r.type})" for r in cfn.added]
            + [f"removed  {r.logical_id} ({r.type})" for r in cfn.removed]
            + [f"modified {r.logical_id} ({r.type}): {', '.join(r.because)}" for r in cfn.modified],
        ),
    ]
    return [(title, lines) for title, lines in found if lines]


def text(diff: Diff) -> str:
    lines = [f"tiered diff: {diff.base.label} → {diff.head.label}", verdict(diff)]
    if not diff.empty:
        lines += [f"  {line}" for line in headline(diff)]
    for title, details in sections(diff):
        lines += ["", f"{title}:"] + [f"  {line}" for line in capped(details)]
    return "\n".join(lines) + "\n"
