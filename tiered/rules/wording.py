"""Lists in words: alternatives joined with "or", sets joined with "and", kept short.

Single failures are alternatives: "goes down when a or b fails" means either one alone is
enough, where "a, b" would read as both at once. Every message that lists alternative
failures, root causes or fixes words its list with these helpers.
"""

from __future__ import annotations

from collections.abc import Sequence


def either(items: Sequence[str], limit: int = 0) -> str:
    """``a``, ``a or b``, ``a, b or c``; past ``limit`` items: ``a, b, c or any of 2 more``."""
    return _joined(items, "or", "any of", limit)


def each(items: Sequence[str], limit: int = 0) -> str:
    """``a``, ``a and b``, ``a, b and c``; past ``limit`` items: ``a, b, c and 2 more``."""
    return _joined(items, "and", "", limit)


def _joined(items: Sequence[str], word: str, more_of: str, limit: int) -> str:
    shown = list(items[:limit]) if 0 < limit < len(items) else list(items)
    more = len(items) - len(shown)
    if more:
        tail = f"{more_of} {more} more".strip()
        return ", ".join(shown) + f" {word} {tail}"
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + f" {word} {shown[-1]}"
