"""Properties of the verdict on generated topologies (hypothesis).

* Adding a replica in a zone never worsens the verdict: no service gains an error, fault
  tolerance and availability never drop. Removing one never improves it. (Only for
  active-active and active-passive services: a quorum's majority and ``failover: none``'s
  "all replicas" grow with the count, so there more is rightly not always better.)
* The verdict does not depend on the order of keys in the YAML file.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tiered.analysis import analyze
from tiered.pipeline import check
from tiered.rules.runner import run_rules

ZONES = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"]
ROLES = ["presentation", "application", "data"]
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@st.composite
def topologies(draw: st.DrawFn) -> dict[str, Any]:
    zones = draw(st.lists(st.sampled_from(ZONES), min_size=1, max_size=4, unique=True))
    tiers: dict[str, Any] = {}
    names: list[list[str]] = []
    counter = itertools.count(1)
    for _ in range(draw(st.integers(2, 3))):
        names.append([f"s{next(counter)}" for _ in range(draw(st.integers(1, 3)))])
    for depth, tier_names in enumerate(names):
        later = [n for layer in names[depth + 1 :] for n in layer]
        services: dict[str, Any] = {}
        for name in tier_names:
            kind = "compute" if depth < 2 or draw(st.booleans()) else "database"
            deps = draw(st.lists(st.sampled_from(later), unique=True, max_size=2)) if later else []
            if kind == "database":
                services[name] = {"kind": "database", "count": draw(st.integers(1, 2))}
                continue
            failover = draw(st.sampled_from(["active-active", "active-passive", "quorum"]))
            count = draw(st.integers(1, 5))
            service: dict[str, Any] = {"count": count, "failover": failover}
            if failover == "active-active":
                service["min_healthy"] = draw(st.integers(1, count))
            if draw(st.booleans()):
                weights = draw(
                    st.lists(st.integers(0, 3), min_size=len(zones), max_size=len(zones))
                )
                total = sum(weights)
                assume(total > 0)
                service["count"] = total
                service["placement"] = {z: w for z, w in zip(zones, weights, strict=True) if w}
                if failover == "active-active":
                    service["min_healthy"] = min(service["min_healthy"], total)
            if deps:
                service["depends_on"] = deps
            services[name] = service
        tiers[f"t{depth + 1}"] = {"role": ROLES[min(depth, 2)], "services": services}
    return {
        "version": 1,
        "name": "generated",
        "region": "us-east-1",
        "zones": zones,
        "network": {"cidr": "10.0.0.0/16"},
        "entry": {"dns_name": "app.example.com", "hosted_zone": "example.com"},
        "tiers": tiers,
    }


def verdict(topology: dict[str, Any], folder: Path, name: str = "t.yaml") -> dict[str, Any]:
    path = folder / name
    path.write_text(yaml.safe_dump(topology, sort_keys=False), encoding="utf-8")
    result = check(str(path))
    assume(result.plan is not None)
    assert result.plan is not None
    analysis = analyze(result.plan, result.source)
    order = analysis.fault_tolerance.order
    return {
        "errors": {
            f.service for f in run_rules(analysis) if f.severity == "error" and not f.accepted
        },
        "findings": sorted(
            (f.rule, f.service or "", f.severity.value) for f in run_rules(analysis)
        ),
        "tolerance": float("inf") if order is None else order,
        "availability": analysis.availability.value,
        "zones_down": [s.system_down for s in analysis.scenarios[: len(topology["zones"])]],
    }


def _with_one_more(topology: dict[str, Any], service: str, zone: str, delta: int) -> dict[str, Any]:
    """A copy with ``delta`` replicas more of ``service`` in ``zone`` (explicit placement)."""
    result = check_plan(topology)
    per_zone = dict(result.services[service].per_zone)
    per_zone[zone] = per_zone.get(zone, 0) + delta
    changed = yaml.safe_load(yaml.safe_dump(topology))
    for tier in changed["tiers"].values():
        if service in tier["services"]:
            entry = tier["services"][service]
            entry["count"] = sum(per_zone.values())
            entry["placement"] = {z: n for z, n in per_zone.items() if n}
            entry.pop("zones", None)
    return changed


def check_plan(topology: dict[str, Any]) -> Any:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.yaml"
        path.write_text(yaml.safe_dump(topology, sort_keys=False), encoding="utf-8")
        result = check(str(path))
    assume(result.plan is not None)
    return result.plan


def _at_least_as_good(better: dict[str, Any], worse: dict[str, Any]) -> None:
    assert better["errors"] <= worse["errors"], (better["errors"], worse["errors"])
    assert better["tolerance"] >= worse["tolerance"]
    assert better["availability"] >= worse["availability"] - 1e-12
    assert all(b <= w for b, w in zip(better["zones_down"], worse["zones_down"], strict=True))


def _mutable(plan: Any) -> list[str]:
    return [
        s.name
        for s in plan.services.values()
        if s.kind == "compute" and s.failover in ("active-active", "active-passive")
    ]


@SETTINGS
@given(topology=topologies(), data=st.data())
def test_adding_a_replica_never_worsens(
    topology: dict[str, Any], data: st.DataObject, tmp_path: Path
) -> None:
    plan = check_plan(topology)
    candidates = _mutable(plan)
    assume(candidates)
    service = data.draw(st.sampled_from(candidates))
    zone = data.draw(st.sampled_from(topology["zones"]))
    before = verdict(topology, tmp_path, "before.yaml")
    after = verdict(_with_one_more(topology, service, zone, +1), tmp_path, "after.yaml")
    _at_least_as_good(after, before)


@SETTINGS
@given(topology=topologies(), data=st.data())
def test_removing_a_replica_never_improves(
    topology: dict[str, Any], data: st.DataObject, tmp_path: Path
) -> None:
    plan = check_plan(topology)
    candidates = [
        n for n in _mutable(plan) if plan.services[n].count > plan.services[n].min_healthy
    ]
    assume(candidates)
    service = data.draw(st.sampled_from(candidates))
    zone = data.draw(st.sampled_from(list(plan.services[service].per_zone)))
    before = verdict(topology, tmp_path, "before.yaml")
    after = verdict(_with_one_more(topology, service, zone, -1), tmp_path, "after.yaml")
    _at_least_as_good(before, after)


def _shuffled(value: Any, rng: Any) -> Any:
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return {k: _shuffled(value[k], rng) for k in keys}
    return value


@SETTINGS
@given(topology=topologies(), seed=st.integers(0, 2**16))
def test_verdict_does_not_depend_on_key_order(
    topology: dict[str, Any], seed: int, tmp_path: Path
) -> None:
    import random

    rng = random.Random(seed)
    tiers = topology["tiers"]
    shuffled = _shuffled({k: v for k, v in topology.items() if k != "tiers"}, rng)
    # Tiers keep their order (it is meaning: the first is the entry); inside them, anything.
    shuffled["tiers"] = {name: _shuffled(tier, rng) for name, tier in tiers.items()}
    assert verdict(topology, tmp_path, "a.yaml") == verdict(shuffled, tmp_path, "b.yaml")
