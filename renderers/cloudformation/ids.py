"""Stable CloudFormation logical ids derived from the plan's names.

Logical ids keep only letters and digits, so ``web-us-east-1b`` becomes ``WebUsEast1b``.
Two different names can therefore meet in one id (``a-1`` and ``a1``): validation refuses
such names on AWS, and ``Template.add`` refuses any collision left instead of silently
merging two resources.
"""

from __future__ import annotations

from tiered.placement.identifiers import camel

__all__ = ["MAX_LENGTH", "camel", "logical_id"]

#: CloudFormation's limit on the length of a logical id.
MAX_LENGTH = 255


def logical_id(kind: str, *names: str) -> str:
    """A logical id: a kind prefix (``Instance``) followed by the camel-cased names."""
    return kind + "".join(camel(name) for name in names)
