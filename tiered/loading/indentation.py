"""Where a mis-indented key really is, when YAML reports it one line late.

A key written with too little indentation between two siblings (``count: 2`` under
``shop:``, at the level of ``shop``) ends the mapping it belonged to; the next sibling, still
indented deeper, is then read as a continuation of that key's value, and the YAML parser
reports "mapping values are not allowed" (or "did not find expected key") there, on the line
*after* the mistake. This module finds the key at fault from the text around the parser's mark.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import takewhile

#: ``key: value`` with a scalar value on the same line (no list item, no nested block).
_SCALAR_KEY = re.compile(r"^( *)([A-Za-z0-9_.-]+):[ \t]+(?![#|>&*!]|$)\S")


@dataclass(frozen=True)
class Misindented:
    """The key at fault, its 1-based line and column, and what to say about it."""

    line: int
    column: int
    message: str
    hint: str


def _significant(lines: list[str], before: int) -> int | None:
    """The index of the last line above ``before`` that holds YAML (not blank, no comment)."""
    for index in range(before - 1, -1, -1):
        stripped = lines[index].strip()
        if stripped and not stripped.startswith("#"):
            return index
    return None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _parents(lines: list[str], start: int | None) -> Iterator[int]:
    """Line ``start``, then each line above it indented less than the one before: the keys
    that enclose it, innermost first."""
    index, last = start, None
    while index is not None:
        if last is None or _indent(lines[index]) < last:
            last = _indent(lines[index])
            yield index
        index = _significant(lines, index)


def misindented_key(text: str, error_line: int) -> Misindented | None:
    """Explain a mapping error at ``error_line`` (1-based) when the line above it is a
    ``key: value`` that swallowed it, being indented differently from its neighbours; else
    None (the parser's own position is then right)."""
    lines = text.splitlines()
    here = error_line - 1
    if not 0 <= here < len(lines):
        return None
    above = _significant(lines, here)
    if above is None:
        return None
    between = _between_levels(lines, here, above)
    if between is not None:
        return between
    found = _SCALAR_KEY.match(lines[above])
    if found is None or _indent(lines[here]) <= _indent(lines[above]):
        return None
    key, depth = found.group(2), _indent(lines[above])
    current = lines[here].strip().split(":", 1)[0]
    sibling = _significant(lines, above)
    left = _block_left(lines, above, here)
    if left is not None:
        return left
    if sibling is not None and _indent(lines[sibling]) == _indent(lines[here]):
        width = _indent(lines[here])
        return Misindented(
            above + 1,
            depth + 1,
            f"'{key}' is indented less than the lines around it (lines {sibling + 1} and "
            f"{here + 1}), so it closes their block and line {here + 1} reads as part of its "
            "value",
            f"indent '{key}' by {width} spaces, like its neighbours",
        )
    return Misindented(
        here + 1,
        _indent(lines[here]) + 1,
        f"'{current}' is indented more than '{key}' on line {above + 1}, so it reads as part "
        f"of that value",
        f"line '{current}' up with '{key}' ({depth} spaces)",
    )


def _key(line: str) -> str:
    return line.strip().removeprefix("- ").split(":", 1)[0]


def _block_left(lines: list[str], above: int, here: int) -> Misindented | None:
    """The key on line ``above`` written between two keys of a block it belongs to: line
    ``here`` opens a mapping and lines up with the key that opens the block above it
    (``api:`` before ``count: 2``), so the key was dedented out of that block."""
    depth, width = _indent(lines[above]), _indent(lines[here])
    value = lines[here].split(":", 1)[1].strip() if ":" in lines[here] else ""
    if value and not value.startswith(("{", "#")):
        return None  # a scalar cannot be a sibling of a block's opener: it is the one off
    # the line above the key, then its parents, deeper than the key
    chain = list(
        takewhile(lambda i: _indent(lines[i]) > depth, _parents(lines, _significant(lines, above)))
    )
    opener = next((i for i, line in enumerate(chain) if _indent(lines[line]) == width), None)
    if not opener:  # None, or the line right above: a sibling (said otherwise)
        return None
    block, inner = chain[opener], _indent(lines[chain[opener - 1]])
    parent = _significant(lines, block)
    while parent is not None and _indent(lines[parent]) >= width:
        parent = _significant(lines, parent)
    name, key = _key(lines[block]), _key(lines[above])
    if parent is not None and _key(lines[parent]) == "services":
        what, owner, others = "service", f"'{name}' (the service above)", "its other settings"
    else:
        what, owner, others = "block", f"'{name}'", "its other keys"
    return Misindented(
        above + 1,
        depth + 1,
        f"'{key}' is dedented out of the {what} '{name}' (line {block + 1}), so it closes "
        f"that {what} and line {here + 1} reads as part of its value",
        f"indent '{key}' by {inner} spaces, under {owner}, like {others}",
    )


def _between_levels(lines: list[str], here: int, above: int) -> Misindented | None:
    """A key indented less than the keys above it, at none of their enclosing levels: it
    belongs to no block (one column off)."""
    depth = _indent(lines[here])
    if depth >= _indent(lines[above]):
        return None
    levels: list[tuple[int, int]] = []  # (indent, line index): the line above and its parents
    for index in _parents(lines, above):
        levels.append((_indent(lines[index]), index))
        if levels[-1][0] <= depth:
            break
    if levels[-1][0] == depth:
        return None
    # the key right above, and the enclosing keys just deeper and just shallower than this
    deeper = min((lv for lv in levels if lv[0] > depth), key=lambda lv: lv[0])
    options = list(dict.fromkeys([levels[0], deeper, levels[-1]]))
    key = lines[here].strip().split(":", 1)[0]
    shown = [f"line {line + 1}'s key ({level} spaces)" for level, line in options]
    choices = ", ".join(shown[:-1]) + " or " + shown[-1]
    return Misindented(
        here + 1,
        depth + 1,
        f"'{key}' is indented {depth} spaces, which lines up with no key above it",
        f"line '{key}' up with {choices}",
    )
