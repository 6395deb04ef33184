"""Published rule ids: what an ``accept`` entry may name. Ids stay stable once published.

Validation reads this list without importing a single rule; a test holds it equal to the
ids of ``tiered.rules.catalogue``.
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
