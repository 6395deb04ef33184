"""One-zone AWS topologies with a database: the RDS-only subnet in a second zone."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import ROOT, run_tiered
from tests.test_plan import plan_of
from tiered.placement.networks.rds_subnets import second_zone


def one_zone(cidr: str = "10.0.0.0/24", tiers: int = 3, zone: str = "eu-west-1a") -> dict[str, Any]:
    services: dict[str, Any] = {
        f"t{i}": {"role": "application", "services": {f"s{i}": {"count": 2, "port": 8080}}}
        for i in range(1, tiers)
    }
    services["data"] = {"role": "data", "services": {"db": {"kind": "database", "count": 1}}}
    return {
        "version": 1,
        "name": "one",
        "region": zone[:-1],
        "zones": [zone],
        "network": {"cidr": cidr},
        "tiers": services,
    }


def test_a_one_zone_database_gets_an_rds_only_subnet_in_a_second_zone() -> None:
    plan = plan_of(one_zone(cidr="10.0.0.0/16"))
    extra = [s for s in plan.subnets if s.rds_only]
    assert [(s.name, s.tier, s.zone, str(s.cidr), s.public) for s in extra] == [
        ("data-eu-west-1b", "data", "eu-west-1b", "10.0.25.0/24", False)
    ]
    assert plan.zones == ("eu-west-1a",)  # not a zone of the analysis: nothing runs there
    assert plan.subnet_zones == ("eu-west-1a", "eu-west-1b")
    assert [m.zone for m in plan.managed] == ["eu-west-1a"]  # the database stays put
    cidrs = [s.cidr for s in plan.subnets]
    assert not any(a.overlaps(b) for i, a in enumerate(cidrs) for b in cidrs[i + 1 :])


def test_it_takes_its_zone_s_slot_in_the_tier() -> None:
    # Four tiers (egress, two tiers, data) of eight zone slots do not fit a /24: two slots
    # (a, and b for the RDS-only subnet) of /27 each; the RDS-only subnet is the data tier's
    # in b, where the subnet of zone b will be when the topology adds it.
    plan = plan_of(one_zone())
    assert plan.network.zone_slots == 2
    assert {s.cidr.prefixlen for s in plan.subnets} == {27}
    assert [str(s.cidr) for s in plan.subnets if s.rds_only] == ["10.0.0.224/27"]
    assert str(plan.subnet_of("data", "eu-west-1a").cidr) == "10.0.0.192/27"


@pytest.mark.parametrize(
    "topology",
    [
        {**one_zone(), "zones": ["eu-west-1a", "eu-west-1b"]},
        {**one_zone(), "tiers": {"t": {"role": "application", "services": {"a": {"count": 2}}}}},
    ],
    ids=["two-zones", "no-database"],
)
def test_no_rds_only_subnet_when_not_needed(topology: dict[str, Any]) -> None:
    assert not any(s.rds_only for s in plan_of(topology).subnets)


@pytest.mark.parametrize(
    ("region", "zone", "second"),
    [
        ("eu-west-1", "eu-west-1a", "eu-west-1b"),
        ("eu-west-1", "eu-west-1c", "eu-west-1a"),
        ("ap-northeast-1", "ap-northeast-1a", "ap-northeast-1c"),
    ],
)
def test_second_zone(region: str, zone: str, second: str) -> None:
    assert second_zone(region, zone) == second


def test_plan_command_marks_it() -> None:
    path = "examples/single-zone-webapp.yaml"
    done = run_tiered("plan", path)
    assert done.returncode == 0, done.stderr
    row = next(line for line in done.stdout.splitlines() if "eu-west-1b" in line)
    assert row.split() == [
        "data-eu-west-1b",
        "data",
        "eu-west-1b",
        "172.16.8.128/25",
        "no",
        "(RDS",
        "subnet",
        "group",
        "only)",
    ]
    data = json.loads(run_tiered("plan", path, "--format", "json").stdout)
    assert [s["name"] for s in data["subnets"] if s.get("rds_only")] == ["data-eu-west-1b"]
    assert (ROOT / path).exists()
