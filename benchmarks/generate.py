"""Generates large, valid, realistic topologies for the benchmarks.

`python benchmarks/generate.py --services 2000 --zones 6 > big.yaml` writes a layered
topology: an entry tier, application tiers whose services depend on the next tier
down, and a data tier with databases and file systems. Replica counts cycle through
realistic sizes so that 2,000 services make about 45,000 instances.

`--shape mesh` (with `--seed`) writes another shape, on provider generic: 40 NGINX entry
pairs, services of 2 to 60 replicas (quorum ones odd, up to 59 members), each depending on
up to two later services and on one or two data services. Large quorums are where the
minimal cut sets run into the millions.
"""

from __future__ import annotations

import argparse
import random
import sys
from typing import Any

import yaml

COUNTS = (6, 12, 24, 40, 50, 66)  # active-active sizes; with the rest, ~22 per service
FAILOVERS = ("active-active",) * 4 + ("quorum", "active-passive")
TIERS = ("front", "api", "domain", "platform")


def generate(
    services: int = 2000, zones: int = 6, replica_scale: int = 1, provider: str = "aws"
) -> dict[str, Any]:
    """A topology with ``services`` services over ``zones`` zones (``replica_scale`` × counts).

    An AWS VPC holds at most a /16, so scaled-up replica counts need ``provider="generic"``
    (a 10.0.0.0/8 network).
    """
    if provider == "aws":
        zone_names = [f"us-east-1{letter}" for letter in "abcdefghij"[:zones]]
    else:
        zone_names = [f"rack-{index}" for index in range(zones)]
    per_tier = (services - 1 - max(2, services // 40)) // len(TIERS)
    data_count = services - 1 - per_tier * len(TIERS)  # exactly ``services`` in all
    # Numbers of one width: "domain-1" with 11 replicas and "domain-11" would both give the
    # CloudFormation id part "Domain111", which validation refuses on AWS.
    width = len(str(max(per_tier, data_count, 1) - 1))
    entry = {
        "edge-proxy": {
            "software": "nginx",
            "count": 2 * replica_scale,
            "failover": "active-passive",
            "health_check": {"path": "/healthz", "interval": 10, "timeout": 5},
            "routes": [{"path": "/", "to": "front-" + "0" * width}],
        }
    }
    tiers: dict[str, Any] = {"edge": {"role": "presentation", "public": True, "services": entry}}
    layers: list[list[str]] = []
    for tier in TIERS:
        layers.append([f"{tier}-{i:0{width}d}" for i in range(per_tier)])
    data_names = [
        f"db-{i:0{width}d}" if i % 2 == 0 else f"fs-{i:0{width}d}" for i in range(data_count)
    ]
    serial = 0
    for depth, (tier, names) in enumerate(zip(TIERS, layers, strict=True)):
        below = layers[depth + 1] if depth + 1 < len(layers) else data_names
        block: dict[str, Any] = {}
        for index, name in enumerate(names):
            serial += 1
            failover = FAILOVERS[serial % len(FAILOVERS)]
            count = COUNTS[(serial // len(FAILOVERS)) % len(COUNTS)] * replica_scale
            service: dict[str, Any] = {
                "software": "generic",
                "instance_type": "m6i.large",
                "count": count,
                "failover": failover,
                "port": 8000 + depth,
                "health_check": {"path": "/health", "interval": 10, "timeout": 5},
                "depends_on": sorted({below[(index * 7 + k) % len(below)] for k in range(2)}),
            }
            if failover == "quorum":
                service["count"] = 3 if serial % 3 else 5
            if failover == "active-passive":
                service["count"] = 2
            block[name] = service
        tiers[tier] = {"role": "application", "services": block}
    data: dict[str, Any] = {}
    for name in data_names:
        if name.startswith("db-"):
            data[name] = {
                "kind": "database",
                "engine": "postgres",
                "instance_class": "db.r6g.large",
                "count": 2,
            }
        else:
            data[name] = {"kind": "filesystem"}
    tiers["data"] = {"role": "data", "services": data}
    topology: dict[str, Any] = {
        "version": 1,
        "name": "generated-large",
        "description": f"{services} services over {zones} zones, generated for benchmarks",
        "provider": provider,
        "zones": zone_names,
        "network": {"cidr": "10.0.0.0/16" if provider == "aws" else "10.0.0.0/8"},
        "tiers": tiers,
    }
    if provider == "aws":
        topology["region"] = "us-east-1"
    return topology


MESH_ENTRIES = 40  # NGINX entry pairs
MESH_TIERS = ("front", "api", "domain", "platform")


def generate_mesh(services: int = 2000, zones: int = 6, seed: int = 19) -> dict[str, Any]:
    """The mesh shape: ``services`` services over ``zones`` racks, the same for the same seed.

    40 NGINX pairs route to the first application services; every application service has
    2 to 60 replicas (quorums odd, at most 59), calls up to two services later in the list
    and one or two of the data services (databases and file systems, one in 25).
    """
    rng = random.Random(seed)
    entries = min(MESH_ENTRIES, max(1, services // 10))
    data_count = max(2, services // 25)
    app_count = services - entries - data_count
    if app_count < 1:
        raise ValueError(f"{services} services are too few for the mesh shape (at least 70)")
    width = len(str(max(app_count, data_count, entries) - 1))
    apps = [f"svc-{i:0{width}d}" for i in range(app_count)]
    data_names = [
        f"db-{i:0{width}d}" if i % 2 == 0 else f"fs-{i:0{width}d}" for i in range(data_count)
    ]
    entry = {
        f"edge-{i:0{width}d}": {
            "software": "nginx",
            "count": 2,
            "failover": "active-passive",
            "health_check": {"path": "/healthz", "interval": 10, "timeout": 5},
            "routes": [{"path": "/", "to": apps[i * app_count // entries]}],
        }
        for i in range(entries)
    }
    tiers: dict[str, Any] = {"edge": {"role": "presentation", "public": True, "services": entry}}
    per_tier = -(-app_count // len(MESH_TIERS))
    for depth, tier in enumerate(MESH_TIERS):
        block: dict[str, Any] = {}
        for index in range(depth * per_tier, min(app_count, (depth + 1) * per_tier)):
            block[apps[index]] = _mesh_service(rng, apps[index + 1 :], data_names, 8000 + depth)
        if block:
            tiers[tier] = {"role": "application", "services": block}
    tiers["data"] = {"role": "data", "services": _data_services(data_names)}
    return {
        "version": 1,
        "name": "generated-mesh",
        "description": f"{services} services over {zones} racks, mesh shape, seed {seed}",
        "provider": "generic",
        "zones": [f"rack-{index}" for index in range(zones)],
        "network": {"cidr": "10.0.0.0/8"},
        "tiers": tiers,
    }


def _mesh_service(
    rng: random.Random, later: list[str], data_names: list[str], port: int
) -> dict[str, Any]:
    """One application service of the mesh shape, drawn from ``rng``."""
    failover = rng.choices(("active-active", "quorum", "active-passive"), (6, 3, 1))[0]
    if failover == "quorum":
        count = rng.randrange(3, 60, 2)
    elif failover == "active-passive":
        count = rng.randint(2, 3)
    else:
        count = rng.randint(2, 60)
    calls = rng.sample(later, min(len(later), rng.randint(0, 2)))
    stores = rng.sample(data_names, rng.randint(1, 2))
    service: dict[str, Any] = {
        "software": "generic",
        "instance_type": "m6i.large",
        "count": count,
        "failover": failover,
        "port": port,
        "health_check": {"path": "/health", "interval": 10, "timeout": 5},
        "depends_on": sorted(calls) + sorted(stores),
    }
    if failover == "active-active" and rng.random() < 0.5:
        service["min_healthy"] = max(1, count // 3)
    return service


def _data_services(names: list[str]) -> dict[str, Any]:
    """Managed databases (``db-``) and file systems (``fs-``)."""
    return {
        name: {
            "kind": "database",
            "engine": "postgres",
            "instance_class": "db.r6g.large",
            "count": 2,
        }
        if name.startswith("db-")
        else {"kind": "filesystem"}
        for name in names
    }


SHAPES = ("layered", "mesh")


def generate_shape(
    shape: str, services: int = 2000, zones: int = 6, seed: int = 19
) -> dict[str, Any]:
    """The topology of the named shape (``layered``: ``generate``'s; ``mesh``)."""
    if shape == "mesh":
        return generate_mesh(services, zones, seed)
    return generate(services, zones)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=2000)
    parser.add_argument("--zones", type=int, default=6)
    parser.add_argument("--replica-scale", type=int, default=1)
    parser.add_argument("--provider", choices=["aws", "generic"], default="aws")
    parser.add_argument("--shape", choices=SHAPES, default="layered")
    parser.add_argument("--seed", type=int, default=19, help="the mesh shape's random seed")
    args = parser.parse_args()
    if args.shape == "mesh":
        topology = generate_mesh(args.services, args.zones, args.seed)
    else:
        topology = generate(args.services, args.zones, args.replica_scale, args.provider)
    yaml.safe_dump(topology, sys.stdout, sort_keys=False, width=100)


if __name__ == "__main__":
    main()
