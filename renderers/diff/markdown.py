"""The diff as a pull-request comment: the verdict and summary first, details collapsed
in ``<details>`` blocks (GitHub renders them closed)."""

from __future__ import annotations

from tiered.changes.model import Diff
from tiered.renderers.diff.summary import finding_line, headline, verdict
from tiered.renderers.diff.text import capped, sections


def _escape(text: str) -> str:
    """Text safe inside a Markdown list item or code-free line (no HTML, no emphasis)."""
    for char in ("\\", "`", "*", "_", "<", ">", "|", "[", "]"):
        text = text.replace(char, f"\\{char}")
    return text


def markdown(diff: Diff) -> str:
    base, head = _escape(diff.base.label), _escape(diff.head.label)
    lines = [f"### tiered diff: {base} → {head}", "", f"**{_escape(verdict(diff))}**", ""]
    if diff.empty:
        return "\n".join(lines)
    lines += [f"- {_escape(line)}" for line in headline(diff)]
    unchanged = [finding_line(c) for c in diff.findings if c.state == "unchanged"]
    details = sections(diff)
    if unchanged:
        details.append(("Unchanged findings", unchanged))
    for title, rows in details:
        lines += [
            "",
            "<details>",
            f"<summary>{_escape(title)} ({len(rows)})</summary>",
            "",
            *[f"- {_escape(row)}" for row in capped(rows)],
            "",
            "</details>",
        ]
    return "\n".join(lines) + "\n"
