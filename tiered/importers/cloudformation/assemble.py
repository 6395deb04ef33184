"""From a template to topology data: map every resource family, link, place, check.

The result holds the topology as plain data (what the loader would have built from a
topology file), a source map from its paths to the resources' places in the template,
the drafts (for the comments of the written file) and the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tiered.findings import Location
from tiered.importers.cloudformation.balancers import map_balancers
from tiered.importers.cloudformation.checks import check_cycles, check_tags
from tiered.importers.cloudformation.compute import map_groups, map_instances
from tiered.importers.cloudformation.drafts import (
    ACCEPT_TAG,
    FAILOVER_TAG,
    HEALTH_TAG,
    MIN_HEALTHY_TAG,
    ROUTES_TAG,
    SERVICE_TAG,
    SOFTWARE_TAG,
    TIER_ROLE_TAG,
    Draft,
    kebab,
    restore_order,
    valid_name,
)
from tiered.importers.cloudformation.grouping import construct_names, group_members
from tiered.importers.cloudformation.links import link
from tiered.importers.cloudformation.located import StackSourceMap
from tiered.importers.cloudformation.managed import map_caches, map_databases, map_filesystems
from tiered.importers.cloudformation.network import Network
from tiered.importers.cloudformation.options import ImportOptions
from tiered.importers.cloudformation.report import Report
from tiered.importers.cloudformation.source import load_template
from tiered.importers.cloudformation.stack import Key, Universe
from tiered.importers.cloudformation.unknowns import judge
from tiered.importers.cloudformation.unmapped import reason_for
from tiered.software import SOFTWARE
from tiered.validation.regions import AWS_REGIONS

DEFAULT_REGION = "us-east-1"
DEFAULT_CIDR = "10.0.0.0/16"
ROLE_ORDER = {"presentation": 0, "application": 1, "data": 2}
ROLE_TIER = {"presentation": "web", "application": "app", "data": "data"}
_ZONE = re.compile(r"^([a-z]{2}(-[a-z]+)+-\d)[a-z]$")


@dataclass(slots=True)
class Imported:
    """Topology data (None when unusable), its source map, the drafts and the report."""

    data: dict[str, Any] | None
    source: StackSourceMap
    report: Report
    drafts: list[Draft] = field(default_factory=list)
    tiers: dict[str, tuple[str, bool, list[Draft]]] = field(default_factory=dict)
    inferred: dict[str, str] = field(default_factory=dict)
    template: str = ""


def import_template(path: str, options: ImportOptions) -> Imported:
    """Import the template at ``path``; problems (if any) are in ``report.problems``."""
    report = Report()
    loaded = load_template(path)
    source = loaded.source
    result = Imported(None, StackSourceMap(path), report, template=path)
    if loaded.problems or loaded.data is None:
        report.problems.extend(loaded.problems)
        return result
    data = loaded.data
    resources = data.get("Resources") if isinstance(data, dict) else None
    if not isinstance(resources, dict) or not resources:
        report.problem(
            source.locate(("Resources",) if isinstance(data, dict) and "Resources" in data else ()),
            "cfn-no-resources",
            "not a CloudFormation template: no Resources section with resources",
            "give a template with `Resources:`, or a topology file",
        )
        return result
    transform = data.get("Transform")
    if transform:
        names = ", ".join(map(str, transform)) if isinstance(transform, list) else str(transform)
        report.note(
            source.locate(("Transform",)),
            f"the template uses the transform {names}: the resources it generates are not "
            "seen; import the processed template (`sam package`, or `aws cloudformation "
            "get-template --template-stage Processed`)",
        )
    check_cycles(resources, source, report)
    if report.problems:
        return result
    region, region_note = _region(options, resources, data.get("Parameters"))
    name = kebab(Path(path).stem)
    universe = Universe(report, options, region, name)
    universe.add_stack("", path, data, source, dict(options.parameters))
    if report.problems:
        return result
    net = Network(universe)
    drafts = group_members(universe, map_instances(universe, net)) + map_groups(universe, net)
    balancers, balancer_of_group = map_balancers(universe, net)
    drafts = balancers + drafts
    drafts += map_databases(universe, net) + map_caches(universe, net)
    drafts += map_filesystems(universe, net)
    if report.problems:
        return result
    construct_names(universe, drafts)
    check_tags(universe, drafts)
    if report.problems:
        return result
    _service_tags(universe, drafts)
    _unique_names(drafts)
    link(universe, drafts, balancer_of_group)
    restore_order(drafts, _rendered_order(data))
    entry, entry_keys = _entry(universe)
    used = {key for d in drafts for key in d.keys} | entry_keys
    listed = {item.logical for item in report.unmapped}
    for key in universe.order:
        if key in used or universe.display(*key) in listed:
            continue
        reason = reason_for(universe.type_of(key))
        if reason is not None:
            report.skip(universe.display(*key), universe.type_of(key), reason, universe.locate(key))
    if not drafts:
        counts = len(universe.order)
        report.problem(
            Location(path, *source.keys.get(("Resources",), (1, 1))),
            "cfn-no-services",
            f"nothing to judge: none of the template's {counts} resources is a service (an "
            "instance, an Auto Scaling group, a load balancer, a database, a cache or a file "
            "system); it deploys network or support resources only",
            "import the template that deploys the servers and databases (it may use this "
            "network's exports)",
        )
        return result
    result.drafts = drafts
    _build(result, universe, net, drafts, entry, region, region_note)
    unknown = [zone for zone in net.assumed.values() if zone.subnet]
    if unknown and result.data is not None:
        where = {draft.name: draft.location for draft in drafts}
        judge(result.data, result.source, unknown, where, report, options.strict)
        if report.problems:
            result.data = None
    return result


def _region(options: ImportOptions, resources: dict[str, Any], parameters: Any) -> tuple[str, str]:
    if options.region:
        return options.region, ""
    given: list[Any] = list(options.zones.values())
    declared = parameters.values() if isinstance(parameters, dict) else []
    defaults = [p.get("Default") for p in declared if isinstance(p, dict)]
    properties = [
        body["Properties"].get("AvailabilityZone")
        for body in resources.values()
        if isinstance(body, dict) and isinstance(body.get("Properties"), dict)
    ]
    for zone in given + defaults + properties:
        match = _ZONE.match(zone) if isinstance(zone, str) else None
        if match and match.group(1) in AWS_REGIONS:
            return match.group(1), f"from the zone {zone}"
    return DEFAULT_REGION, "the template names no region; pass --region"


def _service_tags(u: Universe, drafts: list[Draft]) -> None:
    """Service-level tags, from the resource or from the service's security group."""
    for draft in drafts:
        for group in sorted(draft.groups):
            tags = u.tags(group)
            if tags.get(SERVICE_TAG) in (None, draft.name, draft.tags.get(SERVICE_TAG)):
                for key, value in tags.items():
                    if key.startswith("tiered:") and key != "tiered:role":
                        draft.tags.setdefault(key, value)
        tags = draft.tags
        if tags.get(SOFTWARE_TAG) in SOFTWARE:
            draft.set("software", tags[SOFTWARE_TAG])
            draft.inferred.pop("software", None)
            if FAILOVER_TAG not in tags and "failover" in draft.inferred:
                draft.infer(
                    "failover", SOFTWARE[tags[SOFTWARE_TAG]].failover, "from the software; review"
                )
        if tags.get(FAILOVER_TAG) in (
            "active-active",
            "active-passive",
            "quorum",
            "primary-standby",
            "none",
        ):
            draft.set("failover", tags[FAILOVER_TAG])
            draft.inferred.pop("failover", None)
        if tags.get(MIN_HEALTHY_TAG, "").isdigit():
            draft.set("min_healthy", int(tags[MIN_HEALTHY_TAG]))
        if HEALTH_TAG in tags:
            check: dict[str, Any] = {}
            names = {"healthy": "healthy_threshold", "unhealthy": "unhealthy_threshold"}
            for part in tags[HEALTH_TAG].split():
                key, _, value = part.partition("=")
                if key == "path":
                    check["path"] = value
                elif value.isdigit():
                    check[names.get(key, key)] = int(value)
            draft.set("health_check", check)
        if ROUTES_TAG in tags:
            routes = []
            for part in tags[ROUTES_TAG].split():
                path, _, target = part.partition("=")
                routes.append({"path": path, "to": target})
            draft.set("routes", routes)
        if ACCEPT_TAG in tags:
            draft.set(
                "accept",
                [
                    {"rule": rule, "reason": "accepted in the stack's tags (tiered:accept)"}
                    for rule in tags[ACCEPT_TAG].split()
                ],
            )
        if tags.get(TIER_ROLE_TAG) in ROLE_ORDER:
            draft.role = tags[TIER_ROLE_TAG]


