"""A rule's documentation as terminal text (``tiered explain``).

Rule docstrings use a little reStructuredText: a first line ``TR003 name: summary``,
``*Section*::`` before an indented example, ``*Section*:`` before prose, and ``literal``
in double backquotes. Rendered: the heading once (id, name, severity, summary), section
titles as plain headings, literals in single backquotes as everywhere else in tiered.
"""

from __future__ import annotations

import re

from tiered.rules.base import Rule

_SECTION = re.compile(r"^\*([^*]+)\*(::|:)\s*(.*)$")


def render_rule_doc(rule: Rule) -> str:
    """Heading, then the body with its markup rendered."""
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
    return re.sub(r"\n{3,}", "\n\n", text) + "\n"
