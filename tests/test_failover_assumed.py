"""TR012 and the report: a failover tiered does not deliver is flagged and listed as assumed."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ROOT, run_tiered
from tiered.exporters.base import ExportOptions
from tiered.pipeline import Result, plan_file, run
from tiered.renderers.config import ConfigRenderer
from tiered.renderers.report.markdown import markdown as markdown_report
from tiered.renderers.report.report_data import report_data
from tiered.rules.tr012 import assumed_failover
from tiered.software import software

TOPOLOGY = """\
version: 1
name: t
provider: generic
zones: [a, b, c]
network: {cidr: 10.0.0.0/16}
tiers:
  web:
    role: presentation
    services:
      lb: {software: nginx, count: 2, failover: active-active, depends_on: [queue, zk]}
  data:
    role: data
    services:
      queue: {software: kafka, count: 3, failover: quorum}
      zk: {software: zookeeper, count: 3}
"""


def test_kafka_quorum_validates_with_a_warning_not_zero_findings(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(TOPOLOGY)
    done = run_tiered("validate", str(path))
    assert done.returncode == 0, done.stdout
    assert "TR012 queue: quorum failover of kafka is assumed, not delivered" in done.stdout
    assert "TR012 zk" not in done.stdout and "TR012 lb" not in done.stdout
    assert "0 errors, 1 warning, 0 accepted" in done.stdout


def test_a_mode_the_kind_does_not_run_in_says_nothing_renders_it() -> None:
    assert assumed_failover(software("kafka"), "quorum", 3) == (
        "tiered renders no quorum mechanism for kafka"
    )
    assert "retry_join" in assumed_failover(software("consul"), "quorum", 3)


def test_the_report_availability_lists_the_assumed_failovers() -> None:
    data = report_data(run(str(ROOT / "examples/onprem-generic.yaml")))
    rows = {row["service"]: (row["software"], row["failover"]) for row in data["failover_assumed"]}
    assert rows == {
        "reports": ("generic", "active-active"),
        "etcd": ("etcd", "quorum"),
        "queue": ("rabbitmq", "active-active"),
        "pg": ("postgres", "primary-standby"),
    }
    availability = markdown_report(data).split("## Availability", 1)[1]
    assert "availability holds only if you provide it" in availability
    assert "- pg (postgres, primary-standby): " in availability


def test_nothing_assumed_nothing_listed() -> None:
    data = report_data(run(str(ROOT / "examples/reference-three-zones.yaml")))
    assert data["failover_assumed"] == []
    assert "provide it" not in markdown_report(data)


def test_redis_sentinel_quorum_is_a_majority_and_replicas_follow_the_first(
    tmp_path: Path,
) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        TOPOLOGY.replace("queue: {software: kafka, count: 3, failover: quorum}", "")
        .replace("depends_on: [queue, zk]", "depends_on: [cache, zk]")
        .replace(
            "zk: {software",
            "cache: {software: redis, count: 5, failover: active-passive}\n      zk: {software",
        )
    )
    plan = plan_file(str(path))
    files = ConfigRenderer().export(Result.of_plan(plan), ExportOptions())
    members = plan.instances_of("cache")
    first = members[0].ip
    for member in members:
        redis_conf = str(files[f"config/{member.name}/etc/redis/redis.conf"])
        sentinel = str(files[f"config/{member.name}/etc/redis/sentinel.conf"])
        assert f"bind {member.ip}\n" in redis_conf and f"bind {member.ip}\n" in sentinel
        assert f"sentinel monitor primary {first} 6379 3\n" in sentinel  # 3 of 5
        assert ("replicaof" in redis_conf) == (member.ip != first)
        if member.ip != first:
            assert f"replicaof {first} 6379\n" in redis_conf
    assert "TR012" not in run_tiered("validate", str(path)).stdout
