"""The entry and the canonical order come from what the topology declares."""

from __future__ import annotations

from typing import Any

from tiered.model import Topology
from tiered.placement.canonical import canonical, entry_tiers


def topology(tiers: dict[str, Any]) -> Topology:
    return Topology.model_validate(
        {
            "version": 1,
            "name": "t",
            "provider": "generic",
            "zones": ["a", "b"],
            "network": {"cidr": "10.0.0.0/16"},
            "tiers": tiers,
        }
    )


def tier(role: str, services: dict[str, Any], public: bool = False) -> dict[str, Any]:
    return {"role": role, "public": public, "services": services}


CALLS_API = {"count": 1, "routes": [{"path": "/", "to": "api"}]}


def test_the_entry_is_the_presentation_tier_whatever_its_place() -> None:
    t = topology(
        {
            "data": tier("data", {"db": {"count": 1}}),
            "app": tier("application", {"api": {"count": 1, "depends_on": ["db"]}}),
            "web": tier(
                "presentation", {"lb": {"count": 1, "routes": [{"path": "/", "to": "api"}]}}
            ),
        }
    )
    assert entry_tiers(t) == ("web",)
    assert list(canonical(t).tiers) == ["web", "app", "data"]


def test_of_several_presentation_tiers_the_entries_are_those_nothing_calls() -> None:
    t = topology(
        {
            "admin": tier("presentation", {"panel": {"count": 1}}),
            "edge": tier(
                "presentation", {"cdn": {"count": 1, "routes": [{"path": "/", "to": "lb"}]}}
            ),
            "web": tier("presentation", {"lb": CALLS_API}),
            "app": tier("application", {"api": {"count": 1}}),
        }
    )
    assert entry_tiers(t) == ("admin", "edge")
    assert list(canonical(t).tiers) == ["admin", "edge", "web", "app"]


def test_without_a_presentation_tier_the_public_ones_are_candidates() -> None:
    t = topology(
        {
            "inner": tier("application", {"api": {"count": 1}}),
            "outer": tier("application", {"gw": CALLS_API}, public=True),
            "zz": tier("application", {"other": {"count": 1}}),
        }
    )
    assert entry_tiers(t) == ("outer",)
    assert list(canonical(t).tiers) == ["outer", "inner", "zz"]


def test_services_by_name_and_placement_in_zone_order() -> None:
    t = topology(
        {
            "app": tier(
                "application",
                {"b": {"count": 2, "placement": {"b": 1, "a": 1}}, "a": {"count": 1}},
            )
        }
    )
    app = canonical(t).tiers["app"]
    assert list(app.services) == ["a", "b"]
    assert list(app.services["b"].placement or {}) == ["a", "b"]
