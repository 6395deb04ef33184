"""Hints that point the right way: zones to add, services instead of software."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tiered import model
from tiered.pipeline import check
from tiered.validation.hints import missing_zone_hint


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


GENERIC_HEAD = (
    "version: 1\nname: t\nprovider: generic\nzones: [rack-a, rack-b]\n"
    "network: {cidr: 10.0.0.0/16}\ntiers:\n  web:\n    role: presentation\n    services:\n"
)

ZONE_MISTAKES = {
    "placement outside both": HEAD
    + "      lb: {count: 2, zones: [eu-west-1a], placement: {eu-west-1a: 1, eu-west-1c: 1}}\n",
    "placement outside the topology": HEAD
    + "      lb: {count: 2, placement: {eu-west-1a: 1, eu-west-1c: 1}}\n",
    "placement outside the service": HEAD
    + "      lb: {count: 2, zones: [eu-west-1a], placement: {eu-west-1a: 1, eu-west-1b: 1}}\n",
    "service zone outside the topology": HEAD
    + "      lb: {count: 2, zones: [eu-west-1a, eu-west-1c]}\n",
    "placement outside the region": HEAD
    + "      lb: {count: 2, placement: {eu-west-1a: 1, us-east-1b: 1}}\n",
    "placement outside the region, its letter taken": HEAD
    + "      lb: {count: 2, placement: {eu-west-1b: 1, us-east-1b: 1}}\n",
    "placement outside the region, every zone taken": HEAD
    + "      lb: {count: 2, zones: [eu-west-1a], placement: {eu-west-1a: 1, us-east-1a: 1}}\n",
    "service zone outside the region": HEAD
    + "      lb: {count: 2, zones: [eu-west-1a, us-east-1c]}\n",
    "misspelt zone": HEAD + "      lb: {count: 2, placement: {eu-west-1a: 1, eu-wset-1b: 1}}\n",
    "generic zone of the series": GENERIC_HEAD
    + "      lb: {count: 3, placement: {rack-a: 1, rack-b: 1, rack-c: 1}}\n",
    "generic misspelt zone": GENERIC_HEAD
    + "      lb: {count: 2, placement: {rack-a: 1, rak-b: 1}}\n",
    "generic misspelt zone already placed": GENERIC_HEAD
    + "      lb: {count: 3, placement: {rack-a: 1, rack-b: 1, rak-b: 1}}\n",
}


def _apply_zone_hint(data: dict[str, Any], wrong: str, hint: str) -> None:
    """Do what the hint says: use the zone it names instead of the wrong one, then each
    `zones: [...]` for the topology, each service's for lb."""
    lb = data["tiers"]["web"]["services"]["lb"]
    instead = re.search(r"(?:did you mean|such as|use) '([^']+)'", hint)
    if instead:
        right = instead[1]
        if wrong in lb.get("placement", {}):
            lb["placement"] = {right if z == wrong else z: n for z, n in lb["placement"].items()}
        else:
            lb["zones"] = [right if z == wrong else z for z in lb["zones"]]
        if "add it" not in hint:
            return
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
    path.write_text(ZONE_MISTAKES[mistake], encoding="utf-8")
    [problem] = check(str(path)).problems
    assert problem.code == "unknown-zone", problem
    wrong = re.search(r"zone '([^']+)'", problem.message)
    assert wrong, problem
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    _apply_zone_hint(data, wrong[1], problem.hint)
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert check(str(path)).problems == []


@pytest.mark.parametrize(
    "mistake, message, hint",
    [
        (
            "generic zone of the series",
            "placement names zone 'rack-c', which is not one of the topology's zones",
            "add it to the topology's zones: `zones: [rack-a, rack-b, rack-c]`",
        ),
        (
            "generic misspelt zone already placed",
            "placement names zone 'rak-b', which is not one of the topology's zones",
            "add it to the topology's zones: `zones: [rack-a, rack-b, rak-b]`",
        ),
        (
            "generic misspelt zone",
            "placement names zone 'rak-b', which is not one of the topology's zones",
            "did you mean 'rack-b', or add it to the topology's zones: "
            "`zones: [rack-a, rack-b, rak-b]`?",
        ),
        (
            "placement outside the region",
            "placement names zone 'us-east-1b', which is not an availability zone of eu-west-1",
            "did you mean 'eu-west-1b'?",
        ),
        (
            "placement outside the region, its letter taken",
            "placement names zone 'us-east-1b', which is not an availability zone of eu-west-1",
            "use a zone of eu-west-1 instead, such as 'eu-west-1a'",
        ),
        (
            "placement outside the region, every zone taken",
            "placement names zone 'us-east-1a', which is not an availability zone of eu-west-1",
            "use 'eu-west-1b' instead, and add it to this service's `zones`: "
            "[eu-west-1a, eu-west-1b]",
        ),
        (
            "service zone outside the region",
            "zone 'us-east-1c' is not an availability zone of eu-west-1",
            "use 'eu-west-1c' instead, and add it to the topology's zones: "
            "`zones: [eu-west-1a, eu-west-1b, eu-west-1c]`",
        ),
        (
            "misspelt zone",
            "placement names zone 'eu-wset-1b', which is not an availability zone of eu-west-1",
            "did you mean 'eu-west-1b'?",
        ),
    ],
)
def test_zone_hints_never_name_a_zone_in_use_or_outside_the_region(
    mistake: str, message: str, hint: str, tmp_path: Path
) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(ZONE_MISTAKES[mistake], encoding="utf-8")
    [problem] = check(str(path)).problems
    assert (problem.message, problem.hint) == (message, hint)


def test_numbered_zones_are_a_series_too(tmp_path: Path) -> None:
    text = GENERIC_HEAD.replace("rack-a, rack-b", "dc-1, dc-2") + (
        "      lb: {count: 2, zones: [dc-1, dc-3]}\n"
    )
    assert hints(tmp_path, text) == ["add it to the topology's zones: `zones: [dc-1, dc-2, dc-3]`"]


def test_software_run_by_several_services_names_them_all_in_the_plural(tmp_path: Path) -> None:
    text = HEAD + (
        "      lb: {count: 2, depends_on: [redis]}\n"
        "  data:\n    role: data\n    services:\n"
        "      cache: {software: redis, count: 2}\n"
        "      cache2: {software: redis, count: 2}\n"
        "      cache3: {software: redis, count: 2}\n"
    )
    assert hints(tmp_path, text) == [
        "did you mean 'cache', 'cache2' or 'cache3', the services running redis? "
        "Name services, not software"
    ]


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


def test_a_region_with_every_zone_taken_still_gets_a_hint() -> None:
    topology = model.Topology.model_validate(
        {
            "version": 1,
            "name": "t",
            "region": "eu-west-1",
            "zones": ["eu-west-1a"],
            "network": {"cidr": "10.0.0.0/16"},
            "tiers": {"web": {"role": "presentation", "services": {"lb": {"count": 1}}}},
        }
    )
    every = [f"eu-west-1{letter}" for letter in "abcdefghijklmnopqrstuvwxyz"]
    assert missing_zone_hint("us-east-1a", topology, None, every) == (
        "use a zone of eu-west-1 (eu-west-1a, eu-west-1b ...)"
    )
