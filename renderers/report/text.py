"""The redundancy review as text: rich tables for a terminal (colour only on a terminal)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from tiered.renderers.report.words import (
    SERVICE_COLUMNS,
    assumption_rows,
    down_text,
    how_to_test_intro,
    network_assumptions,
    service_cells,
    verdict,
)

if TYPE_CHECKING:
    from tiered.renderers.report.report_data import Report


def text(data: Report, color: bool = False, width: int = 120) -> str:
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
        console.print(f"  • {line}", soft_wrap=False)
    assumed = network_assumptions(data)
    if assumed:
        console.print("[bold]Network assumptions[/bold]")
        for line in assumed:
            console.print(f"  • {line}", soft_wrap=False)

    services = Table(title="Services", title_justify="left")
    for column in SERVICE_COLUMNS:
        services.add_column(column)
    for s in data["services"]:
        *cells, margin = service_cells(s)
        services.add_row(*cells, f"[red]{margin}[/red]" if s["margin"] < 0 else margin)
    console.print(services)

    scenarios = Table(title="Single failures", title_justify="left")
    for column in ("failure", "system", "down (← through)", "root cause"):
        scenarios.add_column(column)
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
        console.print(
            f"[bold]Double failures[/bold]: {pairs['system_down']} pairs take the system down "
            "where neither failure does alone"
        )
        for p in pairs["listed"]:
            console.print(f"  {' + '.join(p['failed'])}: {', '.join(p['newly_down'])}")

    console.print("[bold]Findings[/bold]" + ("" if data["findings"] else ": none"))
    for f in data["findings"]:
        state = " (accepted)" if f["accepted"] else ""
        console.print(
            f"  {f['file']}:{f['line']}:{f['column']}: {f['rule']} {f['severity']}{state} "
            f"{f['service'] or 'topology'}: {f['message']}",
            markup=False,
        )
        console.print(f"      fix: {f['fix']}", markup=False)
        if f["accepted"]:
            console.print(f"      accepted: {f['accept_reason']}", markup=False)

    console.print("[bold]Availability assumptions[/bold]")
    for name, value in assumption_rows(data):
        console.print(f"  {name}: {value}")
    return buffer.getvalue()
