"""Shell completion values: rule ids and names, problem ids and codes, and the failure
domains of the file.

(Exporter names complete through ``tiered.cli.common.completer``.)

Completion runs on every key press, so each function is cheap and never fails: a file
that does not load simply completes nothing.
"""

from __future__ import annotations

import os
import shlex
from typing import Any

from tiered.cli.common import DEFAULT_FILE


def rule_ids(incomplete: str) -> list[str]:
    """Published rule ids (case-insensitive prefix)."""
    from tiered.rule_ids import KNOWN_RULE_IDS

    return [i for i in KNOWN_RULE_IDS if i.startswith(incomplete.upper())]


def explainable(incomplete: str) -> list[str]:
    """What ``tiered explain`` takes, by case-insensitive prefix: rule ids, problem ids,
    then rule names and problem codes."""
    from tiered.problems import PROBLEM_CODES
    from tiered.rule_ids import KNOWN_RULES

    upper, lower = incomplete.upper(), incomplete.lower()
    ids = [*rule_ids(incomplete), *(p.id for p in PROBLEM_CODES.values() if p.id.startswith(upper))]
    names = [name for name in (*KNOWN_RULES.values(), *PROBLEM_CODES) if name.startswith(lower)]
    return ids + names


def domains(ctx: Any, incomplete: str) -> list[str]:
    """Zones, services, instances and managed endpoints of the command's FILE."""
    from tiered.pipeline import check

    given = (getattr(ctx, "params", None) or {}).get("file")
    file = file_on_line(ctx, _words()) or given or DEFAULT_FILE
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


def _words() -> list[str]:
    """The words of the command line before the one being completed (bash: COMP_WORDS and
    COMP_CWORD; zsh, fish and PowerShell: typer's _TYPER_COMPLETE_ARGS)."""
    if "COMP_WORDS" in os.environ:
        words = _split(os.environ["COMP_WORDS"])
        return words[: int(os.environ.get("COMP_CWORD", len(words)))]
    line = os.environ.get("_TYPER_COMPLETE_ARGS", "")
    words = _split(line)
    return words if line.endswith(" ") else words[:-1]


def _split(line: str) -> list[str]:
    try:
        return shlex.split(line)
    except ValueError:  # an open quote while typing
        return line.split()


def file_on_line(ctx: Any, words: list[str]) -> str | None:
    """The FILE argument of the command being completed, read from its words.

    Click parses the line before completing, but stops at an option still waiting for
    its value (``--fail`` being completed) before it reaches the positional arguments;
    so the words after the command's name are read here: options are skipped with their
    values, the first other word is FILE.
    """
    command = getattr(ctx, "command", None)
    name = getattr(ctx, "info_name", None)
    if command is None or name not in words:
        return None
    takes_value = {
        opt
        for param in command.params
        if getattr(param, "param_type_name", "") == "option" and not param.is_flag
        for opt in param.opts
    }
    rest = words[words.index(name) + 1 :]
    i = 0
    while i < len(rest):
        word = rest[i]
        if word == "--":
            return rest[i + 1] if i + 1 < len(rest) else None
        if word.startswith("-") and word != "-":
            if "=" not in word and word in takes_value:
                i += 1
        else:
            return word
        i += 1
    return None
