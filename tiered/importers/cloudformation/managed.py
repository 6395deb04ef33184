"""Managed data services: RDS instances and clusters, ElastiCache, EFS.

* ``AWS::RDS::DBInstance``: ``MultiAZ`` → primary-standby over two zones, else a single
  instance (``failover: none``). A read replica is not a standby: it is listed as
  unmapped, with that reason.
* ``AWS::RDS::DBCluster`` with its instances: the Aurora writer and a reader promoted when
  it fails (primary-standby, the model's managed pair; more readers are said in the
  comment), over distinct zones of its subnet group. A DB subnet group covers two zones
  at least (AWS requires it), so a standby whose zone the template does not show is in
  another zone of it, said in a note, never refused for want of a second zone.
* ``AWS::ElastiCache::ReplicationGroup``: AWS's managed failover (the primary's endpoint
  moves to a promoted replica by itself): a managed primary-standby, one regional failure
  domain like a database, with nothing to add in DNS; without automatic failover, the
  primary alone. ``AWS::ElastiCache::CacheCluster``: a Redis/Valkey node alone (a single
  point of failure), or Memcached nodes that each hold part of the keys.
* ``AWS::EFS::FileSystem`` with its mount targets: the zones they cover.
"""

from __future__ import annotations

from typing import Any

from tiered.findings import Location
from tiered.importers.cloudformation.compute import groups_of
from tiered.importers.cloudformation.drafts import (
    SERVICE_TAG,
    TIER_TAG,
    Draft,
    failover_from,
    kebab,
)
from tiered.importers.cloudformation.intrinsics import text_of
from tiered.importers.cloudformation.network import Network, UnknownZone
from tiered.importers.cloudformation.stack import Key, Universe
from tiered.software import ENGINE_PORTS

REPLICATION_GROUP = "AWS::ElastiCache::ReplicationGroup"
ENGINES = {
    "postgres": "postgres",
    "aurora-postgresql": "postgres",
    "mysql": "mysql",
    "aurora-mysql": "mysql",
    "aurora": "mysql",
    "mariadb": "mariadb",
}


def _true(value: Any) -> bool:
    return value is True or text_of(value).lower() == "true"


def _engine(draft: Draft, u: Universe, key: Key) -> None:
    engine = text_of(u.prop(key, "Engine", "")).lower()
    if engine in ENGINES:
        draft.set("engine", ENGINES[engine], u.locate(key, "Engine"))
    elif engine:
        draft.comment += f"; engine {engine} has no topology equivalent (left out)"
    klass = u.prop(key, "DBInstanceClass")
    metadata = u.raw(key).get("Metadata")
    mine = metadata.get("tiered") if isinstance(metadata, dict) else None
    if isinstance(mine, dict) and isinstance(mine.get("instance_class"), str):
        klass = mine["instance_class"]  # the class asked for, which tiered rendered as another
    if isinstance(klass, str) and klass.startswith("db.") and klass.count(".") == 2:
        draft.set("instance_class", klass, u.locate(key, "DBInstanceClass"))
    port = u.prop(key, "Port")
    try:
        number = int(text_of(port))
    except ValueError:
        number = ENGINE_PORTS.get(ENGINES.get(engine, ""), 0)
    if 1 <= number <= 65535:
        draft.set("port", number)


def _group_zones(u: Universe, net: Network, key: Key, prop: str, subnets_prop: str) -> list[str]:
    group = u.target("", u.prop(key, prop))
    if group is None:
        return []
    return net.subnet_zones(u.prop(group, subnets_prop) or [], u.locate(group))


def map_databases(u: Universe, net: Network) -> list[Draft]:
    drafts = []
    for key in u.of_type("AWS::RDS::DBInstance"):
        if u.prop(key, "SourceDBInstanceIdentifier") is not None:
            source = text_of(u.prop(key, "SourceDBInstanceIdentifier")).strip("<>")
            u.report.skip(
                u.display(*key),
                "AWS::RDS::DBInstance",
                f"a read replica of {source}: it serves reads but is not a standby, so it "
                "does not keep the database up when the writer's zone fails",
                u.locate(key),
            )
            continue
        if u.prop(key, "DBClusterIdentifier") is not None:
            continue
        tags = u.tags(key)
        multi = _true(u.prop(key, "MultiAZ", False))
        zone = u.prop(key, "AvailabilityZone")
        zones = _group_zones(u, net, key, "DBSubnetGroupName", "SubnetIds")
        if isinstance(zone, str):
            zones = [zone] + [z for z in zones if z != zone]
        if not zones:
            zones = net.default_zones(u.display(*key), u.locate(key), 2 if multi else 1)
        if multi and len(zones) < 2:
            zones += net.default_zones(f"the standby of {u.display(*key)}", u.locate(key), 1)
        draft = Draft(
            name=tags.get(SERVICE_TAG) or kebab(key[1]),
            kind="database",
            role="data",
            keys=[key],
            location=u.locate(key),
            zones=zones[:2] if multi else zones[:1],
            groups=groups_of(u, u.prop(key, "VPCSecurityGroups")),
            tier=tags.get(TIER_TAG),
            tags=tags,
            comment="RDS " + ("Multi-AZ: primary and standby" if multi else "single-AZ instance"),
        )
        _engine(draft, u, key)
        draft.set("count", 2 if multi else 1, u.locate(key, "MultiAZ"))
        draft.set("failover", "primary-standby" if multi else "none", u.locate(key, "MultiAZ"))
        _subnet_group(draft, u, key, "DBSubnetGroupName")
        drafts.append(draft)
    for key in u.of_type("AWS::RDS::DBCluster"):
        drafts.append(_cluster(u, net, key))
    return drafts


