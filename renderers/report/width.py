"""How wide text output is: ``--width``, else the terminal's width, else unwrapped lines.

Findings are long sentences. On a terminal they wrap to its width with a hanging indent,
so that a finding never breaks mid-sentence at column 0; written to a pipe or a file
(editors, CI logs, grep) each stays on one line unless ``--width`` asks otherwise.
"""

from __future__ import annotations

import shutil
import sys
import textwrap

#: Width of the rich report when neither --width nor a terminal says otherwise.
DEFAULT_REPORT_WIDTH = 120
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
    return textwrap.fill(
        line,
        width=width,
        initial_indent="",
        subsequent_indent=" " * max(indent, lead + 2),
        break_long_words=False,
        break_on_hyphens=False,
    )
