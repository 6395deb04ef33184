"""How wide text output is: ``--width``, else the terminal's width, else unwrapped lines.

Findings are long sentences. On a terminal they wrap to its width with a hanging indent,
so that a finding never breaks mid-sentence at column 0; written to a pipe or a file
(editors, CI logs, grep) each stays on one line unless ``--width`` asks otherwise.
"""

from __future__ import annotations

import re
import shutil
import sys
import textwrap

#: What the rich report lays its tables out in when lines are not wrapped: wide enough
#: that every table takes its natural width.
UNWRAPPED = 100_000
#: Narrower than this, wrapped text would be unreadable: --width is raised to it.
MIN_WIDTH = 40


def output_width(requested: int | None) -> int | None:
    """``--width``, else the terminal's columns when stdout is one, else None (no wrapping)."""
    if requested:
        return max(requested, MIN_WIDTH)
    if sys.stdout.isatty():
        return max(shutil.get_terminal_size().columns, MIN_WIDTH)
    return None


def hanging(line: str, width: int | None, indent: int = 6) -> str:
    """``line`` wrapped at spaces to ``width``, continuation lines indented; as is for None."""
    if width is None or len(line) <= width:
        return line
    lead = len(line) - len(line.lstrip(" "))
    return fill(line[lead:], width, " " * lead, " " * max(indent, lead + 2))


def fill(text: str, width: int, first: str = "", rest: str = "") -> str:
    """``text`` filled to ``width``, breaking at spaces only (never inside a word); a
    `quoted` span (a command, a setting to write) stays on one line when it fits one."""
    room = width - max(len(first), len(rest))

    def keep(chunk: re.Match[str]) -> str:
        whole = chunk.group(0)
        return whole.replace(" ", _KEPT) if len(whole) <= room else whole

    wrapped = textwrap.fill(
        _QUOTED.sub(keep, text),
        width=width,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return wrapped.replace(_KEPT, " ")


#: A `quoted` span with what is attached to it (``(`zones: [a, b]`),``), and what stands
#: for its spaces while the line is wrapped.
_QUOTED = re.compile(r"[^\s`]*`[^`]+`[^\s`]*")
_KEPT = "\x00"


def wrap_lines(text: str, width: int | None, more: int = 4) -> str:
    """Every line of ``text`` wrapped to ``width``, continued ``more`` past its own indent."""
    if width is None:
        return text
    lines = text.split("\n")
    return "\n".join(
        hanging(line, width, len(line) - len(line.lstrip(" ")) + more) for line in lines
    )
