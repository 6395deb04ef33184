"""Plan names as identifiers of letters and digits, as CloudFormation's logical ids need.

``nginx-1`` becomes ``Nginx1`` and ``us-east-1b`` becomes ``UsEast1b``. Dropping the dashes
can make two names one (``front-5-11`` and ``front-51-1`` are both ``Front511``); validation
refuses such names on AWS, and the CloudFormation renderer refuses any id it meets twice.
"""

from __future__ import annotations


def camel(name: str) -> str:
    """``nginx-1`` → ``Nginx1``; ``us-east-1b`` → ``UsEast1b``."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("-") if part)
