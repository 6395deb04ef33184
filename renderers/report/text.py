"""The redundancy review as text: rich tables for a terminal (colour only on a terminal).

With a ``width`` every line fits it: sentences wrap at spaces with a hanging indent, a
table that cannot fit without cutting a word becomes one record a row, and the commands
of "How to test this" continue with backslashes where the shell splits words. Without
(a pipe or a file) sentences stay on one line and tables take their natural width.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from tiered.renderers.report.layout import shell_lines, stacked
from tiered.renderers.report.simple_table import plain_line, simple_head
from tiered.renderers.report.width import UNWRAPPED, hanging
from tiered.renderers.report.words import (
    FAILOVER_ASSUMED_INTRO,
    SERVICE_COLUMNS,
    assumption_rows,
    down_text,
    failover_assumptions,
    how_to_test_intro,
    network_assumptions,
    pairs_sentence,
    service_cells,
    verdict,
)

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from tiered.renderers.report.report_data import Report


def _compact(title: str, columns: list[tuple[str, dict[str, Any]]], rows: list[list[str]]) -> Table:
    """No vertical rules, no padding: the tables fit 80 columns."""
    from rich import box
    from rich.table import Table

    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, padding=0, pad_edge=False)
    for header, options in columns:
        table.add_column(header, **options)
    for row in rows:
        table.add_row(*row)
    return table


def _heading(console: Console, title: str, rest: str, width: int | None, indent: int) -> None:
    """A bold title followed by a sentence, wrapped with a hanging indent."""
    from rich.text import Text

    line = Text(hanging(title + rest, width, indent))
    line.stylize("bold", 0, len(title))
    console.print(line, soft_wrap=True)


def _table(
    console: Console,
    title: str,
    columns: list[tuple[str, dict[str, Any]]],
    rows: list[list[str]],
    plain: tuple[list[str], list[list[str]]],
    width: int | None,
) -> None:
    """The table (``rows`` in rich markup), or its ``plain`` rows as records when it cannot
    fit ``width`` without cutting words. Without colour, a table that fits at its natural
    widths is drawn by ``simple_head``, as rich would draw it, in a fraction of the time."""
    from rich.console import Console
    from rich.text import Text

    drawn = None
    if console.color_system is None:
        headers = [header for header, _ in columns]
        drawn = simple_head(console, title, headers, rows, width or UNWRAPPED)
    if drawn is not None and (width is None or "…" not in drawn):
        console.file.write(drawn)
        return
    if drawn is None:
        table = _compact(title, columns, rows)
        if width is None:
            console.print(table)
            return
        trial = Console(file=io.StringIO(), width=width, color_system=None)
        with trial.capture() as captured:
            trial.print(table)
        if "…" not in captured.get():  # rich cuts a word it cannot fit with an ellipsis
            console.print(table)
            return
    headers, plain_rows = plain
    console.print(Text(title, style="italic"))
    console.print(Text(stacked(headers, plain_rows, width).rstrip("\n")), soft_wrap=True)
    console.print()


def text(data: Report, color: bool = False, width: int | None = None) -> str:
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width or UNWRAPPED,
        force_terminal=color,
        color_system="standard" if color else None,
        highlight=False,
    )

    def say(line: str, indent: int) -> None:
        wrapped = hanging(line, width, indent)
        shown = plain_line(console, wrapped)  # as rich prints it, without its cost
        if shown is None:
            console.print(wrapped, markup=False, soft_wrap=True)
        else:
            buffer.write(shown + "\n")

    t = data["topology"]
    _heading(console, f"Redundancy review: {t['name']}", f"  ({data['file']})", width, 2)
    for line in verdict(data):
        say(f"  • {line}", 4)
    assumed = network_assumptions(data)
    if assumed:
        console.print("[bold]Network assumptions[/bold]")
        for line in assumed:
            say(f"  • {line}", 4)

    service_columns: list[tuple[str, dict[str, Any]]] = [
        (column.replace(" ", "\n", 1) if " " in column else column, {"no_wrap": True})
        for column in SERVICE_COLUMNS
    ]
    plain_services = []
    service_rows = []
    for s in data["services"]:
        *cells, margin = service_cells(s)
        plain_services.append([*cells, margin])
        cells[3] = cells[3].replace(", ", "\n")  # one zone a line
        cells[5] = cells[5].replace(" ", "\n", 1)  # zone / us-east-1b
        service_rows.append([*cells, f"[red]{margin}[/red]" if s["margin"] < 0 else margin])
    plain = (list(SERVICE_COLUMNS), plain_services)
    _table(console, "Services", service_columns, service_rows, plain, width)

    scenario_columns = ["failure", "system", "down (← through)", "root cause"]
    scenario_options: list[tuple[str, dict[str, Any]]] = [
        (column, {"no_wrap": column == "system", "ratio": 2 if "down" in column else 1})
        for column in scenario_columns
    ]
    plain_scenarios = []
    scenario_rows = []
    for row in data["scenarios"]:
        cells = [
            row["failed"],
            "DOWN" if row["system_down"] else "up",
            down_text(row),
            ", ".join(row["root_causes"]) or "—",
        ]
        plain_scenarios.append(cells)
        scenario_rows.append(
            [cells[0], "[red]DOWN[/red]" if row["system_down"] else "up", cells[2], cells[3]]
        )
    plain = (scenario_columns, plain_scenarios)
    _table(console, "Single failures", scenario_options, scenario_rows, plain, width)

    how = data["how_to_test"]
    if how:
        console.print("[bold]How to test this[/bold]")
        say(f"  {how_to_test_intro(how)}", 4)
        for x in how["experiments"]:
            say(f"  {x['tests']}: {x['expected']}  ({x['experiment']})", 6)
            for line in shell_lines(x["command"], width, 6):
                console.print(line, markup=False, soft_wrap=True)

    if data["depth"] >= 2:
        pairs = data["pairs"]
        _heading(console, "Double failures", ": " + pairs_sentence(pairs), width, 2)
        for p in pairs["listed"]:
            say(f"  {p['title']}: {', '.join(p['newly_down'])}", 6)

    console.print("[bold]Findings[/bold]" + ("" if data["findings"] else ": none"))
    for f in data["findings"]:
        state = " (accepted)" if f["accepted"] else ""
        say(
            f"  {f['file']}:{f['line']}:{f['column']}: {f['rule']} {f['severity']}{state} "
            f"{f['service'] or 'topology'}: {f['message']}",
            6,
        )
        say(f"      fix: {f['fix']}", 11)
        if f["accepted"]:
            say(f"      accepted: {f['accept_reason']}", 16)

    console.print("[bold]Availability assumptions[/bold]")
    for name, value in assumption_rows(data):
        say(f"  {name}: {value}", 4)
    if failover_assumptions(data):
        say(f"  failover: {FAILOVER_ASSUMED_INTRO}", 4)
        for line in failover_assumptions(data):
            say(f"    - {line}", 6)
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())
