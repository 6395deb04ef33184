"""Published rule ids: what an ``accept`` entry may name. Ids stay stable once published.

They come from the rule registry (``tiered.rules.RULES``), which is cheap to import.
"""

from tiered.rules import RULES

KNOWN_RULE_IDS: tuple[str, ...] = tuple(rule.id for rule in RULES)
