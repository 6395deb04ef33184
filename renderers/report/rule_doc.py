"""A rule's documentation as terminal text (``tiered explain``).

Rule docstrings use a little reStructuredText: a first line ``TR003 name: summary``,
``*Section*::`` before an indented example, ``*Section*:`` before prose, and ``literal``
in double backquotes. Rendered: the heading once (id, name, severity, summary), section
titles as plain headings, literals in single backquotes as everywhere else in tiered.
Paragraphs of prose are refilled to the output width (one line each when unwrapped);
indented examples keep their lines.
"""

from __future__ import annotations

import re
import textwrap

from tiered.renderers.report.width import fill, hanging
from tiered.rules.base import Rule

_SECTION = re.compile(r"^\*([^*]+)\*(::|:)\s*(.*)$")


def render_rule_doc(rule: Rule, width: int | None = None) -> str:
    """Heading, then the body with its markup rendered, prose wrapped to ``width``."""
    lines = rule.doc.strip().splitlines()
    out = [f"{rule.id} {rule.name} ({rule.severity.value}): {rule.summary}"]
    for line in lines[1:]:
        match = _SECTION.match(line)
        if match:
            title, marker, rest = match.groups()
            out.append(f"{title}:" + (f" {rest}" if rest and marker == ":" else ""))
            if marker == "::" and rest:
                out.append(rest)
            continue
        out.append(line)
    text = "\n".join(out).replace("``", "`")
    text = re.sub(r"\n{3,}", "\n\n", text)
    head, *blocks = text.split("\n\n")
    body = [hanging(head, width, 2), *(_refill(block, width) for block in blocks)]
    return "\n\n".join(body) + "\n"


def _refill(block: str, width: int | None) -> str:
    """A paragraph of prose on one line, filled to ``width``; an example as it is."""
    if block.startswith(" "):
        return "\n".join(line for raw in block.split("\n") for line in _fit(raw, width))
    words = " ".join(block.split())
    return words if width is None else fill(words, width)


def _fit(line: str, width: int | None) -> list[str]:
    """A YAML example line within ``width``, still the same YAML: a trailing comment moves
    to a line of its own above, and a flow collection (``{a: 1, b: 2}``) continues after a
    comma on a line indented deeper than its key."""
    if width is None or len(line) <= width:
        return [line]
    indent = " " * (len(line) - len(line.lstrip()))
    if line.lstrip().startswith("# "):
        return textwrap.wrap(
            line.lstrip()[2:],
            width,
            initial_indent=indent + "# ",
            subsequent_indent=indent + "# ",
            break_long_words=False,
            break_on_hyphens=False,
        )
    code, sep, comment = line.partition("  # ")
    if sep:
        return [*_fit(f"{indent}# {comment.strip()}", width), *_fit(code.rstrip(), width)]
    if "{" not in line and "[" not in line:
        return [line]
    return textwrap.wrap(
        line.strip(),
        width,
        initial_indent=indent,
        subsequent_indent=indent + "    ",
        break_long_words=False,
        break_on_hyphens=False,
    )
