"""A table drawn as rich draws the report's tables without colour, without rich's cost.

The report's tables are ``rich.table.Table(box=SIMPLE_HEAD, padding=0, pad_edge=False,
title_justify="left")``. Rich measures, wraps and pads every cell of every row through its
segment machinery, which on a 2,000-service topology takes seconds. When no colour is wanted
and the table fits its width at its natural column widths, its layout is simple: each column
as wide as its widest line, headers aligned to the bottom of the header row, cells to the
top, a space between columns and at each edge, a rule under the header, a blank line above
and below. ``simple_head`` draws that layout directly and, for anything else (a table that
rich would have to wrap or crop, text with tabs or control characters), answers None so the
caller lets rich draw it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rich.cells import cell_len

if TYPE_CHECKING:
    from rich.console import Console

#: What rich reads as markup (``[red]``) or as an emoji code (``:smile:``) in a string: such
#: a cell's visible text is what rich makes of it.
_MARKUP_OR_EMOJI = re.compile(r"\[|:\S*?:")
#: Characters rich expands or removes (tabs, carriage returns, bells …): rich draws those.
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


def _width(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class _Unsupported(Exception):
    """The table holds text whose rendering only rich knows."""


def _visible(console: Console, cell: str) -> str:
    """What rich shows for ``cell``: its markup and emoji codes applied."""
    shown = (
        console.render_str(cell, highlight=False).plain if _MARKUP_OR_EMOJI.search(cell) else cell
    )
    if _CONTROL.search(shown):
        raise _Unsupported
    return shown


def plain_line(console: Console, text: str) -> str | None:
    """What ``console.print(text, markup=False, soft_wrap=True)`` writes before its newline
    when ``text`` carries no style: ``text`` with its emoji codes replaced. None for text
    with tabs or control characters, which rich expands or removes."""
    shown = console.render_str(text, markup=False).plain if ":" in text else text
    return None if _CONTROL.search(shown) else shown


def simple_head(
    console: Console,
    title: str,
    headers: list[str],
    rows: list[list[str]],
    width: int,
) -> str | None:
    """The table's lines (trailing spaces removed, newline-terminated) as rich would print
    them on a colourless ``console`` of ``width`` columns; None when rich must draw it."""
    edges = 2 + len(headers) - 1
    if width - edges < len(headers):  # not even one column each
        return None
    try:
        shown_title = _visible(console, title)
        head = [_visible(console, h).split("\n") for h in headers]
        body = [[_visible(console, c).split("\n") for c in row] for row in rows]
    except _Unsupported:
        return None
    widths = [max(_width(line) for line in lines) for lines in head]
    for row in body:
        for i, lines in enumerate(row):
            for line in lines:
                n = _width(line)
                if n > widths[i]:
                    widths[i] = n
    widths = [w or 1 for w in widths]
    table_width = sum(widths) + edges
    if table_width > width or _width(shown_title) > table_width or "\n" in shown_title:
        return None
    out = [shown_title, ""]
    height = max(len(lines) for lines in head)
    bottom = [[""] * (height - len(lines)) + lines for lines in head]
    out += _lines(bottom, widths, height)
    out.append(" " + "─" * (table_width - 2))
    for row in body:
        height = max(len(lines) for lines in row)
        out += _lines(row, widths, height)
    out.append("")
    return "".join(line.rstrip() + "\n" for line in out)


def _lines(cells: list[list[str]], widths: list[int], height: int) -> list[str]:
    """One row's printed lines; a cell shorter than the row is blank below."""
    if height == 1:
        return [" " + " ".join(_pad(c[0], w) for c, w in zip(cells, widths, strict=True))]
    return [
        " "
        + " ".join(_pad(c[i] if i < len(c) else "", w) for c, w in zip(cells, widths, strict=True))
        for i in range(height)
    ]
