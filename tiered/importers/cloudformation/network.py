"""Subnets, their zones and whether they are public; NAT gateways and egress per zone.

A subnet defined in the template has the zone its ``AvailabilityZone`` resolves to. A
subnet the template does not place (a parameter's id, another stack's export, a subnet
without ``AvailabilityZone``) has the zone the user gives (``--zone`` with its id, export
name or logical id); without one it is an *unknown* zone, distinct from every other: two
unknown subnets are never silently put in one zone, nor one known zone given to them.
Each unknown zone stands in the topology under a zone name of the region that no known
zone uses (never a name the region does not have), and the import names it, says what
would settle it (``UnknownZone.settle``) and which verdicts depend on it (``unknowns``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tiered.findings import Location
from tiered.importers.cloudformation.intrinsics import AssumedSubnet, Unknown, text_of
from tiered.importers.cloudformation.stack import Key, Universe
from tiered.validation.regions import region_zone_names

_ASSUMED = "?"


@dataclass(slots=True)
class UnknownZone:
    """A zone the template does not determine: what is in it, where, and how to give it.

    ``key`` is what ``--zone KEY=ZONE`` takes for it (a subnet id, an export name, a
    logical id); ``parameter`` the template parameter that would carry the subnet ids;
    ``export`` the export that would. ``subnet`` is False for the zones AWS picks in the
    default VPC (a resource the template places nowhere): those are not subnets of the
    stack, and a Multi-AZ standby there is in another zone than its primary by AWS's rule.
    """

    what: str
    where: Location
    why: str
    key: str = ""
    parameter: str = ""
    export: str = ""
    subnet: bool = True
    #: The zone name it stands under in the topology (set by ``name_assumed``).
    name: str = ""

    @property
    def settle(self) -> str:
        """The options that give this zone."""
        if not self.subnet:
            return "a subnet (or subnet group) for the resource in the template"
        if self.parameter:
            return f"--param {self.parameter}=subnet-…[,subnet-…] and --zone subnet-…=ZONE for each"
        if self.export:
            return (
                f"--zone {self.export}=ZONE, or its value (--exports FILE from `aws "
                f"cloudformation list-exports`, or --export {self.export}=subnet-…) and "
                "--zone subnet-…=ZONE"
            )
        if self.key:
            return f"--zone {self.key}=ZONE"
        return "the value it comes from (--param or --export) and --zone subnet-…=ZONE"


def options_to_give(unknowns: list[UnknownZone]) -> str:
    """The exact options that settle every zone of ``unknowns``, in one line."""
    zones = [f"--zone {u.key or u.export}=ZONE" for u in unknowns if u.key or u.export]
    parameters = sorted({u.parameter for u in unknowns if u.parameter})
    given = [f"--param {p}=subnet-…,subnet-…" for p in parameters]
    if parameters:
        given.append("--zone subnet-…=ZONE for each of those subnets")
    given += zones
    unnamed = sorted({p for u in unknowns for p in re.findall(r"\$\{([\w:]+)\}", u.export)})
    given += [f"--param {p}=…" for p in unnamed]
    if any(u.export for u in unknowns):
        given.append(
            "(for exports: or --exports FILE, saved from `aws cloudformation list-exports`, "
            "with --zone SUBNET-ID=ZONE)"
        )
    others = [u.what for u in unknowns if not (u.key or u.export or u.parameter)]
    if others:
        given.append("and the values of " + ", ".join(others))
    return " ".join(given)


def _rds_only(tags: Any) -> bool:
    return isinstance(tags, list) and any(
        isinstance(tag, dict)
        and tag.get("Key") == "tiered:purpose"
        and tag.get("Value") == "rds-subnet-group-only"
        for tag in tags
    )


class Network:
    """Zones of subnets and values, the public subnets, NAT gateways of private zones."""

    def __init__(self, universe: Universe) -> None:
        self.u = universe
        self.subnets = universe.of_type("AWS::EC2::Subnet")
        self._zone: dict[Key, str] = {}
        self.public: set[Key] = set()
        self.assumed: dict[str, UnknownZone] = {}
        self._public_tables()
        # tiered's own RDS-only subnet (tiered.placement.rds_subnets): a second zone for the
        # DB subnet group of a one-zone topology, not a zone the topology uses.
        self.rds_only = {key for key in self.subnets if _rds_only(self.u.prop(key, "Tags"))}
        for key in self.subnets:
            zone = self.u.prop(key, "AvailabilityZone")
            shown = self.u.display(*key)
            if isinstance(zone, str) and zone:
                self._zone[key] = zone
            elif shown in universe.options.zones:
                self._zone[key] = universe.options.zones[shown]
            else:
                why = "has no AvailabilityZone (AWS picks one)"
                if isinstance(zone, Unknown):
                    why = f"has an AvailabilityZone the template does not determine ({zone.reason})"
                self._zone[key] = self.assume(
                    UnknownZone(f"subnet {shown}", self.u.locate(key), why, key=shown)
                )

    def _public_tables(self) -> None:
        gateways = set(self.u.of_type("AWS::EC2::InternetGateway"))
        public_tables: set[Key] = set()
        for route in self.u.of_type("AWS::EC2::Route"):
            gateway = self.u.target(route[0], self.u.prop(route, "GatewayId"))
            table = self.u.target(route[0], self.u.prop(route, "RouteTableId"))
            if gateway in gateways and table is not None:
                public_tables.add(table)
        self.table_of: dict[Key, Key] = {}
        for link in self.u.of_type("AWS::EC2::SubnetRouteTableAssociation"):
            subnet = self.u.target(link[0], self.u.prop(link, "SubnetId"))
            table = self.u.target(link[0], self.u.prop(link, "RouteTableId"))
            if subnet is not None and table is not None:
                self.table_of[subnet] = table
                if table in public_tables:
                    self.public.add(subnet)
        for subnet in self.subnets:
            if self.u.prop(subnet, "MapPublicIpOnLaunch") in (True, "true"):
                self.public.add(subnet)

    def assume(self, unknown: UnknownZone) -> str:
        """The token of the unknown zone of ``unknown.what`` (one per subnet, made once)."""
        token = _ASSUMED + unknown.what
        self.assumed.setdefault(token, unknown)
        return token

    def _subnet_key(self, value: Any) -> Key | None:
        """The subnet resource a value names: a reference, or ``<Logical>`` — a reference
        joined into text (a nested stack's ``!Join [",", [!Ref A, !Ref B]]`` output) —
        when exactly one subnet of the stacks has that logical id."""
        value = self.u.follow(value)
        key = self.u.target("", value)
        if key is not None:
            return key
        if isinstance(value, str) and value.startswith("<") and value.endswith(">"):
            named = [k for k in self.subnets if k[1] == value[1:-1]]
            return named[0] if len(named) == 1 else None
        return None

    def zone_of(self, value: Any, where: Location, index: int = 0) -> str:
        """The zone of a subnet value (a resource, an id, an export or a placeholder);
        ``index`` tells apart values that cannot be named (the n-th of a list)."""
        value = self.u.follow(value)
        key = self._subnet_key(value)
        if key is not None and key in self._zone:
            return self._zone[key]
        given = self.u.options.zones
        if isinstance(value, str) and value in given:
            return given[value]
        if isinstance(value, AssumedSubnet):
            parameter = str(value).partition("[")[0]
            why = f"is a value of the parameter {parameter}, which has none"
            return self.assume(UnknownZone(f"subnet {value}", where, why, parameter=parameter))
        if isinstance(value, Unknown) and value.export:
            if value.export in given:
                return given[value.export]
            why = "comes from another stack (Fn::ImportValue)"
            what = f"the subnet exported as {value.export}"
            return self.assume(UnknownZone(what, where, why, export=value.export))
        if isinstance(value, Unknown):
            why = f"cannot be resolved from the template ({value.reason})"
            what = f"the subnet at {where.line}:{where.column}" + (
                f" #{index + 1}" if index else ""
            )
            return self.assume(UnknownZone(what, where, why))
        shown = text_of(value)
        given_as = shown if isinstance(value, str) else ""
        why = "has no zone given"
        return self.assume(UnknownZone(f"subnet {shown}", where, why, key=given_as))

    def default_zones(self, what: str, where: Location, count: int = 1) -> list[str]:
        """Zones of a resource the template places nowhere (AWS picks them in the default
        VPC): the same unknown zones for every such resource, said once per resource."""
        why = "is where AWS places resources the template puts in no subnet"
        tokens = [
            self.assume(UnknownZone(f"zone {n + 1} of the default VPC", where, why, subnet=False))
            for n in range(count)
        ]
        plural = f"{count} zones" if count > 1 else "a zone"
        self.u.report.note(
            where,
            f"{what}: no subnet or zone named (AWS places it in the default VPC); assumed "
            f"{plural} of the default VPC",
        )
        return tokens

    def is_public(self, value: Any) -> bool:
        key = self._subnet_key(value)
        return key is not None and key in self.public

    def subnet_zones(self, values: Any, where: Location) -> list[str]:
        """Zones of a list of subnet values, in order, each once (a comma-separated text,
        such as a nested stack's joined output, is a list)."""
        values = self.u.follow(values)
        items = values if isinstance(values, list) else [values]
        zones: list[str] = []
        parts = [part for value in items for part in self._split(value)]
        for index, item in enumerate(parts):
            zone = self.zone_of(item, where, index)
            if zone not in zones:
                zones.append(zone)
        return zones

    def _split(self, value: Any) -> list[Any]:
        value = self.u.follow(value)
        if isinstance(value, str) and not isinstance(value, AssumedSubnet) and "," in value:
            return [part.strip() for part in value.split(",") if part.strip()]
        return [value]

    def known_zones(self) -> list[str]:
        return [
            z
            for key, z in self._zone.items()
            if not z.startswith(_ASSUMED) and key not in self.rds_only
        ]

    def name_assumed(self, region: str, used: list[str]) -> dict[str, str]:
        """The zone name each unknown zone stands under: a zone of the region that no known
        zone uses, in the order they were met; each said in a note. Only when the region
        has fewer zones than there are unknown ones do two share a name (as two of those
        subnets must then share a zone), and the note says so."""
        every = region_zone_names(region)
        free = [z for z in every if z not in used]
        names: dict[str, str] = {}
        for index, (token, unknown) in enumerate(self.assumed.items()):
            if index < len(free):
                unknown.name = free[index]
                shared = ""
            else:
                unknown.name = every[(index - len(free)) % len(every)]
                shared = f" (shared: {region} has only {len(every)} zones)"
            names[token] = unknown.name
            self.u.report.note(
                unknown.where,
                f"{unknown.what} {unknown.why}: its zone is unknown, taken as a zone of its "
                f"own and shown as {unknown.name}{shared} — give {unknown.settle}",
            )
        return names

    def egress(self) -> tuple[str, list[str]]:
        """``per-zone`` or ``single`` NAT, and the private zones whose egress was found."""
        nat_of: dict[str, set[Key]] = {}
        for subnet in self.subnets:
            if subnet in self.public:
                continue
            table = self.table_of.get(subnet)
            if table is None:
                continue
            for route in self.u.of_type("AWS::EC2::Route"):
                if self.u.target(route[0], self.u.prop(route, "RouteTableId")) != table:
                    continue
                nat = self.u.target(route[0], self.u.prop(route, "NatGatewayId"))
                if nat is not None:
                    nat_of.setdefault(self._zone[subnet], set()).add(nat)
        gateways = {nat for nats in nat_of.values() for nat in nats}
        mode = "single" if len(nat_of) > 1 and len(gateways) == 1 else "per-zone"
        return mode, sorted(nat_of)

    def cidr(self) -> tuple[str | None, Location | None]:
        vpcs = self.u.of_type("AWS::EC2::VPC")
        if len(vpcs) != 1:
            return None, None
        cidr = self.u.prop(vpcs[0], "CidrBlock")
        return (cidr if isinstance(cidr, str) else None), self.u.locate(vpcs[0], "CidrBlock")
