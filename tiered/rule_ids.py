"""Published rule ids: what an ``accept`` entry may name. Ids stay stable once published."""

KNOWN_RULE_IDS: tuple[str, ...] = tuple(f"TR{number:03d}" for number in range(1, 11))
