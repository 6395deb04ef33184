"""The rule catalogue as Markdown (``docs/rules.md``), written from the rules' docstrings.

A rule's docstring is its documentation: a first line ``ID name: summary``, paragraphs,
and ``*Anti-pattern*::`` / ``*Best practice*`` sections with indented YAML examples. The
same text feeds ``tiered explain``; this module only turns its light markup into Markdown.
"""

from __future__ import annotations

import re

from tiered.rules.base import Rule
from tiered.rules.catalogue import RULES

HEADER = """# Rules

Generated from the rules' docstrings by `make docs`; do not edit by hand. `tiered rules`
lists the same catalogue and `tiered explain ID` prints one rule.

| id | severity | name | finds |
| --- | --- | --- | --- |
"""


def rule_markdown(rule: Rule) -> str:
    """One rule's section: heading, severity, then its documentation as Markdown."""
    lines = rule.doc.strip().splitlines()
    out = [f"## {rule.id} {rule.name}", "", f"Severity: **{rule.severity.value}**.", ""]
    in_code = False
    for line in lines[1:]:
        if in_code and line and not line.startswith("    "):
            while out[-1] == "":
                out.pop()
            out += ["```", ""]
            in_code = False
        if line.rstrip().endswith("::"):
            out += [line.rstrip()[:-2] + ":", "", "```yaml"]
            in_code = True
            continue
        if in_code:
            if line.strip() or out[-1] != "```yaml":
                out.append(line[4:])
            continue
        if line.strip() or out[-1] != "":
            out.append(re.sub(r"``([^`]+)``", r"`\1`", line))
    if in_code:
        out.append("```")
    return "\n".join(out).rstrip() + "\n"


def rules_markdown() -> str:
    """The whole page: an index table, then one section per rule."""
    table = "".join(
        f"| [{r.id}](#{r.id.lower()}-{r.name}) | {r.severity.value} | {r.name} | {r.summary} |\n"
        for r in RULES
    )
    return HEADER + table + "\n" + "\n".join(rule_markdown(rule) for rule in RULES)
