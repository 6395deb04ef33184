"""The rule catalogue: every published rule, listed explicitly (no discovery magic).

Ids stay stable once published; ``tiered rules`` lists the catalogue and ``tiered explain
ID`` prints a rule's documentation. The rules import nothing heavy until they run.
"""

from __future__ import annotations

from tiered.rules import (
    tr001,
    tr002,
    tr003,
    tr004,
    tr005,
    tr006,
    tr007,
    tr008,
    tr009,
    tr010,
    tr011,
)
from tiered.rules.base import Rule

RULES: tuple[Rule, ...] = tuple(
    Rule.of(module)
    for module in (tr001, tr002, tr003, tr004, tr005, tr006, tr007, tr008, tr009, tr010, tr011)
)

BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