def _unique_names(drafts: list[Draft]) -> None:
    seen: set[str] = set()
    for draft in drafts:
        base = draft.name if valid_name(draft.name) else kebab(draft.name)
        name, index = base, 2
        while name in seen:  # "web2", not "web-2": the name of instance 2 of service web
            name = f"{base[:58]}{index}"
            index += 1
        draft.name = name
        seen.add(name)


def _entry(u: Universe) -> tuple[dict[str, str] | None, set[Key]]:
    records = [r for r in u.of_type("AWS::Route53::RecordSet") if u.prop(r, "Failover")]
    if not records:
        return None, set()
    first = records[0]
    name = str(u.prop(first, "Name", "")).rstrip(".")
    zone = str(u.prop(first, "HostedZoneName", "")).rstrip(".")
    keys = set(records) | set(u.of_type("AWS::Route53::HealthCheck"))
    entry = {"dns_name": name}
    if zone:
        entry["hosted_zone"] = zone
    return entry, keys


def _build(
    result: Imported,
    u: Universe,
    net: Network,
    drafts: list[Draft],
    entry: dict[str, str] | None,
    region: str,
    region_note: str,
) -> None:
    known = net.known_zones() + [z for d in drafts for z in d.zones if not z.startswith("?")]
    names = net.name_assumed(region, known)
    for draft in drafts:
        draft.zones = [names.get(z, z) for z in draft.zones]
    all_zones = sorted(set(known) | set(names.values()))
    if not all_zones:
        all_zones = [region + "a"]
    tiers: dict[str, tuple[str, bool, list[Draft]]] = {}
    service_names = {d.name for d in drafts}
    for draft in drafts:
        if draft.kind == "compute" and draft.public and not draft.tier:
            draft.role = "presentation"
    for draft in sorted(drafts, key=lambda d: ROLE_ORDER[d.role]):
        tier = draft.tier if draft.tier and valid_name(draft.tier) else ROLE_TIER[draft.role]
        if draft.role == "presentation" and not draft.tier and not draft.public:
            tier = "app"
        if not draft.tier and tier in service_names:
            tier = f"{tier}-tier"
        base = {"web": "presentation", "app": "application", "data": "data"}
        role = draft.tags.get(TIER_ROLE_TAG) or (
            draft.role if draft.tier else base.get(tier.removesuffix("-tier"), draft.role)
        )
        entry_tier = tiers.setdefault(tier, (role, False, []))
        tiers[tier] = (entry_tier[0], entry_tier[1] or draft.public, entry_tier[2] + [draft])

    def rank(tier: str) -> tuple[int, int, int]:
        indexes = [d.tags.get("tiered:tier-index", "") for d in tiers[tier][2]]
        given = min((int(i) for i in indexes if i.isdigit()), default=999)
        return given, ROLE_ORDER.get(tiers[tier][0], 1), list(tiers).index(tier)

    order = sorted(tiers, key=rank)
    result.tiers = {t: tiers[t] for t in order}
    cidr, cidr_where = net.cidr()
    nat, _ = net.egress()
    topology: dict[str, Any] = {
        "version": 1,
        "name": u.name,
        **({"description": u.description()} if u.description() else {}),
        "provider": "aws",
        "region": region,
        "zones": all_zones,
        "network": {"cidr": cidr or DEFAULT_CIDR, **({"nat": nat} if nat != "per-zone" else {})},
    }
    if region_note:
        result.inferred["region"] = region_note
    stand_ins = [z.name for z in net.assumed.values()]
    if stand_ins:
        result.inferred["zones"] = f"{', '.join(dict.fromkeys(stand_ins))} stand for unknown zones"
    if cidr is None:
        result.inferred["network"] = "no single VPC with a CIDR in the template"
    if entry:
        topology["entry"] = entry
    source = result.source
    resources_at = u.stacks[""].source.keys.get(("Resources",), (1, 1))
    source.values[()] = resources_at
    tiers_data: dict[str, Any] = {}
    for tier, (role, public, members) in result.tiers.items():
        services: dict[str, Any] = {}
        for draft in members:
            services[draft.name] = _service(draft, all_zones)
            path = ("tiers", tier, "services", draft.name)
            source.place(path, draft.location)  # in the file of the stack that holds it
            for name, where in draft.where.items():
                if where.file == draft.location.file:
                    source.place((*path, name), where, value=False)
            if ("tiers", tier) not in source.keys:
                source.place(("tiers", tier), draft.location, value=False)
        tiers_data[tier] = {
            "role": role,
            **({"public": True} if public else {}),
            "services": services,
        }
    topology["tiers"] = tiers_data
    result.data = _fit_network(topology, result, cidr_where)


