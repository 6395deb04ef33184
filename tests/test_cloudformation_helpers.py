"""Helpers shared by the CloudFormation tests (no tests here): rendering, refusals, generators."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from tests.conftest import ALL_TOPOLOGIES
from tiered.exporters.base import ExportOptions
from tiered.loading.loader import load_bytes
from tiered.pipeline import Result, check_loaded, plan_file
from tiered.placement.plan import Plan
from tiered.renderers.cloudformation import CloudFormationRenderer

RENDERER = CloudFormationRenderer()


def render(plan: Plan, fmt: str | None = None) -> dict[str, str]:
    """File name (under cloudformation/) → text."""
    files = RENDERER.export(Result.of_plan(plan), ExportOptions(variant=fmt))
    return {name: str(text) for name, text in files.items()}


def expected_refusal(plan: Plan) -> str | None:
    """What the renderer must refuse this plan for, judged from the plan itself."""
    if plan.provider != "aws":
        return "provider: aws"
    return None


def renderable(paths: list[Path] = ALL_TOPOLOGIES) -> list[Path]:
    return [p for p in paths if expected_refusal(plan_file(str(p))) is None]


RENDERABLE = renderable()


def single_template(plan: Plan) -> dict[str, Any]:
    files = render(plan)
    assert len(files) == 1, sorted(files)
    data: dict[str, Any] = yaml.safe_load(next(iter(files.values())))
    return data


def resources_of(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def instance_network(template: dict[str, Any], logical: str) -> dict[str, Any]:
    """An instance's subnet, address and security groups: its own, or its interface's."""
    properties = template["Resources"][logical]["Properties"]
    if "NetworkInterfaces" not in properties:
        return {k: properties[k] for k in ("SubnetId", "PrivateIpAddress", "SecurityGroupIds")}
    (interface,) = properties["NetworkInterfaces"]
    eni = template["Resources"][interface["NetworkInterfaceId"]["Ref"]]["Properties"]
    return {
        "SubnetId": eni["SubnetId"],
        "PrivateIpAddress": eni["PrivateIpAddress"],
        "SecurityGroupIds": eni["GroupSet"],
    }


def plan_of(data: dict[str, Any]) -> Plan:
    result = check_loaded(
        load_bytes(yaml.safe_dump(data, sort_keys=False).encode(), "generated.yaml")
    )
    assert result.problems == [], [str(p) for p in result.problems]
    assert result.plan is not None
    return result.plan


def large_topology(replicas: int = 260) -> dict[str, Any]:
    """A topology past 500 resources: one service with many replicas, plus the usual tiers."""
    return {
        "version": 1,
        "name": "large",
        "provider": "aws",
        "region": "us-east-1",
        "zones": ["us-east-1a", "us-east-1b", "us-east-1c"],
        "network": {"cidr": "10.0.0.0/16"},
        "entry": {"dns_name": "www.example.com", "hosted_zone": "example.com"},
        "tiers": {
            "web": {
                "role": "presentation",
                "public": True,
                "services": {
                    "proxy": {
                        "software": "nginx",
                        "instance_type": "t3.micro",
                        "count": 2,
                        "failover": "active-passive",
                        "listen": [80, 443],
                        "routes": [{"path": "/", "to": "worker"}],
                    }
                },
            },
            "app": {
                "role": "application",
                "services": {
                    "worker": {
                        "instance_type": "t3.micro",
                        "count": replicas,
                        "port": 8080,
                        "depends_on": ["db", "files"],
                    }
                },
            },
            "data": {
                "role": "data",
                "services": {
                    "db": {"kind": "database", "engine": "postgres", "count": 2},
                    "files": {"kind": "filesystem"},
                },
            },
        },
    }


LETTERS = "abcdefghijklmnopqrstuvwxyz"
INSTANCE_TYPES = ["t3.micro", "t3.small", "m6i.large", "t4g.micro", "m7g.large", "c6gn.large"]


@st.composite
def aws_topologies(draw: st.DrawFn) -> dict[str, Any]:
    """Valid AWS topologies: 1-4 zones, an entry tier, private tiers, databases, file systems.

    Service names are letters only (``svc-a``), so no two of them meet in one logical id.
    """
    zone_count = draw(st.integers(1, 4))
    zones = [f"us-east-1{c}" for c in "abcd"[:zone_count]]
    names = iter(f"svc-{a}{b}" for a in LETTERS for b in LETTERS)
    entry_name = next(names)
    entry_failover = draw(st.sampled_from(["active-passive", "active-active", "none"]))
    entry_count = 1 if entry_failover == "none" else draw(st.integers(2, 4))
    later: list[str] = []
    tiers: dict[str, Any] = {}
    tier_count = draw(st.integers(1, 3))
    # build tiers from the last to the first so dependencies only point outwards-in
    for t in reversed(range(tier_count)):
        services: dict[str, Any] = {}
        for _ in range(draw(st.integers(1, 3))):
            name = next(names)
            kind = draw(st.sampled_from(["compute"] * 4 + ["database", "filesystem"]))
            if kind == "database" and zone_count >= 2:
                services[name] = {
                    "kind": "database",
                    "engine": draw(st.sampled_from(["postgres", "mysql", "mariadb"])),
                    "count": draw(st.integers(1, 2)),
                }
            elif kind == "filesystem":
                services[name] = {"kind": "filesystem"}
            else:
                services[name] = {
                    "instance_type": draw(st.sampled_from(INSTANCE_TYPES)),
                    "count": draw(st.integers(1, 6)),
                    "failover": draw(st.sampled_from(["active-active", "quorum", "none"])),
                    "port": draw(st.integers(1024, 65000)),
                    "depends_on": draw(st.lists(st.sampled_from(later), unique=True))
                    if later
                    else [],
                }
                if services[name]["failover"] == "none":
                    services[name]["count"] = 1
        later.extend(services)
        tiers[f"tier-{LETTERS[t]}"] = {"role": "application", "services": services}
    entry: dict[str, Any] = {
        "software": "nginx",
        "instance_type": draw(st.sampled_from(INSTANCE_TYPES)),
        "count": entry_count,
        "failover": entry_failover,
        "listen": draw(st.sampled_from([[80, 443], [443], [8443]])),
    }
    computes = [n for t in tiers.values() for n, s in t["services"].items() if "port" in s]
    if computes:
        entry["routes"] = [{"path": "/", "to": draw(st.sampled_from(computes))}]
    data: dict[str, Any] = {
        "version": 1,
        "name": "generated",
        "provider": "aws",
        "region": "us-east-1",
        "zones": zones,
        "network": {
            "cidr": "10.20.0.0/16",
            "nat": draw(st.sampled_from(["per-zone", "single"])),
        },
        "tiers": {
            "edge": {"role": "presentation", "public": True, "services": {entry_name: entry}},
            **dict(reversed(list(tiers.items()))),
        },
    }
    if draw(st.booleans()):
        data["entry"] = {"dns_name": "app.example.com", "hosted_zone": "example.com"}
    return data