def _subnet_group(draft: Draft, u: Universe, key: Key, prop: str) -> None:
    group = u.target("", u.prop(key, prop))
    if group is not None:
        draft.keys.append(group)


def _cluster(u: Universe, net: Network, key: Key) -> Draft:
    tags = u.tags(key)
    members = [
        m
        for m in u.of_type("AWS::RDS::DBInstance")
        if u.target("", u.prop(m, "DBClusterIdentifier")) == key
    ]
    pool = _group_zones(u, net, key, "DBSubnetGroupName", "SubnetIds")
    instances = len(members)
    if not members and u.prop(key, "DBClusterInstanceClass") is not None:
        instances = 3  # a Multi-AZ DB cluster: a writer and two readers in three zones
    count = min(max(instances, 1), 2)
    fixed = [u.prop(m, "AvailabilityZone") for m in members]
    placed = [z for z in fixed if isinstance(z, str)]
    zones = _managed_zones(net, placed + pool, count, u.display(*key), u.locate(key))
    draft = Draft(
        name=tags.get(SERVICE_TAG) or kebab(key[1]),
        kind="database",
        role="data",
        keys=[key, *members],
        location=u.locate(key),
        zones=zones,
        groups=groups_of(u, u.prop(key, "VpcSecurityGroupIds")),
        tier=tags.get(TIER_TAG),
        tags=tags,
        comment="RDS cluster: writer and readers, a reader is promoted when the writer fails"
        + (f" ({instances} instances: the writer and one standby modelled)" * (instances > 2)),
    )
    _engine(draft, u, key)
    if members:
        klass = u.prop(members[0], "DBInstanceClass")
        if isinstance(klass, str) and klass.startswith("db.") and klass.count(".") == 2:
            draft.set("instance_class", klass)
    draft.set("count", count, u.locate(key))
    draft.set("failover", failover_from(tags) or ("primary-standby" if count > 1 else "none"))
    _subnet_group(draft, u, key, "DBSubnetGroupName")
    return draft


def map_caches(u: Universe, net: Network) -> list[Draft]:
    drafts = [_replication_group(u, net, key) for key in u.of_type(REPLICATION_GROUP)]
    for key in u.of_type("AWS::ElastiCache::CacheCluster"):
        if u.prop(key, "ReplicationGroupId") is None:
            drafts.append(_cache_cluster(u, net, key))
    return drafts


def _replication_group(u: Universe, net: Network, key: Key) -> Draft:
    tags = u.tags(key)
    try:
        nodes = int(text_of(u.prop(key, "NumCacheClusters", "")))
    except ValueError:
        try:
            groups = int(text_of(u.prop(key, "NumNodeGroups", "1")))
            replicas = int(text_of(u.prop(key, "ReplicasPerNodeGroup", "1")))
            nodes = groups * (replicas + 1)
        except ValueError:
            nodes = 1
    automatic = _true(u.prop(key, "AutomaticFailoverEnabled", False))
    count = 2 if automatic and nodes > 1 else 1
    pool = _cache_zones(u, net, key, "PreferredCacheClusterAZs", nodes)
    zones = _managed_zones(net, pool, count, u.display(*key), u.locate(key))
    engine = text_of(u.prop(key, "Engine", "redis")).lower()
    comment = f"ElastiCache replication group ({engine}), {nodes} node{'s' * (nodes != 1)}"
    if count == 2:
        comment += (
            "; managed failover: AWS promotes a replica and moves the primary endpoint "
            "(no DNS failover to add); modelled as a managed primary-standby"
        )
    elif nodes > 1:
        comment += "; without automatic failover a replica never takes over: the primary alone"
    draft = Draft(
        name=tags.get(SERVICE_TAG) or kebab(key[1]),
        kind="database",
        role="data",
        keys=[key],
        location=u.locate(key),
        zones=zones,
        groups=groups_of(u, u.prop(key, "SecurityGroupIds")),
        tier=tags.get(TIER_TAG),
        tags=tags,
        comment=comment,
    )
    _cache_port(draft, u, key, engine)
    draft.set("count", count, u.locate(key))
    where = u.locate(key, "AutomaticFailoverEnabled") if automatic else u.locate(key)
    draft.set("failover", "primary-standby" if count == 2 else "none", where)
    _subnet_group(draft, u, key, "CacheSubnetGroupName")
    return draft


