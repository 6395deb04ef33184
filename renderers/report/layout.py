"""Text layouts that fit a width: aligned listings, plain tables and shell commands.

Every layout breaks lines only at spaces, never inside a word, so a name, an address, a
path or an option is always whole; a word longer than the room left sits on a line of its
own. With ``width`` None (a pipe or a file) each keeps its natural, unwrapped form.

* ``listing``: rows of short cells and a last cell of prose (``tiered rules``): the prose
  wraps in its own column, or under the row when the column would be too narrow.
* ``table``: a plain aligned table (``tiered plan``): closer columns, then wrapped cells
  of prose columns, then, when it still does not fit, one record a row.
* ``shell_lines``: a shell command continued with backslashes, split only where the
  shell splits words, so the lines paste into a shell as they are.
"""

from __future__ import annotations

import textwrap

from tiered.renderers.report.width import fill, hanging

#: The narrowest column a listing wraps prose into before putting it under the row.
MIN_PROSE = 24


def listing(rows: list[list[str]], width: int | None, indent: str = "") -> list[str]:
    """Aligned rows whose last cell is prose; the prose wraps to ``width``."""
    if not rows:
        return []
    heads = [row[:-1] for row in rows]
    widths = [max(len(h[i]) for h in heads) for i in range(len(heads[0]))]
    lines: list[str] = []
    for head, row in zip(heads, rows, strict=True):
        prefix = indent + "  ".join(c.ljust(w) for c, w in zip(head, widths, strict=True)) + "  "
        prose = row[-1]
        if width is None or len(prefix) + len(prose) <= width:
            lines.append((prefix + prose).rstrip())
        elif width - len(prefix) >= MIN_PROSE:
            lines += hanging(prefix + prose, width, len(prefix)).split("\n")
        else:  # the row on a line of its own, the prose under it
            under = indent + "    "
            lines += hanging(indent + " ".join(head), width, len(under)).split("\n")
            lines += fill(prose, width, under, under).split("\n")
    return lines


def _wrapped(cell: str, width: int) -> list[str]:
    return textwrap.wrap(cell, width, break_long_words=False, break_on_hyphens=False) or [""]


def _render(headers: list[str], rows: list[list[str]], widths: list[int], gap: str) -> str:
    lines: list[str] = []
    for row in [headers, *rows]:
        cells = [_wrapped(c, w) for c, w in zip(row, widths, strict=True)]
        for i in range(max(len(c) for c in cells)):
            parts = [
                (c[i] if i < len(c) else "").ljust(w) for c, w in zip(cells, widths, strict=True)
            ]
            lines.append(gap.join(parts).rstrip())
        if row is headers:
            lines.append(gap.join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def table(headers: list[str], rows: list[list[str]], width: int | None = None) -> str:
    """A plain aligned table (header, rule, rows) no wider than ``width``."""
    natural = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    if width is None:
        return _render(headers, rows, natural, "  ")
    for gap in ("  ", " "):
        if sum(natural) + len(gap) * (len(natural) - 1) <= width:
            return _render(headers, rows, natural, gap)
    # Prose columns (cells with spaces) shrink down to their longest word.
    words = [
        max(len(w) for cell in [h, *(r[i] for r in rows)] for w in cell.split() or [""])
        for i, h in enumerate(headers)
    ]
    room = width - (len(headers) - 1)
    widths = list(natural)
    while sum(widths) > room:
        shrinkable = [i for i in range(len(widths)) if widths[i] > words[i]]
        if not shrinkable:
            return stacked(headers, rows, width)
        widest = max(shrinkable, key=lambda i: widths[i] - words[i])
        widths[widest] -= 1
    return _render(headers, rows, widths, " ")


def stacked(headers: list[str], rows: list[list[str]], width: int | None) -> str:
    """One record a row: its first cell, then ``header value`` fields, each field kept on
    one line when it fits, wrapped to ``width`` with a hanging indent."""
    lines: list[str] = []
    for row in rows:
        fields = [f"{h} {c}" for h, c in zip(headers[1:], row[1:], strict=True)]
        lines += _packed(f"{row[0]}:", fields, width, 4)
    return "\n".join(lines) + "\n"


def _packed(first: str, fields: list[str], width: int | None, indent: int) -> list[str]:
    """``first`` then the fields separated by ``; ``, a line broken only between fields
    (or, for a field longer than a line, between its words)."""
    if width is None:
        return [first + " " + "; ".join(fields)]
    lines: list[str] = []
    current = first
    fresh = " " * indent
    for i, field in enumerate(fields):
        piece = field + (";" if i < len(fields) - 1 else "")
        joined = current + piece if current == fresh else f"{current} {piece}"
        if len(joined) <= width:
            current = joined
            continue
        if current != fresh:
            lines.append(current)
        if indent + len(piece) <= width:
            current = fresh + piece
        else:  # a field longer than a line: its words wrap under it
            lines += hanging(fresh + piece, width, indent + 2).split("\n")
            current = fresh
    if current != fresh:
        lines.append(current)
    return lines


def _split_points(command: str) -> list[str]:
    """The words of ``command`` where a backslash-newline may go: spaces outside quotes, or
    inside a ``$( … )`` (a fresh shell context even within double quotes)."""
    words: list[str] = []
    stack: list[str] = []
    start = 0
    i = 0
    while i < len(command):
        char = command[i]
        top = stack[-1] if stack else ""
        if top == "'":
            if char == "'":
                stack.pop()
        elif char == "\\":
            i += 1
        elif char == "$" and command[i + 1 : i + 2] == "(":
            stack.append("(")
            i += 1
        elif char == ")" and top == "(":
            stack.pop()
        elif char == '"':
            if top == '"':
                stack.pop()
            else:
                stack.append('"')
        elif char == "'" and top != '"':
            stack.append("'")
        elif char == " " and top in ("", "("):
            words.append(command[start:i])
            start = i + 1
        i += 1
    words.append(command[start:])
    return [w for w in words if w]


def shell_lines(command: str, width: int | None, indent: int, more: int = 4) -> list[str]:
    """``command`` at ``indent``, continued with `` \\`` lines indented ``more`` further."""
    lead = " " * indent
    if width is None or indent + len(command) <= width:
        return [lead + command]
    lines: list[str] = []
    current = lead
    for word in _split_points(command):
        candidate = word if current.strip() == "" else f"{current} {word}"
        if current.strip() and len(candidate) + 2 > width:
            lines.append(current + " \\")
            current = " " * (indent + more) + word
        else:
            current = (current + word) if current.strip() == "" else candidate
    lines.append(current)
    return lines
