"""Stable CloudFormation logical ids derived from the plan's names.

Logical ids keep only letters and digits, so ``web-us-east-1b`` becomes ``WebUsEast1b``.
Two different names can therefore meet in one id (``a-1`` and ``a1``); ``Template.add``
refuses such a collision instead of silently merging two resources.
"""

from __future__ import annotations

#: CloudFormation's limit on the length of a logical id.
MAX_LENGTH = 255


def camel(name: str) -> str:
    """``nginx-1`` → ``Nginx1``; ``us-east-1b`` → ``UsEast1b``."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("-") if part)


def logical_id(kind: str, *names: str) -> str:
    """A logical id: a kind prefix (``Instance``) followed by the camel-cased names."""
    return kind + "".join(camel(name) for name in names)
