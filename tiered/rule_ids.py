"""Published rules: what an ``accept`` entry and ``tiered explain`` may name. Ids and names
stay stable once published.

The one list of rules. Each id names its module, ``tiered/rules/trNNN.py``, which declares
the same ``ID`` and ``NAME``; the catalogue (``tiered.rules.catalogue``) loads the rules from
this list, and validation and shell completion, which must stay cheap, read it without
importing a single rule.
"""

#: rule id → the rule's published name (what ``tiered rules`` shows), in catalogue order.
KNOWN_RULES: dict[str, str] = {
    "TR001": "single-point-of-failure",
    "TR002": "single-zone-service",
    "TR003": "quorum-lost-with-zone",
    "TR004": "even-quorum",
    "TR005": "active-active-below-min-healthy",
    "TR006": "cascading-failure",
    "TR007": "single-zone-topology",
    "TR008": "entry-without-failover",
    "TR009": "tier-skipping",
    "TR010": "proxied-without-health-check",
    "TR011": "managed-single-failure",
    "TR012": "failover-assumed",
}

KNOWN_RULE_IDS: tuple[str, ...] = tuple(KNOWN_RULES)
