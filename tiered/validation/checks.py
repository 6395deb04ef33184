"""Checks across fields and services of a schema-valid topology, each located with a hint.

Names, provider and region, network, entry, every service by kind, zones and placement,
references and dependency cycles; and, once planned, addresses. Services whose schema was
broken are checked only where their intact fields allow.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from tiered import model
from tiered.findings import Problem
from tiered.loading.loader import Path, SourceMap
from tiered.rule_ids import KNOWN_RULE_IDS
from tiered.software import SOFTWARE
from tiered.validation.hints import missing_zone_hint, outside_region, unknown_service_hint
from tiered.validation.instance_types import not_offered, unknown_type
from tiered.validation.regions import AWS_REGIONS, is_zone_of
from tiered.validation.schema_errors import did_you_mean


class CrossChecks:
    """Checks that span fields: names, references, zones, placement, network, cycles."""

    def __init__(self, topology: model.Topology, source: SourceMap, broken: set[str]) -> None:
        self.t = topology
        self.source = source
        self.broken = broken
        self.problems: list[Problem] = []
        self.services: dict[str, tuple[str, model.Service]] = {}

    def add(self, path: Path, code: str, message: str, hint: str, *, key: bool = False) -> None:
        self.problems.append(Problem(self.source.locate(path, key=key), code, message, hint))

    def run(self) -> list[Problem]:
        self._names()
        self._provider()
        self._network()
        self._entry()
        for name, (tier, service) in self.services.items():
            path = ("tiers", tier, "services", name)
            if name in self.broken:  # only what its intact fields allow: zones and references
                self._zones(path, service)
                self._software(path, service)
                self._references(path, name, service)
            else:
                self._service(path, name, service)
        self._cycles()
        return self.problems

    def _names(self) -> None:
        seen: dict[str, Path] = {}
        for tier_name, tier in self.t.tiers.items():
            for path, name in [(("tiers", tier_name), tier_name)] + [
                (("tiers", tier_name, "services", s), s) for s in tier.services
            ]:
                if name in seen:
                    first = self.source.locate(seen[name], key=True)
                    self.add(
                        path,
                        "duplicate-name",
                        f"name '{name}' is already used (line {first.line})",
                        "give every tier and service a name of its own",
                        key=True,
                    )
                else:
                    seen[name] = path
            for service_name, service in tier.services.items():
                self.services.setdefault(service_name, (tier_name, service))
        zones_seen: set[str] = set()
        for index, zone in enumerate(self.t.zones):
            if zone in zones_seen:
                self.add(
                    ("zones", index),
                    "duplicate-zone",
                    f"zone '{zone}' is listed twice",
                    "list each zone once",
                )
            zones_seen.add(zone)

    def _provider(self) -> None:
        t = self.t
        if t.provider == "generic":
            if t.region is not None:
                self.add(
                    ("region",),
                    "region-not-applicable",
                    "'region' applies to provider aws only",
                    "remove it, or set `provider: aws`",
                    key=True,
                )
            return
        if t.region is None:
            self.add(
                (),
                "missing-key",
                "missing required key 'region' for provider aws",
                "add `region: us-east-1` (or the region you deploy to)",
            )
            return
        if t.region not in AWS_REGIONS:
            self.add(
                ("region",),
                "unknown-region",
                f"'{t.region}' is not an AWS region code",
                did_you_mean(t.region, AWS_REGIONS) or "use a code like us-east-1",
            )
            return
        for index, zone in enumerate(t.zones):
            if not is_zone_of(zone, t.region):
                self.add(
                    ("zones", index),
                    "zone-not-in-region",
                    f"zone '{zone}' is not an availability zone of {t.region}",
                    f"use zones like {t.region}a, {t.region}b, {t.region}c",
                )

    def _network(self) -> None:
        cidr = self.t.network.cidr
        try:
            network = ipaddress.IPv4Network(cidr)
        except ValueError:
            try:
                loose = ipaddress.IPv4Network(cidr, strict=False)
            except ValueError:
                self.add(
                    ("network", "cidr"),
                    "bad-cidr",
                    f"'{cidr}' is not an IPv4 CIDR block",
                    "write it as ADDRESS/PREFIX, e.g. 10.0.0.0/16",
                )
            else:
                self.add(
                    ("network", "cidr"),
                    "bad-cidr",
                    f"'{cidr}' has host bits set",
                    f"did you mean '{loose}'?",
                )
            return
        if not network.is_private and self.t.provider == "aws":
            self.add(
                ("network", "cidr"),
                "bad-cidr",
                f"'{cidr}' is not a private network range",
                "use a range of RFC 1918, e.g. 10.0.0.0/16 or 172.16.0.0/16",
            )
        elif self.t.provider == "aws" and not 16 <= network.prefixlen <= 28:
            self.add(
                ("network", "cidr"),
                "bad-cidr",
                f"an AWS VPC must be between /16 and /28, not /{network.prefixlen}",
                "use a /16 such as 10.0.0.0/16",
            )

    def _entry(self) -> None:
        entry = self.t.entry
        if entry is None:
            return
        if entry.vip is not None:
            if self.t.provider != "generic":
                self.add(
                    ("entry", "vip"),
                    "vip-not-applicable",
                    "'vip' applies to provider generic only (VRRP does not work in a VPC)",
                    "remove it; on aws, use dns_name and hosted_zone for DNS failover",
                    key=True,
                )
            else:
                try:
                    vip = ipaddress.IPv4Address(entry.vip)
                except ValueError:
                    self.add(
                        ("entry", "vip"),
                        "bad-vip",
                        f"'{entry.vip}' is not an IPv4 address",
                        "write it as four numbers, e.g. 192.168.10.100",
                    )
                else:
                    network = _network_or_none(self.t.network.cidr)
                    if network is not None and vip not in network:
                        self.add(
                            ("entry", "vip"),
                            "bad-vip",
                            f"vip {vip} is outside the network {network}",
                            "pick an unused address inside network.cidr",
                        )
        if entry.vrrp is not None and self.t.provider != "generic":
            self.add(
                ("entry", "vrrp"),
                "vrrp-not-applicable",
                "'vrrp' applies to provider generic only (keepalived moves a virtual IP)",
                "remove it; on aws the entry fails over with Route 53 failover records",
                key=True,
            )
        elif entry.vrrp is not None and entry.vip is None:
            self.add(
                ("entry", "vrrp"),
                "vrrp-without-vip",
                "'vrrp' sets how keepalived moves the virtual IP, but there is no 'vip'",
                "add `vip: ADDRESS` to entry (`tiered plan` shows the entry segment it goes in)",
                key=True,
            )
        if entry.hosted_zone is not None:
            if self.t.provider != "aws":
                self.add(
                    ("entry", "hosted_zone"),
                    "hosted-zone-not-applicable",
                    "'hosted_zone' applies to provider aws only (Route 53)",
                    "remove it",
                    key=True,
                )
            elif entry.dns_name is None:
                self.add(
                    ("entry",),
                    "missing-key",
                    "'hosted_zone' needs a 'dns_name'",
                    "add `dns_name: app.example.com` inside the hosted zone",
                    key=True,
                )
            elif not (
                entry.dns_name.lower() == entry.hosted_zone.lower()
                or entry.dns_name.lower().endswith("." + entry.hosted_zone.lower())
            ):
                self.add(
                    ("entry", "dns_name"),
                    "dns-outside-zone",
                    f"'{entry.dns_name}' is not inside the hosted zone '{entry.hosted_zone}'",
                    "use a name ending in the hosted zone",
                )

    def _service(self, path: Path, name: str, s: model.Service) -> None:
        fields = s.model_fields_set
        self._zones(path, s)
        if s.kind == "compute":
            self._compute(path, s, fields)
        elif s.kind == "database":
            self._database(path, s, fields)
        else:
            self._filesystem(path, fields)
        self._references(path, name, s)
        if s.health_check is not None and s.health_check.timeout > s.health_check.interval:
            self.add(
                (*path, "health_check", "timeout"),
                "bad-health-check",
                f"health check timeout {s.health_check.timeout}s is longer than its "
                f"interval {s.health_check.interval}s",
                "make the timeout at most the interval",
            )
        for index, accept in enumerate(s.accept):
            if accept.rule not in KNOWN_RULE_IDS:
                self.add(
                    (*path, "accept", index, "rule"),
                    "unknown-rule",
                    f"unknown rule '{accept.rule}'",
                    did_you_mean(accept.rule, KNOWN_RULE_IDS) or "`tiered rules` lists them",
                )
            if not accept.reason.strip():
                self.add(
                    (*path, "accept", index, "reason"),
                    "empty-reason",
                    "an accepted risk needs a reason",
                    "say why the risk is acceptable",
                )

    def _not_for(
        self, path: Path, fields: set[str], names: tuple[str, ...], what: str, hint: str
    ) -> None:
        for field in names:
            if field in fields:
                self.add(
                    (*path, field),
                    "not-applicable",
                    f"'{field}' does not apply to {what}",
                    hint,
                    key=True,
                )

    def _compute(self, path: Path, s: model.Service, fields: set[str]) -> None:
        self._not_for(
            path,
            fields,
            ("instance_class", "engine"),
            "compute services",
            "use instance_type, or set `kind: database` for a managed database",
        )
        if s.count is None:
            self.add(
                path,
                "missing-key",
                "missing required key 'count'",
                "add `count: N`, the number of replicas",
                key=True,
            )
            return
        self._software(path, s)
        if self.t.provider == "aws" and s.instance_type is not None:
            self._instance_type((*path, "instance_type"), s.instance_type)
        failover = s.failover or SOFTWARE.get(s.software or "generic", SOFTWARE["generic"]).failover
        if s.min_healthy is not None:
            if failover != "active-active":
                self.add(
                    (*path, "min_healthy"),
                    "not-applicable",
                    f"'min_healthy' applies to active-active services, not {failover}",
                    "remove it; a quorum always needs a strict majority",
                    key=True,
                )
            elif s.min_healthy > s.count:
                self.add(
                    (*path, "min_healthy"),
                    "min-healthy-above-count",
                    f"min_healthy {s.min_healthy} is more than count {s.count}",
                    f"lower min_healthy to at most {s.count} or raise count",
                )
        if s.listen is not None and len(set(s.listen)) != len(s.listen):
            self.add(
                (*path, "listen"),
                "duplicate-port",
                "a port is listed twice in 'listen'",
                "list each port once",
            )
        if s.placement is not None:
            self._placement(path, s)

    def _instance_type(self, path: Path, name: str) -> None:
        """An EC2 type that exists and that the topology's region offers (provider aws)."""
        if not re.match(model.INSTANCE_TYPE_PATTERN, name):
            self.add(
                path,
                "bad-instance-type",
                f"'{name}' is not an EC2 instance type",
                "write it as AWS does, e.g. t3.micro (any size name is fine on provider generic)",
            )
            return
        wrong = unknown_type(name)
        code = "bad-instance-type"
        if wrong is None and self.t.region is not None:
            wrong, code = not_offered(name, self.t.region), "instance-type-not-in-region"
        if wrong is not None:
            self.add(path, code, *wrong)

    def _software(self, path: Path, s: model.Service) -> None:
        if s.kind == "compute" and s.software is not None and s.software not in SOFTWARE:
            self.add(
                (*path, "software"),
                "unknown-software",
                f"unknown software '{s.software}'",
                did_you_mean(s.software, SOFTWARE)
                or f"use one of {', '.join(sorted(SOFTWARE))} (generic for anything else)",
            )

    def _database(self, path: Path, s: model.Service, fields: set[str]) -> None:
        self._not_for(
            path,
            fields,
            (
                "instance_type",
                "software",
                "listen",
                "routes",
                "placement",
                "min_healthy",
                "balance",
                "tls",
            ),
            "a managed database",
            "remove it; a database has instance_class, engine, count and failover",
        )
        if s.count is None:
            self.add(
                path,
                "missing-key",
                "missing required key 'count'",
                "add `count: 2` (primary and standby) or `count: 1`",
                key=True,
            )
            return
        if s.count > 2:
            self.add(
                (*path, "count"),
                "bad-count",
                f"a managed database has 1 or 2 instances, not {s.count}",
                "use count: 2 with failover: primary-standby (Multi-AZ)",
            )
            return
        failover = s.failover or ("primary-standby" if s.count == 2 else "none")
        allowed = {1: "none", 2: "primary-standby"}[s.count]
        if failover != allowed:
            self.add(
                (*path, "failover"),
                "bad-failover",
                f"a managed database with count {s.count} has failover {allowed}, not {failover}",
                "use count: 2 with primary-standby, or count: 1 with none",
            )
        zones = s.zones or self.t.zones
        if s.count == 2 and len(zones) < 2:
            self.add(
                path,
                "standby-needs-zone",
                "a primary-standby database needs two zones for its standby",
                "add a second zone to the topology or to this service's zones",
                key=True,
            )

    def _filesystem(self, path: Path, fields: set[str]) -> None:
        self._not_for(
            path,
            fields,
            (
                "count",
                "placement",
                "failover",
                "min_healthy",
                "instance_type",
                "instance_class",
                "engine",
                "software",
                "listen",
                "routes",
                "balance",
                "tls",
                "port",
                "health_check",
            ),
            "a managed file system",
            "remove it; a file system has a mount target in each zone",
        )

    def _zones(self, path: Path, s: model.Service) -> None:
        if s.zones is None:
            return
        seen: set[str] = set()
        for index, zone in enumerate(s.zones):
            if zone not in self.t.zones:
                region = outside_region(zone, self.t)
                self.add(
                    (*path, "zones", index),
                    "unknown-zone",
                    f"zone '{zone}' is "
                    + (
                        f"not an availability zone of {region}"
                        if region
                        else "not one of the topology's zones"
                    ),
                    missing_zone_hint(zone, self.t, None, s.zones),
                )
            elif zone in seen:
                self.add(
                    (*path, "zones", index),
                    "duplicate-zone",
                    f"zone '{zone}' is listed twice",
                    "list each zone once",
                )
            seen.add(zone)

    def _placement(self, path: Path, s: model.Service) -> None:
        assert s.placement is not None and s.count is not None
        zones = s.zones or self.t.zones
        for zone in s.placement:
            if zone not in zones:
                region = outside_region(zone, self.t)
                if region is not None and zone not in self.t.zones:
                    where = f"not an availability zone of {region}"
                elif not s.zones:
                    where = "not one of the topology's zones"
                elif zone in self.t.zones:
                    where = "not one of this service's zones"
                else:
                    where = "in neither the topology's zones nor this service's"
                self.add(
                    (*path, "placement", zone),
                    "unknown-zone",
                    f"placement names zone '{zone}', which is {where}",
                    missing_zone_hint(zone, self.t, s.zones, s.placement),
                    key=True,
                )
        total = sum(s.placement.values())
        if total != s.count:
            self.add(
                (*path, "placement"),
                "placement-count",
                f"placement puts {total} replicas but count is {s.count}",
                f"make the numbers add up to {s.count}, or set count: {total}",
                key=True,
            )

    def _references(self, path: Path, name: str, s: model.Service) -> None:
        seen: set[str] = set()
        for index, target in enumerate(s.depends_on):
            where = (*path, "depends_on", index)
            self._target(where, name, target, "depends on")
            if target in seen:
                self.add(
                    where,
                    "duplicate-reference",
                    f"'{target}' is listed twice",
                    "list each dependency once",
                )
            seen.add(target)
        paths: set[str] = set()
        for index, route in enumerate(s.routes):
            where = (*path, "routes", index)
            if self._target((*where, "to"), name, route.to, "routes to"):
                callee = self.services[route.to][1]
                if callee.kind != "compute":
                    self.add(
                        (*where, "to"),
                        "route-to-managed",
                        f"a route cannot send requests to the managed {callee.kind} '{route.to}'",
                        "route to the application service in front of it",
                    )
                elif (
                    s.balance == "ip-hash"
                    and (
                        callee.failover
                        or SOFTWARE.get(callee.software or "generic", SOFTWARE["generic"]).failover
                    )
                    == "active-passive"
                ):
                    self.add(
                        (*path, "balance"),
                        "backup-with-hash",
                        f"balance ip-hash cannot be combined with the active-passive "
                        f"target '{route.to}' (nginx forbids 'backup' with hashing)",
                        "use round-robin or least-conn, or make the target active-active",
                    )
            if route.path in paths:
                self.add(
                    (*where, "path"),
                    "duplicate-route",
                    f"route path '{route.path}' is listed twice",
                    "give each route its own path",
                )
            paths.add(route.path)

    def _target(self, where: Path, name: str, target: str, verb: str) -> bool:
        if target == name:
            self.add(where, "self-reference", f"'{name}' {verb} itself", "remove the entry")
            return False
        if target not in self.services:
            self.add(
                where,
                "unknown-service",
                f"'{name}' {verb} unknown service '{target}'",
                unknown_service_hint(target, self.services),
            )
            return False
        return True

    def _cycles(self) -> None:
        """Report each dependency cycle once, at the edge that closes it."""
        edges: dict[str, list[tuple[str, Path]]] = {}
        for name, (tier, s) in self.services.items():
            out = edges.setdefault(name, [])
            base = ("tiers", tier, "services", name)
            out.extend((d, (*base, "depends_on", i)) for i, d in enumerate(s.depends_on))
            out.extend((r.to, (*base, "routes", i, "to")) for i, r in enumerate(s.routes))
        state: dict[str, int] = {}  # 1: on the current path, 2: finished
        for start in edges:
            if start in state:
                continue
            stack: list[tuple[str, Iterator[tuple[str, Path]]]] = [(start, iter(edges[start]))]
            trail = [start]
            state[start] = 1
            while stack:
                node, children = stack[-1]
                for child, where in children:
                    if child not in edges or child == node:
                        continue
                    if state.get(child) == 1:
                        cycle = [*trail[trail.index(child) :], child]
                        self.add(
                            where,
                            "dependency-cycle",
                            f"dependency cycle: {' → '.join(cycle)}",
                            "remove one of these dependencies; dependencies must form layers",
                        )
                    elif child not in state:
                        state[child] = 1
                        trail.append(child)
                        stack.append((child, iter(edges[child])))
                        break
                else:
                    state[node] = 2
                    trail.pop()
                    stack.pop()


def _network_or_none(cidr: str) -> ipaddress.IPv4Network | None:
    try:
        return ipaddress.IPv4Network(cidr)
    except ValueError:
        return None
