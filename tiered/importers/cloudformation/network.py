"""Subnets, their zones and whether they are public; NAT gateways and egress per zone.

A subnet defined in the template has the zone its ``AvailabilityZone`` resolves to. A
subnet given as a parameter (an id) has the zone the user maps it to (``--zone``);
without one, each such subnet is assumed to be a zone of its own, and the import says so.
Assumed zones take the region's zone letters not used by any known zone, in the order
the subnets are met.
"""

from __future__ import annotations

from typing import Any

from tiered.findings import Location
from tiered.importers.cloudformation.intrinsics import (
    AssumedSubnet,
    Unknown,
    region_zones,
    text_of,
)
from tiered.importers.cloudformation.stack import Key, Universe

_ASSUMED = "?"


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
        self.assumed: dict[str, Location] = {}
        self._public_tables()
        # tiered's own RDS-only subnet (tiered.placement.rds_subnets): a second zone for the
        # DB subnet group of a one-zone topology, not a zone the topology uses.
        self.rds_only = {key for key in self.subnets if _rds_only(self.u.prop(key, "Tags"))}
        for key in self.subnets:
            zone = self.u.prop(key, "AvailabilityZone")
            if isinstance(zone, str) and zone:
                self._zone[key] = self._known(zone, self.u.locate(key, "AvailabilityZone"))
            else:
                self._zone[key] = self._assume(
                    f"subnet {self.u.display(*key)}", self.u.locate(key), "has no AvailabilityZone"
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

    def _known(self, zone: str, where: Location) -> str:
        return zone

    def _assume(self, what: str, where: Location, why: str, quiet: bool = False) -> str:
        token = _ASSUMED + what
        if token not in self.assumed:
            self.assumed[token] = where
            if not quiet:
                self.u.report.note(where, f"{what} {why}: assumed to be a zone of its own")
        return token

    def zone_of(self, value: Any, where: Location) -> str:
        """The zone of a subnet value (a resource, a parameter's id or a placeholder)."""
        value = self.u.follow(value)
        key = self.u.target("", value)
        if key is not None and key in self._zone:
            return self._zone[key]
        if isinstance(value, str) and value in self.u.options.zones:
            return self.u.options.zones[value]
        if isinstance(value, AssumedSubnet):
            return self._assume(f"subnet {value}", where, "", quiet=True)
        if isinstance(value, Unknown):
            return self._assume("a subnet", where, f"cannot be resolved ({value.reason})")
        return self._assume(f"subnet {text_of(value)}", where, "has no known zone")

    def default_zones(self, what: str, where: Location, count: int = 1) -> list[str]:
        """Zones of a resource the template places nowhere (AWS picks them in the default
        VPC): the same assumed zones for every such resource, said once per resource."""
        tokens = [f"{_ASSUMED}default zone {n + 1}" for n in range(count)]
        for token in tokens:
            self.assumed.setdefault(token, where)
        plural = f"{count} zones" if count > 1 else "a zone"
        self.u.report.note(
            where,
            f"{what}: no subnet or zone named (AWS places it in the default VPC); assumed "
            f"{plural} of the default VPC",
        )
        return tokens

    def is_public(self, value: Any) -> bool:
        key = self.u.target("", value)
        return key is not None and key in self.public

    def subnet_zones(self, values: Any, where: Location) -> list[str]:
        """Zones of a list of subnet values, in order, each once."""
        items = values if isinstance(values, list) else [values]
        zones: list[str] = []
        for item in items:
            zone = self.zone_of(item, where)
            if zone not in zones:
                zones.append(zone)
        return zones

    def known_zones(self) -> list[str]:
        return [
            z
            for key, z in self._zone.items()
            if not z.startswith(_ASSUMED) and key not in self.rds_only
        ]

    def name_assumed(self, region: str, used: list[str]) -> dict[str, str]:
        """Real zone names for the assumed zones: free letters of the region, in order."""
        free = list(region_zones(region) + [region + c for c in "ghijklmnopqrstuvwxyz"])
        free = [z for z in free if z not in used]
        names = {}
        for index, token in enumerate(self.assumed):
            names[token] = free[min(index, len(free) - 1)]
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
