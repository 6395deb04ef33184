"""Published rule ids: what an ``accept`` entry may name. Ids stay stable once published.

The one list of rules. Each id names its module, ``tiered/rules/trNNN.py``, which declares
the same ``ID``; the catalogue (``tiered.rules.catalogue``) loads the rules from this list,
and validation, a floor below the rules, reads it without importing a single rule.
"""

KNOWN_RULE_IDS: tuple[str, ...] = (
    "TR001",
    "TR002",
    "TR003",
    "TR004",
    "TR005",
    "TR006",
    "TR007",
    "TR008",
    "TR009",
    "TR010",
    "TR011",
)
