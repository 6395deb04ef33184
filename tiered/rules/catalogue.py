"""The rule catalogue: every published rule, in the order of ``tiered.rule_ids``.

Ids stay stable once published; ``tiered rules`` lists the catalogue and ``tiered explain
ID`` prints a rule's documentation. Each published id ``TRNNN`` is the rule module
``tiered.rules.trNNN``, which must declare that ``ID`` and its published ``NAME``: the list
in ``tiered.rule_ids`` is the only list.
The rules import nothing heavy until they run.
"""

from __future__ import annotations

from importlib import import_module

from tiered.rule_ids import KNOWN_RULE_IDS, KNOWN_RULES
from tiered.rules.base import Rule


def _load(rule_id: str) -> Rule:
    """The rule published as ``rule_id``, from its module; refuses a module that declares
    another id or another name than the published one."""
    module = import_module(f"tiered.rules.{rule_id.lower()}")
    if rule_id != module.ID:
        raise ImportError(f"{module.__name__} declares ID {module.ID!r}, published as {rule_id}")
    published = KNOWN_RULES[rule_id]
    if published != module.NAME:
        raise ImportError(
            f"{module.__name__} declares NAME {module.NAME!r}, published as {published!r}"
        )
    return Rule.of(module)


RULES: tuple[Rule, ...] = tuple(_load(rule_id) for rule_id in KNOWN_RULE_IDS)

BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}

BY_NAME: dict[str, Rule] = {rule.name: rule for rule in RULES}


def find(word: str) -> Rule | None:
    """The rule ``word`` names: its id or its name, in any case."""
    return BY_ID.get(word.upper()) or BY_NAME.get(word.lower())
