"""Generates large, valid, realistic topologies for the benchmarks.

`python benchmarks/generate.py --services 2000 --zones 6 > big.yaml` writes a layered
topology: an entry tier, application tiers whose services depend on the next tier
down, and a data tier with databases and file systems. Replica counts cycle through
realistic sizes so that 2,000 services make about 45,000 instances.
"""

from __future__ import annotations

import argparse
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=2000)
    parser.add_argument("--zones", type=int, default=6)
    parser.add_argument("--replica-scale", type=int, default=1)
    parser.add_argument("--provider", choices=["aws", "generic"], default="aws")
    args = parser.parse_args()
    topology = generate(args.services, args.zones, args.replica_scale, args.provider)
    yaml.safe_dump(topology, sys.stdout, sort_keys=False, width=100)


if __name__ == "__main__":
    main()
