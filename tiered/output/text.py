"""The redundancy review as text: rich tables for a terminal (colour only on a terminal)."""

from __future__ import annotations

import io
from typing import Any

from tiered.output.words import (
    SERVICE_COLUMNS,
    assumption_rows,
    down_text,
    pairs_sentence,
    service_cells,
    verdict,
)


def text(data: dict[str, Any], color: bool = False, width: int = 120) -> str:
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
    for s in data["scenarios"]:
        scenarios.add_row(
            s["failed"],
            "[red]DOWN[/red]" if s["system_down"] else "up",
            down_text(s),
            ", ".join(s["root_causes"]) or "—",
        )
    console.print(scenarios)

    if data["depth"] >= 2:
        pairs = data["pairs"]
        console.print("[bold]Double failures[/bold]: " + pairs_sentence(pairs))
        for p in pairs["listed"]:
            console.print(f"  {p['title']}: {', '.join(p['newly_down'])}", markup=False)

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