def _service(draft: Draft, all_zones: list[str]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if draft.kind != "compute":
        fields["kind"] = draft.kind
    order = (
        "software",
        "engine",
        "instance_type",
        "instance_class",
        "count",
        "failover",
        "min_healthy",
        "port",
        "listen",
        "balance",
        "health_check",
        "routes",
    )
    for name in order:
        if name in draft.fields:
            fields[name] = draft.fields[name]
    if draft.kind == "filesystem":
        used = [z for z in all_zones if z in draft.zones]
        if used and used != all_zones:
            fields["zones"] = used
    else:
        count = fields.get("count", len(draft.zones))
        fields.update(_placement(draft.zones, count, all_zones))
    if draft.kind != "compute":
        fields.pop("software", None)
    if draft.kind != "compute" or fields.get("failover") != "active-active":
        fields.pop("min_healthy", None)
    if draft.depends:
        fields["depends_on"] = list(draft.depends)
    if "accept" in draft.fields:
        fields["accept"] = draft.fields["accept"]
    return fields


def _placement(zones: list[str], count: int, all_zones: list[str]) -> dict[str, Any]:
    """``zones`` or ``placement`` fields that reproduce where the replicas are."""
    per_zone = {z: zones.count(z) for z in all_zones}
    used = [z for z in all_zones if per_zone[z]]
    if not used or sum(per_zone.values()) != count:
        return {}
    robin = {
        z: count // len(used) + (1 if i < count % len(used) else 0) for i, z in enumerate(used)
    }
    if all(per_zone[z] == robin[z] for z in used):
        return {} if used == all_zones else {"zones": used}
    return {"placement": {z: n for z, n in per_zone.items() if n}}


def _fit_network(
    topology: dict[str, Any], result: Imported, where: Location | None
) -> dict[str, Any]:
    """The topology, with the default network when the template's is too small for tiered."""
    from tiered.loading.loader import Loaded
    from tiered.placement.checks import place
    from tiered.validation.validator import validate

    cidr = str(topology["network"]["cidr"])
    if cidr == DEFAULT_CIDR or not cidr.rpartition("/")[2].isdigit():
        return topology
    if int(cidr.rpartition("/")[2]) <= 16:  # the largest VPC: nothing bigger to fall back to
        return topology
    validated = validate(Loaded(topology, result.source, []))
    if validated.topology is None or not validated.ok:
        return topology
    _, problems = place(validated.topology, result.source)
    if any(p.code == "network-too-small" for p in problems):
        topology["network"]["cidr"] = DEFAULT_CIDR
        result.inferred["network"] = (
            "the template's VPC is too small for tiered's one-subnet-per-tier-and-zone plan"
        )
    return topology


def _rendered_order(data: dict[str, Any]) -> list[str]:
    """The services in the order of the topology a template was rendered from (tiered writes
    it into the template's Metadata); empty for other templates."""
    tiered = data.get("Metadata", {}).get("tiered", {}) if isinstance(data, dict) else {}
    names = tiered.get("services") if isinstance(tiered, dict) else None
    if isinstance(names, list) and all(isinstance(name, str) for name in names):
        return names
    return []
