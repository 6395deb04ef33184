"""Values only the deployed stack knows, written into configurations as ``${Name}`` placeholders.

Kinds and the configuration renderer name them here. A file that needs the id of a file
system, a database's address or the ARN of its managed secret holds a placeholder named
here; ``tiered render cloudformation`` fills every one in through ``Fn::Sub`` (with the
value's ``Ref`` or ``Fn::GetAtt``), and ``tiered render config`` leaves them as they are.
``STACK_VALUES`` says what each kind of name stands for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: A placeholder in a rendered file: ``${Name}`` (and ``${AWS::Region}``).
PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9:]+)\}")

#: The certificate sources of the entry NGINX (stack parameters; empty: self-signed).
TLS_SECRET = "TlsCertificateSecretArn"  # noqa: S105 - a parameter name, not a secret
TLS_PARAMETER = "TlsCertificateParameter"
REGION = "AWS::Region"


@dataclass(frozen=True, slots=True)
class StackValue:
    """What a placeholder stands for: ``kind`` of ``service`` (or a template parameter)."""

    name: str
    kind: str  # filesystem-id, database-address, database-secret, parameter, pseudo
    service: str | None = None


def camel(name: str) -> str:
    """``orders-db`` -> ``OrdersDb`` (the CloudFormation logical-id style)."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("-") if part)


def filesystem_id(service: str) -> StackValue:
    return StackValue(f"FileSystemId{camel(service)}", "filesystem-id", service)


def database_address(service: str) -> StackValue:
    return StackValue(f"DatabaseAddress{camel(service)}", "database-address", service)


def database_secret(service: str) -> StackValue:
    return StackValue(f"DatabaseSecretArn{camel(service)}", "database-secret", service)


def artifact_url(service: str) -> StackValue:
    return StackValue(f"ArtifactUrl{camel(service)}", "artifact-url", service)


def artifact_sha256(service: str) -> StackValue:
    return StackValue(f"ArtifactSha256{camel(service)}", "artifact-sha256", service)


def tls_secret() -> StackValue:
    return StackValue(TLS_SECRET, "tls-secret")


def tls_parameter() -> StackValue:
    return StackValue(TLS_PARAMETER, "tls-parameter")


def region() -> StackValue:
    return StackValue(REGION, "pseudo")


def ref(value: StackValue) -> str:
    """The placeholder text of ``value``."""
    return "${" + value.name + "}"
