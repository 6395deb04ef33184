"""Hints that point the right way: zones to add, services instead of software."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tiered.pipeline import check


def hints(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    return [p.hint for p in check(str(path)).problems]


HEAD = (
    "version: 1\nname: t\nregion: eu-west-1\nzones: [eu-west-1a, eu-west-1b]\n"
    "network: {cidr: 10.0.0.0/16}\ntiers:\n  web:\n    role: presentation\n    public: true\n"
    "    services:\n"
)


def test_a_placement_zone_missing_from_zones_is_to_add_not_a_typo(tmp_path: Path) -> None:
    text = HEAD + "      lb: {count: 2, placement: {eu-west-1a: 1, eu-west-1c: 1}}\n"
    assert hints(tmp_path, text) == [
        "add it to the topology's zones: `zones: [eu-west-1a, eu-west-1b, eu-west-1c]`"
    ]


def test_a_zone_outside_the_services_own_zones_is_added_there(tmp_path: Path) -> None:
    text = HEAD + (
        "      lb: {count: 2, zones: [eu-west-1a], placement: {eu-west-1a: 1, eu-west-1b: 1}}\n"
    )
    assert hints(tmp_path, text) == ["add it to this service's `zones`: [eu-west-1a, eu-west-1b]"]


def test_free_form_zone_names_still_get_a_near_name(tmp_path: Path) -> None:
    text = (
        "version: 1\nname: t\nprovider: generic\nzones: [rack-a, rack-b]\n"
        "network: {cidr: 10.0.0.0/16}\ntiers:\n  web:\n    role: presentation\n    services:\n"
        "      lb: {count: 2, zones: [rack-a, rak-b]}\n"
    )
    assert hints(tmp_path, text) == [
        "did you mean 'rack-b', or add it to the topology's zones: "
        "`zones: [rack-a, rack-b, rak-b]`?"
    ]


def test_a_dependency_on_software_points_at_the_service_running_it(tmp_path: Path) -> None:
    text = HEAD + (
        "      lb: {count: 2, depends_on: [postgres]}\n"
        "  data:\n    role: data\n    services:\n"
        "      pg: {kind: database, engine: postgres, count: 2}\n"
    )
    assert hints(tmp_path, text) == [
        "did you mean 'pg', the service running postgres? Name services, not software"
    ]


def test_a_placement_zone_missing_from_both_zones_is_added_to_both_in_one_hint(
    tmp_path: Path,
) -> None:
    text = HEAD + (
        "      lb: {count: 2, zones: [eu-west-1a], placement: {eu-west-1a: 1, eu-west-1c: 1}}\n"
    )
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    [problem] = check(str(path)).problems
    assert problem.message == (
        "placement names zone 'eu-west-1c', which is in neither the topology's zones nor "
        "this service's"
    )
    assert problem.hint == (
        "add it to the topology's zones: `zones: [eu-west-1a, eu-west-1b, eu-west-1c]`, "
        "and to this service's `zones`: [eu-west-1a, eu-west-1c]"
    )


ZONE_MISTAKES = {
    "placement outside both": (
        "      lb: {count: 2, zones: [eu-west-1a], placement: {eu-west-1a: 1, eu-west-1c: 1}}\n"
    ),
    "placement outside the topology": (
        "      lb: {count: 2, placement: {eu-west-1a: 1, eu-west-1c: 1}}\n"
    ),
    "placement outside the service": (
        "      lb: {count: 2, zones: [eu-west-1a], placement: {eu-west-1a: 1, eu-west-1b: 1}}\n"
    ),
    "service zone outside the topology": "      lb: {count: 2, zones: [eu-west-1a, eu-west-1c]}\n",
}


def _apply_zone_hint(data: dict[str, Any], hint: str) -> None:
    """Do what the hint says: each `zones: [...]` for the topology, each service's for lb."""
    lb = data["tiers"]["web"]["services"]["lb"]
    for part in hint.split(", and to "):
        listed = re.search(r"\[([^\]]*)\]", part)
        assert listed, hint
        zones = [z.strip() for z in listed[1].split(",")]
        if "topology's" in part:
            data["zones"] = zones
        else:
            assert "this service's" in part, hint
            lb["zones"] = zones


@pytest.mark.parametrize("mistake", sorted(ZONE_MISTAKES))
def test_applying_a_zone_hint_as_written_validates(mistake: str, tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(HEAD + ZONE_MISTAKES[mistake], encoding="utf-8")
    [problem] = check(str(path)).problems
    assert problem.code == "unknown-zone", problem
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    _apply_zone_hint(data, problem.hint)
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert check(str(path)).problems == []


@pytest.mark.parametrize(
    "head, example",
    [
        ("region: eu-west-1\n", "`zones: [eu-west-1a, eu-west-1b, eu-west-1c]`"),
        ("provider: generic\n", "`zones: [rack-a, rack-b, rack-c]`"),
    ],
)
def test_missing_zones_are_asked_for_in_the_users_own_terms(
    head: str, example: str, tmp_path: Path
) -> None:
    text = (
        f"version: 1\nname: t\n{head}network: {{cidr: 10.0.0.0/16}}\n"
        "tiers: {web: {role: presentation, services: {lb: {count: 1}}}}\n"
    )
    [hint] = hints(tmp_path, text)
    assert hint.endswith(example) and "us-east" not in hint
