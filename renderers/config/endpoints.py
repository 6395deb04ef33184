"""Where a service finds what it depends on: each dependency as an ``Endpoint`` of the plan.

A compute dependency's variables come from its software kind (``Kind.endpoint_variables``:
``HOSTS``, and ZooKeeper's ``CONNECT``, Solr's ``URLS``, ActiveMQ's ``URL`` ...); a managed
database gives its engine, address and port and the ARN of the Secrets Manager secret
holding its master credentials (never the credentials themselves); a file system its mount
point.
"""

from __future__ import annotations

from tiered.placement.plan import ServicePlan
from tiered.software import software, stack
from tiered.software.context import Endpoint

#: Where a file-system service is mounted on the instances that depend on it.
MOUNT_ROOT = "/mnt"


def mount_point(filesystem: str) -> str:
    return f"{MOUNT_ROOT}/{filesystem}"


def endpoint(dependency: ServicePlan, members: tuple[str, ...]) -> Endpoint:
    """``dependency`` as its clients see it; ``members``: its replicas' ``address:port``."""
    name = dependency.name
    variables: tuple[tuple[str, str], ...]
    if dependency.kind == "database":
        address, secret = stack.database_address(name), stack.database_secret(name)
        variables = (
            ("ENGINE", str(dependency.engine)),
            ("HOST", stack.ref(address)),
            ("PORT", str(dependency.port)),
            ("CREDENTIALS_ARN", stack.ref(secret)),
        )
        return Endpoint(name, dependency.kind, dependency.software, variables, (address, secret))
    if dependency.kind == "filesystem":
        variables = (("MOUNT", mount_point(name)),)
        return Endpoint(name, dependency.kind, dependency.software, variables)
    variables = software(dependency.software).endpoint_variables(members)
    return Endpoint(name, dependency.kind, dependency.software, variables)
