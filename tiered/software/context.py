"""What a kind receives to render one instance: a small, neutral picture of the plan.

The configuration renderer (``tiered.renderers.config``) builds a ``ServiceContext`` once per
service and render, and an ``InstanceContext`` per instance; kinds read nothing else of the
plan. Addresses are text, ports numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from tiered.model import Tls
from tiered.software.stack import StackValue


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
    an application receives as ``<DEPENDENCY>_<SUFFIX>``; ``stack_values``: the
    deployment-time values they refer to.
    """

    name: str
    kind: str  # compute, database or filesystem
    software: str
    variables: tuple[tuple[str, str], ...]
    stack_values: tuple[StackValue, ...] = ()

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

    @property
    def member_endpoints(self) -> tuple[str, ...]:
        """``address:port`` of every member, in replica order."""
        return tuple(f"{m.address}:{self.port}" for m in self.members)


@dataclass(frozen=True, slots=True)
class InstanceContext:
    """One instance to render: itself, and its service."""

    service: ServiceContext
    name: str
    ordinal: int
    address: str
    zone: str
    role: str

    @property
    def aws(self) -> bool:
        return self.service.aws
