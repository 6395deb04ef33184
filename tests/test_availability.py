"""Availability against closed forms worked out by hand on small topologies."""

from __future__ import annotations

from pathlib import Path

import pytest

from tiered.analysis import analyze
from tiered.analysis.availability import MINUTES_PER_YEAR
from tiered.pipeline import check

PI, PZ, PDB = 0.99, 0.999, 0.9995

HEADER = f"""version: 1
name: t
region: us-east-1
network: {{cidr: 10.0.0.0/16}}
assumptions: {{instance: {PI}, zone: {PZ}, database: {PDB}}}
"""


def _availability(text: str, tmp_path: Path) -> float:
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    result = check(str(path))
    assert result.plan is not None, [str(p) for p in result.problems]
    value = analyze(result.plan).availability.value
    assert value is not None
    return value


def test_two_replicas_in_one_zone(tmp_path: Path) -> None:
    """Zone up and at least one of two replicas up: pz (1 - (1 - pi)^2)."""
    text = (
        HEADER
        + """zones: [us-east-1a]
tiers:
  web:
    role: presentation
    services:
      app: {count: 2, failover: active-active}
"""
    )
    assert _availability(text, tmp_path) == pytest.approx(PZ * (1 - (1 - PI) ** 2), abs=1e-15)


def test_pair_over_two_zones_with_a_multi_az_database(tmp_path: Path) -> None:
    """app 1+1 over a, b (one replica enough) calling db (primary a, standby b).

    Both zones up: pdb (1 - (1 - pi)^2); exactly one up (two ways): pi pdb; none: 0.
    """
    text = (
        HEADER
        + """zones: [us-east-1a, us-east-1b]
tiers:
  web:
    role: presentation
    services:
      app: {count: 2, failover: active-passive, depends_on: [db]}
  data:
    role: data
    services:
      db: {kind: database, count: 2, failover: primary-standby}
"""
    )
    expected = PDB * (PZ**2 * (1 - (1 - PI) ** 2) + 2 * PZ * (1 - PZ) * PI)
    value = _availability(text, tmp_path)
    assert value == pytest.approx(expected, abs=1e-15)


def test_quorum_of_three_over_three_zones(tmp_path: Path) -> None:
    """Three members, one per zone, each up with q = pz pi: q^3 + 3 q^2 (1 - q)."""
    text = (
        HEADER
        + """zones: [us-east-1a, us-east-1b, us-east-1c]
tiers:
  web:
    role: presentation
    services:
      zk: {software: zookeeper, count: 3}
"""
    )
    q = PZ * PI
    assert _availability(text, tmp_path) == pytest.approx(q**3 + 3 * q**2 * (1 - q), abs=1e-15)


def test_downtime_follows_from_availability(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        HEADER + "zones: [us-east-1a]\ntiers:\n  web:\n    role: presentation\n"
        "    services:\n      app: {count: 1}\n",
        encoding="utf-8",
    )
    result = check(str(path))
    assert result.plan is not None
    a = analyze(result.plan).availability
    assert a.value == pytest.approx(PZ * PI)
    assert a.downtime_minutes == pytest.approx((1 - PZ * PI) * MINUTES_PER_YEAR)
    assert a.assumptions["instance"] == PI