def _cache_cluster(u: Universe, net: Network, key: Key) -> Draft:
    tags = u.tags(key)
    engine = text_of(u.prop(key, "Engine", "redis")).lower()
    try:
        nodes = max(1, int(text_of(u.prop(key, "NumCacheNodes", "1"))))
    except ValueError:
        nodes = 1
    memcached = engine == "memcached" and nodes > 1
    count = nodes if memcached else 1
    pool = _cache_zones(u, net, key, "PreferredAvailabilityZones", count)
    zone = u.prop(key, "PreferredAvailabilityZone")
    if isinstance(zone, str):
        pool = [zone, *(z for z in pool if z != zone)]
    if not pool:
        pool = net.default_zones(u.display(*key), u.locate(key), 1)
    draft = Draft(
        name=tags.get(SERVICE_TAG) or kebab(key[1]),
        kind="compute" if memcached else "database",
        role="data",
        keys=[key],
        location=u.locate(key),
        zones=[pool[i % len(pool)] for i in range(count)],
        groups=groups_of(u, u.prop(key, "VpcSecurityGroupIds")),
        tier=tags.get(TIER_TAG),
        tags=tags,
        comment=f"ElastiCache cache cluster ({engine}), "
        + (
            f"{nodes} nodes, each holding part of the keys"
            if memcached
            else "one node: no replica takes over when it fails"
        ),
    )
    _cache_port(draft, u, key, engine)
    draft.set("count", count, u.locate(key, "NumCacheNodes"))
    if memcached:
        draft.set("software", "memcached")
        draft.set("failover", "active-active", u.locate(key, "NumCacheNodes"))
    else:
        draft.set("failover", "none", u.locate(key))
    _subnet_group(draft, u, key, "CacheSubnetGroupName")
    return draft


def _cache_zones(u: Universe, net: Network, key: Key, preferred: str, nodes: int) -> list[str]:
    listed = u.prop(key, preferred)
    pool = [z for z in listed if isinstance(z, str)] if isinstance(listed, list) else []
    pool = pool or _group_zones(u, net, key, "CacheSubnetGroupName", "SubnetIds")
    if not pool:
        pool = net.default_zones(u.display(*key), u.locate(key), min(max(nodes, 1), 2))
    return pool


def _cache_port(draft: Draft, u: Universe, key: Key, engine: str) -> None:
    try:
        port = int(text_of(u.prop(key, "Port", "")))
    except ValueError:
        port = 11211 if engine == "memcached" else 6379
    if 1 <= port <= 65535:
        draft.set("port", port)


def _managed_zones(
    net: Network, pool: list[str], count: int, what: str, where: Location
) -> list[str]:
    """Zones of a managed service's ``count`` nodes: distinct zones of its pool; a second
    node without a second known zone is in another zone of its subnet group (AWS requires
    two), said in a note rather than refused."""
    distinct = list(dict.fromkeys(pool))
    if not distinct:
        return net.default_zones(what, where, count)
    if count > len(distinct):
        standby = UnknownZone(
            f"the standby of {what}",
            where,
            "is in another zone of its subnet group (AWS requires a subnet group to cover "
            "two zones); the template does not show which",
            subnet=False,
        )
        distinct.append(net.assume(standby))
    return distinct[:count]


def map_filesystems(u: Universe, net: Network) -> list[Draft]:
    drafts = []
    targets = u.of_type("AWS::EFS::MountTarget")
    for key in u.of_type("AWS::EFS::FileSystem"):
        tags = u.tags(key)
        mine = [t for t in targets if u.target("", u.prop(t, "FileSystemId")) == key]
        zones: list[str] = []
        security = set()
        for target in mine:
            zone = net.zone_of(u.prop(target, "SubnetId"), u.locate(target, "SubnetId"))
            if zone not in zones:
                zones.append(zone)
            security |= groups_of(u, u.prop(target, "SecurityGroups"))
        one_zone = u.prop(key, "AvailabilityZoneName")
        if isinstance(one_zone, str):
            zones = [one_zone]
        draft = Draft(
            name=tags.get(SERVICE_TAG) or kebab(key[1]),
            kind="filesystem",
            role="data",
            keys=[key, *mine],
            location=u.locate(key),
            zones=zones,
            groups=security,
            tier=tags.get(TIER_TAG),
            tags=tags,
            comment="EFS file system"
            + (
                f", mount targets in {len(zones)} zone{'s' * (len(zones) != 1)}"
                if zones
                else ", no mount target"
            ),
        )
        drafts.append(draft)
    return drafts
