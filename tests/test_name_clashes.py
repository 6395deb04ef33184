"""Failure-domain names are unambiguous: clashes between zones, services, instances and
managed endpoints are refused at validation; near misses are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_tiered
from tiered.pipeline import check

HEAD = "version: 1\nname: t\nregion: eu-west-1\nzones: [{zones}]\nnetwork: {{cidr: 10.0.0.0/16}}\n"
TIERS = "tiers:\n  web:\n    role: presentation\n    public: true\n    services:\n"


def on_premises(tmp_path: Path, zones: str, services: str) -> Path:
    """A ``provider: generic`` topology of one tier with ``services``, written to a file."""
    path = tmp_path / "t.yaml"
    path.write_text(
        f"version: 1\nname: t\nprovider: generic\nzones: [{zones}]\n"
        "network: {cidr: 10.0.0.0/16}\n" + TIERS.replace("    public: true\n", "") + services,
        encoding="utf-8",
    )
    return path


def problems(tmp_path: Path, zones: str, services: str) -> list[str]:
    path = tmp_path / "t.yaml"
    path.write_text(HEAD.format(zones=zones) + TIERS + services, encoding="utf-8")
    return [p.message for p in check(str(path)).problems if p.code == "name-clash"]


@pytest.mark.parametrize(
    ("services", "expected"),
    [
        (
            "      lb: {count: 2, depends_on: [db, db-primary]}\n"
            "      db: {kind: database, count: 2}\n      db-primary: {count: 2}\n",
            "service 'db-primary' has the name of the primary endpoint db-primary of db",
        ),
        (
            "      lb: {count: 2, depends_on: [lb-2]}\n      lb-2: {count: 1}\n",
            "service 'lb-2' has the name of instance lb-2 of service lb",
        ),
    ],
    ids=["service-as-db-endpoint", "service-as-instance"],
)
def test_clashes_are_refused(tmp_path: Path, services: str, expected: str) -> None:
    found = problems(tmp_path, "eu-west-1a, eu-west-1b", services)
    assert any(message.startswith(expected) for message in found), found


def test_zone_named_like_a_service_is_refused(tmp_path: Path) -> None:
    path = on_premises(tmp_path, "lb, b", "      lb: {count: 2}\n")
    found = [p.message for p in check(str(path)).problems]
    assert found == [
        "zone 'lb' has the name of service lb: failures, cut sets and `whatif --fail` "
        "could not tell them apart"
    ]


def test_near_misses_pass(tmp_path: Path) -> None:
    # lb-3 is no instance of a two-replica lb; lb-01 is no instance name at all.
    services = "      lb: {count: 2, depends_on: [lb-3, lb-01]}\n      lb-3: {count: 2}\n"
    services += "      lb-01: {count: 2}\n"
    assert problems(tmp_path, "eu-west-1a, eu-west-1b", services) == []


def test_mount_target_named_like_an_instance_is_refused(tmp_path: Path) -> None:
    services = "      lb: {count: 2, depends_on: [files, files-dc]}\n"
    services += "      files: {kind: filesystem}\n      files-dc: {count: 2}\n"
    path = on_premises(tmp_path, "dc-1, dc-2", services)
    found = [p.message for p in check(str(path)).problems]
    assert any(
        m.startswith("endpoint files-dc-1 of files has the name of an instance of files-dc")
        for m in found
    ), found


@pytest.mark.parametrize(
    ("services", "expected"),
    [
        (
            "      front-5: {count: 12, depends_on: [front-51]}\n      front-51: {count: 2}\n",
            "instance front-5-11 and instance front-51-1 both become 'Front511'",
        ),
        (
            "      a-1: {count: 2, depends_on: [a1]}\n      a1: {count: 2}\n",
            "service a-1 and service a1 both become 'A1'",
        ),
    ],
    ids=["instances", "services"],
)
def test_names_that_meet_in_one_logical_id_are_refused_on_aws(
    tmp_path: Path, services: str, expected: str
) -> None:
    found = problems(tmp_path, "eu-west-1a, eu-west-1b", services)
    assert len(found) == 1 and found[0].startswith(expected), found
    # the CloudFormation renderer never meets the collision: validation stops it first
    out = tmp_path / "o"
    result = run_tiered("render", "cloudformation", str(tmp_path / "t.yaml"), "--out", str(out))
    assert result.returncode == 2 and expected in result.stderr and not out.exists()
    assert result.stderr.startswith(f"{tmp_path / 't.yaml'}:")


def test_logical_ids_do_not_matter_on_premises(tmp_path: Path) -> None:
    services = "      a-1: {count: 2, depends_on: [a1]}\n      a1: {count: 2}\n"
    path = on_premises(tmp_path, "dc-a, dc-b", services)
    assert check(str(path)).problems == []
