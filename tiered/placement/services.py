"""Service kinds in the plan: a discriminated union on ``kind``.

Every service of a plan is one of ``ComputeService`` (replicas tiered places and addresses),
``DatabaseService`` (a managed database: a primary and its standbys) or ``FilesystemService``
(a managed file system: a mount target per zone). They share ``ServiceBase``; each says in
its own terms what it is made of (``instances``, ``endpoints``) and resolves its own defaults
from the topology (``resolve``), so that no reader compares kind strings. Matching on the
class (``isinstance`` or ``match``) narrows the union where a kind's own fields are needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Literal, NamedTuple, TypedDict

from tiered import model
from tiered.software import ENGINE_PORTS, NFS_PORT, SOFTWARE, survivors_needed

#: A service's failover mode in the plan: the model's modes, or ``managed`` (a file system).
FailoverMode = model.Failover | Literal["managed"]
#: What a managed endpoint is.
EndpointRole = Literal["primary", "standby", "mount-target"]


class EndpointSpec(NamedTuple):
    """A managed endpoint as the service defines it: the network plan gives it an address."""

    name: str
    zone: str
    role: EndpointRole


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceBase:
    """What every kind of service has, with every default resolved."""

    #: True for the provider's services (a database, a file system): no instances of ours.
    managed: ClassVar[bool] = True
    #: What the service is, in words: "the {noun} fails as a whole".
    noun: ClassVar[str] = "service"

    name: str
    tier: str
    software: str
    failover: FailoverMode
    count: int
    min_healthy: int
    survivors_needed: int
    port: int | None
    zones: tuple[str, ...]
    per_zone: dict[str, int]
    depends_on: tuple[str, ...]
    routes: tuple[model.Route, ...] = ()
    accept: tuple[model.Accept, ...] = ()
    health_check: model.HealthCheck | None = None
    #: The size asked for: an instance type, or a database's instance class.
    instance_type: str | None = None
    entry: bool = False
    path: tuple[str, ...] = ()

    @property
    def instances(self) -> tuple[str, ...]:
        """Names of the replicas tiered places, in order (none for a managed service)."""
        return ()

    @property
    def endpoints(self) -> tuple[EndpointSpec, ...]:
        """The managed endpoints of the service (none for a compute service)."""
        return ()

    @property
    def listen(self) -> tuple[int, ...]:
        """Ports clients reach from outside: only an entry compute service listens."""
        return ()

    @property
    def calls(self) -> tuple[str, ...]:
        """Services this one reaches: its dependencies and its route targets, in order."""
        targets = [route.to for route in self.routes]
        return tuple(dict.fromkeys([*self.depends_on, *targets]))


@dataclass(frozen=True, slots=True, kw_only=True)
class ComputeService(ServiceBase):
    """Replicas of one piece of software on instances tiered places and addresses."""

    managed: ClassVar[bool] = False

    kind: Literal["compute"] = field(default="compute", init=False)
    listen_ports: tuple[int, ...] = ()
    balance: model.Balance = "round-robin"
    tls: model.Tls | None = None

    @property
    def listen(self) -> tuple[int, ...]:
        return self.listen_ports

    def availability(self, assumptions: model.Assumptions) -> float:
        """How often one replica is up, as the topology assumes (its zone aside)."""
        return assumptions.instance

    @property
    def instances(self) -> tuple[str, ...]:
        return tuple(f"{self.name}-{ordinal}" for ordinal in range(1, self.count + 1))

    @classmethod
    def resolve(cls, declared: model.Service, common: _Common, entry: bool) -> ComputeService:
        software = declared.software or "generic"
        defaults = SOFTWARE.get(software, SOFTWARE["generic"])
        count = declared.count or 1
        failover = declared.failover or defaults.failover
        listen = (
            tuple(declared.listen)
            if declared.listen is not None
            else (defaults.listen if entry else ())
        )
        return cls(
            **common.fields(declared, count, common.zones, failover),
            software=software,
            port=declared.port or defaults.port,
            listen_ports=listen,
            balance=declared.balance,
            tls=declared.tls,
            instance_type=declared.instance_type or declared.instance_class,
            entry=entry,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class DatabaseService(ServiceBase):
    """A managed database: a primary in the first zone, standbys in the next ones."""

    noun: ClassVar[str] = "managed database"

    kind: Literal["database"] = field(default="database", init=False)
    engine: model.Engine = "postgres"

    def availability(self, assumptions: model.Assumptions) -> float:
        """How often the database as a whole is up, as the topology assumes."""
        return assumptions.database

    @property
    def endpoints(self) -> tuple[EndpointSpec, ...]:
        specs = []
        for index, zone in enumerate(self.zones):
            role: EndpointRole = "primary" if index == 0 else "standby"
            specs.append(EndpointSpec(f"{self.name}-{role}", zone, role))
        return tuple(specs)

    @classmethod
    def resolve(cls, declared: model.Service, common: _Common, entry: bool) -> DatabaseService:
        engine = declared.engine or "postgres"
        count = declared.count or 1
        failover = declared.failover or ("primary-standby" if count > 1 else "none")
        return cls(
            **common.fields(declared, count, common.zones[:count], failover),
            software=engine,
            port=declared.port or ENGINE_PORTS[engine],
            engine=engine,
            instance_type=declared.instance_type or declared.instance_class,
            entry=entry,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class FilesystemService(ServiceBase):
    """A managed file system: one mount target per zone; it survives while one does."""

    noun: ClassVar[str] = "managed file system"

    kind: Literal["filesystem"] = field(default="filesystem", init=False)

    def availability(self, assumptions: model.Assumptions) -> float:
        """How often the file system as a whole is up, as the topology assumes."""
        return assumptions.filesystem

    @property
    def endpoints(self) -> tuple[EndpointSpec, ...]:
        return tuple(
            EndpointSpec(f"{self.name}-{zone}", zone, "mount-target") for zone in self.zones
        )

    @classmethod
    def resolve(cls, declared: model.Service, common: _Common, entry: bool) -> FilesystemService:
        zones = common.zones
        return cls(
            **common.fields(declared, len(zones), zones, "managed"),
            software="efs",
            port=NFS_PORT,
            instance_type=declared.instance_type or declared.instance_class,
            entry=entry,
        )


#: A service of the plan, discriminated by ``kind``.
ServicePlan = ComputeService | DatabaseService | FilesystemService

_KINDS: dict[model.Kind, type[ComputeService] | type[DatabaseService] | type[FilesystemService]]
_KINDS = {"compute": ComputeService, "database": DatabaseService, "filesystem": FilesystemService}


class _CommonFields(TypedDict):
    name: str
    tier: str
    failover: FailoverMode
    count: int
    min_healthy: int
    survivors_needed: int
    zones: tuple[str, ...]
    per_zone: dict[str, int]
    depends_on: tuple[str, ...]
    routes: tuple[model.Route, ...]
    accept: tuple[model.Accept, ...]
    health_check: model.HealthCheck | None
    path: tuple[str, ...]


class _Common(NamedTuple):
    """What every kind resolves the same way: where the service is declared, its zones."""

    name: str
    tier: str
    zones: tuple[str, ...]

    def fields(
        self,
        declared: model.Service,
        count: int,
        zones: tuple[str, ...],
        failover: FailoverMode,
    ) -> _CommonFields:
        min_healthy = declared.min_healthy or 1
        needed = 1 if failover == "managed" else survivors_needed(failover, count, min_healthy)
        return {
            "name": self.name,
            "tier": self.tier,
            "failover": failover,
            "count": count,
            "min_healthy": min_healthy,
            "survivors_needed": needed,
            "zones": zones,
            "per_zone": spread(count, zones, declared.placement),
            "depends_on": tuple(declared.depends_on),
            "routes": tuple(declared.routes),
            "accept": tuple(declared.accept),
            "health_check": declared.health_check,
            "path": ("tiers", self.tier, "services", self.name),
        }


def resolve_service(topology: model.Topology, tier: str, name: str, entry: bool) -> ServicePlan:
    """A service's declaration with every default filled in (counts, zones, port, failover)."""
    declared = topology.tiers[tier].services[name]
    common = _Common(name, tier, tuple(declared.zones or topology.zones))
    return _KINDS[declared.kind].resolve(declared, common, entry)


def spread(count: int, zones: tuple[str, ...], placement: dict[str, int] | None) -> dict[str, int]:
    """Replicas per zone: the explicit placement, or round-robin in the zones' order."""
    if placement is not None:
        return {zone: placement.get(zone, 0) for zone in zones if placement.get(zone, 0)}
    return round_robin(count, zones)


def round_robin(count: int, zones: Sequence[str]) -> dict[str, int]:
    """``count`` replicas dealt round-robin over ``zones``; zones left empty are omitted."""
    base, extra = divmod(count, len(zones))
    return {zone: base + (i < extra) for i, zone in enumerate(zones) if base + (i < extra)}
