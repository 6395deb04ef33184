"""The redundancy review as text: rich tables for a terminal (colour only on a terminal)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from tiered.renderers.report.width import hanging
from tiered.renderers.report.words import (
    SERVICE_COLUMNS,
    assumption_rows,
    down_text,
    how_to_test_intro,
    network_assumptions,
    pairs_sentence,
    service_cells,
    verdict,
)

if TYPE_CHECKING:
    from tiered.renderers.report.report_data import Report


def text(data: Report, color: bool = False, width: int = 120) -> str:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=color,
        color_system="standard" if color else None,
        highlight=False,
    )
    t = data["topology"]
    console.print(f"[bold]Redundancy review: {t['name']}[/bold]  ({data['file']})")
    for line in verdict(data):
        console.print(hanging(f"  • {line}", width, 4), soft_wrap=True)
    assumed = network_assumptions(data)
    if assumed:
        console.print("[bold]Network assumptions[/bold]")
        for line in assumed:
            console.print(hanging(f"  • {line}", width, 4), soft_wrap=True)

    # No vertical rules, and short cells never wrap: the tables fit 80 columns.
    def compact(title: str) -> Table:
        return Table(
            title=title,
            title_justify="left",
            box=box.SIMPLE_HEAD,
            padding=0,
            pad_edge=False,
        )

    services = compact("Services")
    for column in SERVICE_COLUMNS:
        services.add_column(column.replace(" ", "\n", 1) if " " in column else column, no_wrap=True)
    for s in data["services"]:
        *cells, margin = service_cells(s)
        cells[3] = cells[3].replace(", ", "\n")  # one zone a line
        cells[5] = cells[5].replace(" ", "\n", 1)  # zone / us-east-1b
        services.add_row(*cells, f"[red]{margin}[/red]" if s["margin"] < 0 else margin)
    console.print(services)

    scenarios = compact("Single failures")
    for column in ("failure", "system", "down (← through)", "root cause"):
        scenarios.add_column(column, no_wrap=column == "system", ratio=2 if "down" in column else 1)
    for row in data["scenarios"]:
        scenarios.add_row(
            row["failed"],
            "[red]DOWN[/red]" if row["system_down"] else "up",
            down_text(row),
            ", ".join(row["root_causes"]) or "—",
        )
    console.print(scenarios)

    how = data["how_to_test"]
    if how:
        console.print("[bold]How to test this[/bold]")
        console.print(f"  {how_to_test_intro(how)}", markup=False)
        for x in how["experiments"]:
            console.print(f"  {x['tests']}: {x['expected']}  ({x['experiment']})", markup=False)
            console.print(f"      {x['command']}", markup=False, soft_wrap=True)

    if data["depth"] >= 2:
        pairs = data["pairs"]
        console.print("[bold]Double failures[/bold]: " + pairs_sentence(pairs))
        for p in pairs["listed"]:
            line = f"  {p['title']}: {', '.join(p['newly_down'])}"
            console.print(hanging(line, width, 6), markup=False, soft_wrap=True)

    console.print("[bold]Findings[/bold]" + ("" if data["findings"] else ": none"))
    for f in data["findings"]:
        state = " (accepted)" if f["accepted"] else ""
        for line, indent in (
            (
                f"  {f['file']}:{f['line']}:{f['column']}: {f['rule']} {f['severity']}{state} "
                f"{f['service'] or 'topology'}: {f['message']}",
                6,
            ),
            (f"      fix: {f['fix']}", 11),
            *([(f"      accepted: {f['accept_reason']}", 16)] if f["accepted"] else []),
        ):
            console.print(hanging(line, width, indent), markup=False, soft_wrap=True)

    console.print("[bold]Availability assumptions[/bold]")
    for name, value in assumption_rows(data):
        console.print(f"  {name}: {value}")
    return buffer.getvalue()
