"""What a kind receives to render one instance: a small, neutral picture of the plan.

The configuration renderer (``tiered.renderers.config``) builds a ``ServiceContext`` once per
service and render, and an ``InstanceContext`` per instance; kinds read nothing else of the
plan. Addresses are text, ports numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from tiered.model import Tls
from tiered.software.stack import StackValue


def prefix(service: str) -> str:
    """The prefix of a dependency's variables: ``orders-db`` -> ``ORDERS_DB``."""
    return service.upper().replace("-", "_")


@dataclass(frozen=True, slots=True)
class Member:
    """One replica of a service: ``name`` is ``<service>-<ordinal>``."""

    name: str
    ordinal: int
    address: str
    zone: str
    role: str  # active / passive, primary / standby, else member


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A dependency as its clients see it.

    ``variables``: ``(suffix, value)`` pairs (``HOSTS``, ``CONNECT``, ``HOST``, ``MOUNT`` ...)
    an application receives as ``<DEPENDENCY>_<SUFFIX>`` (the dependency's name in capitals,
    ``_`` for ``-``); ``stack_values``: the
    deployment-time values they refer to.
    """

    name: str
    kind: str  # compute, database or filesystem
    software: str
    variables: tuple[tuple[str, str], ...]
    stack_values: tuple[StackValue, ...] = ()
    #: The variables as environment assignments: ``NAME_SUFFIX="value"`` (worked out once).
    assignments: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        key = prefix(self.name)
        lines = tuple(f'{key}_{suffix}="{value}"' for suffix, value in self.variables)
        object.__setattr__(self, "assignments", lines)

    def variable(self, suffix: str) -> str | None:
        """The value of ``suffix``, if the endpoint has it."""
        return next((value for key, value in self.variables if key == suffix), None)


@dataclass(frozen=True, slots=True)
class ServiceContext:
    """The service an instance belongs to: the same for each of its instances."""

    topology: str
    name: str
    software: str
    port: int
    listen: tuple[int, ...]
    members: tuple[Member, ...]
    dependencies: tuple[Endpoint, ...]
    #: Mount points of the file systems it depends on, in ``depends_on`` order.
    mounts: tuple[str, ...]
    #: Whether the target is ``provider: aws`` (a boot script installs the software).
    aws: bool
    tls: Tls = field(default_factory=Tls)
    #: The name clients reach the entry by (the self-signed certificate's subject).
    entry_name: str = ""
    #: The entry proxy's nginx.conf, when the service is one (``Kind.entry_proxy``).
    proxy_config: str | None = None
    #: keepalived.conf per instance name, when the service is the VRRP pair.
    vrrp_configs: Mapping[str, str] = field(default_factory=dict)
    #: The path of the service's declared ``health_check``, when it has one.
    health_path: str | None = None
    #: The EC2 instance type its members run on, and the heap (MiB) of a JVM on it (None:
    #: the kind runs no JVM).
    instance_type: str = ""
    heap_mib: int | None = None
    #: ``address:port`` of every member, in replica order (worked out once).
    member_endpoints: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        endpoints = tuple(f"{m.address}:{self.port}" for m in self.members)
        object.__setattr__(self, "member_endpoints", endpoints)


class InstanceContext(NamedTuple):
    """One instance to render: itself, and its service (a named tuple: one per instance)."""

    service: ServiceContext
    name: str
    ordinal: int
    address: str
    zone: str
    role: str

    @property
    def aws(self) -> bool:
        return self.service.aws
