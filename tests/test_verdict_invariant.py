"""The verdict's first invariant, as a property over generated topologies (hypothesis).

When the loss of some single zone takes the system down, ``tiered validate`` reports at
least one error finding (exit 1), unless the user accepted such a finding with a reason.
Generated topologies use one to four zones, both providers, every failover mode, managed
databases and file systems, ``zones`` restrictions and explicit placements.
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

AWS_ZONES = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
GENERIC_ZONES = ["rack-1", "rack-2", "room-b"]
ZONE_RULES = ["TR001", "TR002", "TR003", "TR005", "TR006"]


@st.composite
def topologies(draw: st.DrawFn) -> dict[str, Any]:
    provider = draw(st.sampled_from(["aws", "generic"]))
    pool = AWS_ZONES if provider == "aws" else GENERIC_ZONES
    zones = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True))
    counter = itertools.count(1)
    layers = [
        [f"s{next(counter)}" for _ in range(draw(st.integers(1, 2)))]
        for _ in range(draw(st.integers(1, 3)))
    ]
    tiers: dict[str, Any] = {}
    for depth, names in enumerate(layers):
        later = [n for layer in layers[depth + 1 :] for n in layer]
        services: dict[str, Any] = {}
        for name in names:
            kind = "compute"
            if depth == 2 and provider == "aws":
                kind = draw(st.sampled_from(["compute", "database", "filesystem"]))
            if kind == "database":
                services[name] = {"kind": "database", "count": 2}
                continue
            if kind == "filesystem":
                services[name] = {"kind": "filesystem"}
                if draw(st.booleans()):
                    services[name]["zones"] = draw(
                        st.lists(st.sampled_from(zones), min_size=1, unique=True)
                    )
                continue
            failover = draw(
                st.sampled_from(["active-active", "active-passive", "quorum"] * 3 + ["none"])
            )
            count = 1 if failover == "none" else draw(st.integers(2, 5))
            service: dict[str, Any] = {"count": count, "failover": failover}
            if draw(st.booleans()):
                weights = draw(
                    st.lists(st.integers(0, 3), min_size=len(zones), max_size=len(zones))
                )
                assume(sum(weights) > 0 and (failover != "none" or sum(weights) == 1))
                service["count"] = sum(weights)
                service["placement"] = {z: w for z, w in zip(zones, weights, strict=True) if w}
            elif draw(st.booleans()):
                service["zones"] = draw(st.lists(st.sampled_from(zones), min_size=1, unique=True))
            if failover == "active-active":
                service["min_healthy"] = draw(st.integers(1, service["count"]))
            deps = draw(st.lists(st.sampled_from(later), unique=True, max_size=2)) if later else []
            if deps:
                service["depends_on"] = deps
            accepted = draw(st.lists(st.sampled_from(ZONE_RULES), unique=True, max_size=1))
            if accepted:
                service["accept"] = [{"rule": r, "reason": "known and accepted"} for r in accepted]
            services[name] = service
        tiers[f"t{depth + 1}"] = {
            "role": ["presentation", "application", "data"][depth],
            "services": services,
        }
    topology: dict[str, Any] = {"version": 1, "name": "generated", "provider": provider}
    if provider == "aws":
        topology["region"] = "eu-west-1"
    topology.update({"zones": zones, "network": {"cidr": "10.0.0.0/16"}, "tiers": tiers})
    return topology


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(topology=topologies())
def test_a_zone_that_takes_the_system_down_fails_validation(
    topology: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump(topology, sort_keys=False), encoding="utf-8")
    result = check(str(path))
    assume(result.plan is not None)
    assert result.plan is not None
    analysis = analyze(result.plan, result.source)
    fatal = [s for s in analysis.scenarios if s.title.startswith("zone ") and s.system_down]
    assume(fatal)
    findings = run_rules(analysis)
    errors = [f for f in findings if f.severity == "error"]
    assert errors, ([s.title for s in fatal], [str(f) for f in findings])
    # Either validate exits 1 (an error not accepted), or, for every zone whose loss takes
    # the system down, the user accepted with a reason an error on a service that loss
    # takes down (an accepted finding elsewhere does not cover it).
    if any(not f.accepted for f in errors):
        return
    for scenario in fatal:
        covering = [f for f in errors if f.accept_reason and f.service in scenario.down]
        assert covering, (scenario.title, [str(f) for f in errors])


def test_one_zone_topology_fails_validation(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tiered.cli.main import app

    path = tmp_path / "one-zone.yaml"
    path.write_text(
        "version: 1\nname: t\nprovider: generic\nzones: [dc-a]\n"
        "network: {cidr: 10.0.0.0/16}\ntiers:\n  web:\n    role: presentation\n"
        "    services:\n      lb: {count: 2, failover: active-passive}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 1, result.output
    assert "TR002 lb: all 2 replicas are in dc-a, the topology's only zone" in result.output
