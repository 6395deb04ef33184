"""TR012 and the report: a failover tiered does not deliver is flagged and listed as assumed."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ROOT, run_tiered
from tiered.pipeline import run
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
    assert assumed_failover(software("kafka"), "quorum") == (
        "tiered renders no quorum mechanism for kafka"
    )
    assert "retry_join" in assumed_failover(software("consul"), "quorum")


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
