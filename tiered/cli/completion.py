"""Shell completion values: rule ids and the failure domains of the file.

(Exporter names complete through ``tiered.cli.common.completer``.)

Completion runs on every key press, so each function is cheap and never fails: a file
that does not load simply completes nothing.
"""

from __future__ import annotations

from typing import Any

from tiered.cli.common import DEFAULT_FILE


def rule_ids(incomplete: str) -> list[str]:
    """Published rule ids (case-insensitive prefix)."""
    from tiered.rules.catalogue import RULES

    return [r.id for r in RULES if r.id.startswith(incomplete.upper())]


def domains(ctx: Any, incomplete: str) -> list[str]:
    """Zones, services, instances and managed endpoints of the command's FILE."""
    from tiered.pipeline import check

    file = (getattr(ctx, "params", None) or {}).get("file") or DEFAULT_FILE
    try:
        result = check(str(file))
    except Exception:  # completion must never break the shell
        return []
    plan = result.plan
    if plan is None:
        return []
    names = [*plan.zones, *plan.services, *(m.name for m in plan.managed)]
    if plan.instance_count <= 1000:
        names += [i.name for i in plan.instances]
    return [n for n in dict.fromkeys(names) if n.startswith(incomplete)]
