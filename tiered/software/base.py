"""What a software kind declares: the base every kind module builds on.

A kind is a subclass of ``Kind`` that sets the class attributes below and, when tiered renders
its configuration, overrides ``render``. It says, per software:

* its client port and, in the entry tier, the ports it listens on; the *peer* ports the
  members of a clustered service reach each other on (opened member to member only);
* the failover modes it runs in and, for each, *what delivers it* (``FailoverDelivery``):
  the files, packages, pinned downloads, service units and boot steps that make the mode
  real, or nothing, when tiered only assumes the mode (``Kind.delivers``);
* the packages of the instance's distribution (Amazon Linux 2023 for ``provider: aws``), the
  release it is installed from when the distribution has no package (pinned by version and
  checksum), the system user it runs as (a fixed uid: shared mounts agree on owners);
* its health probe (a POSIX sh command) and what a first boot waits for (``readiness``,
  the probe on the instance's own address), the variables its clients receive, the files it
  renders for an instance (``render``, from an ``InstanceContext``) and its diagram icon.

A kind module imports only ``tiered.model``, the modules of ``tiered.software`` that are not
kinds, the standard library and jinja2: kinds sit at the bottom of the house.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tiered.model import Failover
from tiered.software import application, probes
from tiered.software.application import ENV_FILE
from tiered.software.context import InstanceContext
from tiered.software.delivery import Delivery


@dataclass(frozen=True, slots=True)
class PeerPort:
    """A port range the members of a clustered service open to each other."""

    first: int
    last: int
    purpose: str
    protocol: str = "tcp"


@dataclass(frozen=True, slots=True)
class Download:
    """A release archive, pinned by version and by the checksum its publisher lists."""

    version: str
    url: str
    algorithm: str  # "sha512" or "sha256": what the publisher's checksum file holds
    checksum: str
    directory: str  # the top folder inside the archive


@dataclass(frozen=True, slots=True)
class SystemUser:
    """The account a software runs as; the uid is fixed so shared mounts agree on owners."""

    name: str
    uid: int


@dataclass(frozen=True, slots=True)
class FailoverDelivery:
    """What makes failover ``mode`` of a kind real on its instances.

    Nothing at all (``assumed``): tiered renders nothing that makes the software fail over
    in that mode; the mode is assumed (the analysis trusts it), not delivered. ``note`` says
    how the mode is delivered, or what is missing.
    """

    mode: Failover
    files: tuple[str, ...] = ()
    packages: tuple[str, ...] = ()
    downloads: tuple[Download, ...] = ()
    units: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()
    note: str = ""
    #: The fewest members the mechanism fails over with (Sentinel: 3, a majority of
    #: Sentinels must survive the primary's instance); fewer, and the mode is assumed.
    min_members: int = 1

    @property
    def delivered(self) -> bool:
        return bool(self.files or self.packages or self.downloads or self.units or self.steps)


def assumed(mode: Failover, note: str) -> FailoverDelivery:
    """A mode tiered does not deliver: nothing it renders makes the software fail over."""
    return FailoverDelivery(mode, note=note)


class Refused(Exception):
    """A kind cannot render an instance as planned; the renderer reports message and hint."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


#: The Java runtime of the Java software on Amazon Linux 2023.
JAVA = "java-17-amazon-corretto-headless"


class Kind:
    """A software kind. Subclasses set the declarations and override what differs."""

    #: The name services give in ``software:``.
    name: str = "generic"
    #: The port clients use.
    port: int = 8080
    #: The failover mode of a service that does not set one.
    failover: Failover = "active-active"
    #: The ports it listens on when it is in the entry tier.
    listen: tuple[int, ...] = ()
    #: Ports the members of a clustered service reach each other on.
    peers: tuple[PeerPort, ...] = ()
    #: The modes it runs in and what delivers each (see ``FailoverDelivery``).
    modes: tuple[FailoverDelivery, ...] = ()
    #: Distribution packages, release download and account on ``provider: aws``.
    packages: tuple[str, ...] = ()
    download: Download | None = None
    user: SystemUser | None = None
    #: The files ``render`` writes for an instance.
    config_files: tuple[str, ...] = (ENV_FILE,)
    #: "full": tiered renders its configuration from the plan; "hook": the environment file
    #: and the install hook (``tiered.software.application``), tiered cannot know the rest.
    configured: Literal["full", "hook"] = "hook"
    #: The diagram's picture of it (relative to the ``diagrams`` package's resources).
    icon: str | None = None
    #: The entry proxy tiered writes nginx.conf for, when the service is in the entry tier.
    entry_proxy: bool = False
    #: Whether an active-passive pair of it can hold a VRRP virtual IP (keepalived).
    holds_vip: bool = False
    #: Whether its members keep their state on a file system they share (master/slave
    #: through a lock on it): several members then need a file system in ``depends_on``.
    shared_storage: bool = False

    def delivery(self, mode: str) -> FailoverDelivery | None:
        """How ``mode`` is delivered; None when the kind does not run in it."""
        return next((m for m in self.modes if m.mode == mode), None)

    def supports(self, mode: str) -> bool:
        """Whether the kind runs in failover ``mode``."""
        return self.delivery(mode) is not None

    def delivers(self, mode: str) -> bool:
        """Whether tiered renders what makes ``mode`` real (False: assumed or unsupported)."""
        delivery = self.delivery(mode)
        return delivery is not None and delivery.delivered

    def health_probe(self, port: int, path: str | None = None, address: str = "127.0.0.1") -> str:
        """A POSIX sh command that exits 0 when the service on this instance is healthy.

        ``address``: where the service listens on the instance (give the instance's planned
        address: ZooKeeper binds only that one); ``path``: the HTTP path of the service's
        ``health_check``, when it has one. By default an HTTP GET of ``path``, else a TCP
        connection to ``port``.
        """
        if path:
            return probes.http(address, port, path)
        return probes.tcp(address, port)

    def readiness(self, instance: InstanceContext) -> probes.Readiness:
        """What the first boot of ``instance`` waits for before it reports success: its
        ``health_probe`` on the instance's own address and the service's port (the install
        hook's only once an artifact was given: without one nothing is installed)."""
        service = instance.service
        readiness = answering(
            instance, self.health_probe(service.port, service.health_path, instance.address)
        )
        return application.awaited(readiness) if self.configured == "hook" else readiness

    def endpoint_variables(self, members: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
        """What a client of the service receives: ``(suffix, value)`` pairs; ``members`` are
        the ``address:port`` of every replica, in replica order."""
        return (("HOSTS", ",".join(members)),)

    def render(self, instance: InstanceContext) -> Delivery:
        """The files, boot steps and units of one instance (default: the install hook)."""
        return application.deliver(instance)


def answering(instance: InstanceContext, check: str) -> probes.Readiness:
    """``check`` of the service on ``instance``, described by what it asks: the service's
    declared ``health_check`` path, else a connection to its port."""
    service = instance.service
    where, path = f"{instance.address}:{service.port}", service.health_path
    if path:
        return probes.Readiness(f"{service.name} answering http://{where}{path}", check)
    return probes.Readiness(f"{service.name} accepting connections on {where}", check)


def survivors_needed(failover: str, count: int, min_healthy: int) -> int:
    """Replicas that must survive for a service in ``failover`` mode to stay up."""
    if failover == "active-active":
        return min_healthy
    if failover == "quorum":
        return count // 2 + 1
    if failover == "none":
        return count
    return 1
