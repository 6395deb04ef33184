"""The redundancy review as Markdown (GitHub-flavoured tables), for pull requests and wikis."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tiered.renderers.report.words import (
    FAILOVER_ASSUMED_INTRO,
    SERVICE_COLUMNS,
    assumption_rows,
    cut_sets_sentence,
    down_text,
    failover_assumptions,
    how_to_test_intro,
    network_assumptions,
    pairs_sentence,
    service_cells,
    verdict,
)

if TYPE_CHECKING:
    from tiered.renderers.report.report_data import Report


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: Sequence[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def markdown(data: Report) -> str:
    t = data["topology"]
    out = [f"# Redundancy review: {t['name']}", ""]
    if t["description"]:
        out += [f"> {t['description']}", ""]
    where = f"{t['provider']} {t['region']}" if t["region"] else t["provider"]
    out += [
        f"`{data['file']}` · {where} · zones {', '.join(t['zones'])} · "
        f"{t['services']} services, {t['instances']} instances",
        "",
        "## Verdict",
        "",
    ]
    out += [f"- {line}" for line in verdict(data)]
    if network_assumptions(data):
        out += ["", "## Network assumptions", ""]
        out += [f"- {line}" for line in network_assumptions(data)]
    out += ["", "## Services", ""]
    out += _table(list(SERVICE_COLUMNS), [service_cells(s) for s in data["services"]])
    out += ["", "## Single failures", ""]
    out += _table(
        ["failure", "system", "down (← through)", "root cause"],
        [
            [
                s["failed"],
                "**DOWN**" if s["system_down"] else "up",
                down_text(s),
                ", ".join(s["root_causes"]) or "—",
            ]
            for s in data["scenarios"]
        ],
    )
    how = data["how_to_test"]
    if how:
        out += ["", "## How to test this", "", how_to_test_intro(how), ""]
        out += _table(
            ["prediction", "experiment", "command"],
            [
                [f"{x['tests']}: {x['expected']}", x["experiment"], f"`{x['command']}`"]
                for x in how["experiments"]
            ],
        )
    if data["depth"] >= 2:
        pairs = data["pairs"]
        out += ["", "## Double failures", ""]
        out.append(pairs_sentence(pairs))
        if pairs["listed"]:
            out.append("")
            out += _table(
                ["failures", "newly down"],
                [[p["title"], ", ".join(p["newly_down"])] for p in pairs["listed"]],
            )
    out += ["", "## Findings", ""]
    if not data["findings"]:
        out.append("No findings.")
    for f in data["findings"]:
        state = " (accepted)" if f["accepted"] else ""
        subject = f["service"] or "topology"
        out += [
            f"### {f['rule']} {f['severity']}{state} — {subject}",
            "",
            f"`{f['file']}:{f['line']}:{f['column']}` {f['message']}",
            "",
            f"**Fix:** {f['fix']}",
        ]
        if f["accepted"]:
            out += ["", f"**Accepted:** {f['accept_reason']}"]
        out.append("")
    ft = data["fault_tolerance"]
    if out[-1]:
        out.append("")
    out += ["## Fault tolerance", ""]
    if ft["order"] is None:
        out.append("No set of domain failures takes the system down.")
    else:
        out.append(
            f"**{ft['order']}**: the fewest simultaneous failures (zones, instances, managed "
            f"services) that take the system down; one such set: {', '.join(ft['example'])}."
        )
        if ft["minimal_cut_sets"] is not None:
            out += [
                "",
                cut_sets_sentence(ft),
                "",
            ]
            out += [f"- {', '.join(c)}" for c in ft["smallest_cut_sets"]]
        elif ft["note"]:
            out += ["", ft["note"]]
    a = data["availability"]
    out += ["", "## Availability", ""]
    out.append(
        "Exact over every combination of zone states, replicas binomial within them; "
        "the services the entry tier needs must all be up."
    )
    out.append("")
    out += _table(["assumed availability", "value"], [list(r) for r in assumption_rows(data)])
    out.append("")
    if failover_assumptions(data):
        out += [FAILOVER_ASSUMED_INTRO, ""]
        out += [f"- {line}" for line in failover_assumptions(data)]
        out.append("")
    if a["availability"] is None:
        out.append(a["note"])
    else:
        out.append(
            f"**{a['availability'] * 100:.5f}%**, expected downtime "
            f"{a['downtime_minutes_per_year']:.1f} minutes per year."
        )
    return "\n".join(out).rstrip() + "\n"
