"""Findings as plain text for ``tiered validate``: grouped by severity, one located line each.

Plain on purpose (no rich): ``validate`` runs in editors and CI and should start fast.
"""

from __future__ import annotations

from tiered.findings import Finding
from tiered.renderers.report.width import hanging


def _line(finding: Finding) -> str:
    subject = finding.service or "topology"
    return f"  {finding.location}: {finding.rule} {subject}: {finding.message} — {finding.fix}"


def findings_text(findings: list[Finding], width: int | None = None) -> str:
    """Errors, then warnings, then accepted findings; then one line of counts.

    With a ``width``, each finding wraps to it with a hanging indent
    (tiered.renderers.report.width).
    """
    groups = [
        ("errors", [f for f in findings if f.severity == "error" and not f.accepted]),
        ("warnings", [f for f in findings if f.severity == "warning" and not f.accepted]),
        ("accepted", [f for f in findings if f.accepted]),
    ]
    lines: list[str] = []
    for title, group in groups:
        if not group:
            continue
        lines.append(f"{title} ({len(group)}):")
        for finding in group:
            lines.append(hanging(_line(finding), width))
            if finding.accepted:
                lines.append(hanging(f"      accepted: {finding.accept_reason}", width, 16))
    counts = {title: len(group) for title, group in groups}
    lines.append(
        f"{counts['errors']} error{'s' * (counts['errors'] != 1)}, "
        f"{counts['warnings']} warning{'s' * (counts['warnings'] != 1)}, "
        f"{counts['accepted']} accepted"
    )
    return "\n".join(lines) + "\n"
