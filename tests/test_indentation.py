"""A mis-indented key is reported on its own line, with the indentation to use; a service
setting dedented to the level of the services (or the tier) is called what it is."""

from __future__ import annotations

import pytest

from tiered.loading.indentation import misindented_key
from tiered.loading.loader import load_bytes
from tiered.pipeline import Checked, check_loaded

DEDENTED = """\
services:
  shop:
    software: nodejs
  count: 2
    port: 3000
"""


def test_a_dedented_key_is_reported_on_its_own_line_with_its_neighbours_indent() -> None:
    loaded = load_bytes(DEDENTED.encode(), "t.yaml")
    [problem] = loaded.problems
    assert (problem.location.line, problem.location.column) == (4, 3)
    assert "'count' is indented less than the lines around it (lines 3 and 5)" in problem.message
    assert problem.hint == "indent 'count' by 4 spaces, like its neighbours"


def test_an_overindented_key_is_reported_on_its_own_line() -> None:
    text = "shop:\n  count: 2\n    port: 3000\n"
    loaded = load_bytes(text.encode(), "t.yaml")
    [problem] = loaded.problems
    assert (problem.location.line, problem.location.column) == (3, 5)
    assert "'port' is indented more than 'count' on line 2" in problem.message
    assert problem.hint == "line 'port' up with 'count' (2 spaces)"


def test_comments_and_blank_lines_between_are_skipped() -> None:
    text = "a:\n  b: 1\n\n  # note\nc: 2\n\n  # another\n  d: 3\n"
    [problem] = load_bytes(text.encode(), "t.yaml").problems
    assert problem.location.line == 5 and "(lines 2 and 8)" in problem.message


def test_other_mapping_errors_keep_the_parsers_position() -> None:
    # a value holding ': ' on one line is not an indentation mistake
    assert misindented_key("name: corpus: two\n", 1) is None
    # a key with a nested block above is not a scalar that swallowed the line
    assert misindented_key("a:\n  b:\n    c: 1\n", 3) is None
    assert misindented_key("a: 1\n", 9) is None


SETTING_AS_SERVICE = """\
version: 1
name: shop
region: us-east-1
zones: [us-east-1a, us-east-1b]
network: {cidr: 10.0.0.0/16}
tiers:
  app:
    role: application
    services:
      shop:
        software: nodejs
        count: 2
        port: 3000
      depends_on: [cache]
      cache: {software: redis, count: 2, failover: active-passive}
    failover: active-active
"""


def test_a_service_setting_dedented_to_the_services_names_the_service_above() -> None:
    result = check_text(SETTING_AS_SERVICE)
    by_code = {p.code: p for p in result.problems}
    misplaced = by_code["misplaced-key"]
    assert (misplaced.location.line, misplaced.location.column) == (14, 7)
    assert misplaced.message == (
        "'depends_on' is a service setting, but it is indented as a service of tier 'app'"
    )
    assert (
        misplaced.hint
        == "indent it under 'shop' (the service above), like the service's other settings"
    )
    # one problem for it, not a bad name plus a wrong type
    assert [p.code for p in result.problems].count("misplaced-key") == 1
    assert "bad-name" not in by_code and "wrong-type" not in by_code
    # a setting dedented to the tier's level says it belongs under a service
    tier_level = by_code["unknown-key"]
    assert tier_level.location.line == 16
    assert tier_level.hint == (
        "'failover' is a service setting: indent it under 'cache' (the service above), "
        "like its other settings"
    )


def test_a_service_named_like_a_setting_is_still_a_service() -> None:
    text = SETTING_AS_SERVICE.replace("      depends_on: [cache]\n", "").replace(
        "    failover: active-active\n", ""
    )
    text = text.replace(
        "      cache: {", "      engine: {software: nodejs, count: 2}\n      cache: {"
    )
    assert check_text(text).problems == []


def check_text(text: str) -> Checked:
    return check_loaded(load_bytes(text.encode(), "t.yaml"))


def test_a_key_one_column_off_names_the_indentations_that_would_work() -> None:
    text = "services:\n  shop:\n    software: nodejs\n    count: 2\n   port: 3000\n"
    [problem] = load_bytes(text.encode(), "t.yaml").problems
    assert (problem.location.line, problem.location.column) == (5, 4)
    assert problem.message == (
        "YAML syntax error: 'port' is indented 3 spaces, which lines up with no key above it"
    )
    assert problem.hint == (
        "line 'port' up with line 4's key (4 spaces) or line 2's key (2 spaces)"
    )


def test_a_setting_dedented_to_the_tiers_is_called_misplaced() -> None:
    text = SETTING_AS_SERVICE.replace("      depends_on: [cache]\n", "").replace(
        "    failover: active-active\n", "  depends_on: [cache]\n  public: true\n"
    )
    problems = check_text(text).problems
    assert [(p.code, p.location.line, p.message) for p in problems] == [
        (
            "misplaced-key",
            15,
            "'depends_on' is a service setting, but it is indented as a tier name",
        ),
        ("misplaced-key", 16, "'public' is a tier setting, but it is indented as a tier name"),
    ]


SERVICES_HEAD = """\
version: 1
name: d
provider: generic
zones: [a, b]
network: {cidr: 10.9.0.0/16}
tiers:
  app:
    role: application
    services:
      api:
        count: 2
"""


def test_a_setting_dedented_between_two_services_is_reported_on_its_own_line() -> None:
    # `port` at the tier's level ends the services; `web` then reads as part of its value
    text = SERVICES_HEAD + "    port: 9000\n      web:\n        count: 2\n"
    [problem] = load_bytes(text.encode(), "t.yaml").problems
    assert (problem.location.line, problem.location.column) == (12, 5)
    assert problem.message == (
        "YAML syntax error: 'port' is dedented out of the service 'api' (line 10), so it "
        "closes that service and line 13 reads as part of its value"
    )
    assert problem.hint == (
        "indent 'port' by 8 spaces, under 'api' (the service above), like its other settings"
    )


def test_a_key_dedented_out_of_a_nested_block_is_put_back_at_that_blocks_level() -> None:
    text = "a:\n  b:\n    c:\n      d: 1\n  e: 2\n    f:\n      g: 3\n"
    [problem] = load_bytes(text.encode(), "t.yaml").problems
    assert (problem.location.line, problem.location.column) == (5, 3)
    assert problem.message == (
        "YAML syntax error: 'e' is dedented out of the block 'c' (line 3), so it closes "
        "that block and line 6 reads as part of its value"
    )
    assert problem.hint == "indent 'e' by 6 spaces, under 'c', like its other keys"


def test_a_setting_dedented_to_the_tier_names_the_service_above() -> None:
    [problem] = check_text(SERVICES_HEAD + "    port: 9000\n").problems
    assert (problem.location.line, problem.code) == (12, "unknown-key")
    assert problem.hint == (
        "'port' is a service setting: indent it under 'api' (the service above), "
        "like its other settings"
    )


MAPPING_SETTINGS = {
    "placement": "      placement:\n        a: 1\n        b: 1\n",
    "health_check": "      health_check:\n        path: /h\n        interval: 5\n",
    "tls": "      tls:\n        certificate: /etc/t.crt\n",
}


@pytest.mark.parametrize("setting", sorted(MAPPING_SETTINGS))
def test_a_mapping_valued_setting_dedented_to_the_services_is_one_misplaced_key(
    setting: str,
) -> None:
    text = SERVICES_HEAD + MAPPING_SETTINGS[setting] + "      web:\n        count: 2\n"
    problems = check_text(text).problems
    assert [(p.location.line, p.location.column, p.code) for p in problems] == [
        (12, 7, "misplaced-key")
    ]
    assert problems[0].message == (
        f"'{setting}' is a service setting, but it is indented as a service of tier 'app'"
    )
    assert problems[0].hint == (
        "indent it under 'api' (the service above), like the service's other settings"
    )


@pytest.mark.parametrize(
    "service",
    [
        "      engine:\n        software: nodejs\n        count: 2\n",
        "      placement:\n        count: 2\n        port: 8080\n",
        "      tls:\n        count: 2\n",
    ],
)
def test_a_service_named_like_a_mapping_setting_holding_settings_stays_a_service(
    service: str,
) -> None:
    assert check_text(SERVICES_HEAD + service).problems == []


def test_a_service_named_like_a_setting_with_a_wrong_key_is_a_service_with_a_wrong_key() -> None:
    text = SERVICES_HEAD + "      placement:\n        count: 2\n        sofware: redis\n"
    [problem] = check_text(text).problems
    assert (problem.location.line, problem.code) == (14, "unknown-key")
    assert problem.hint == "did you mean 'software'?"


def test_mapping_settings_dedented_to_the_tiers_are_misplaced_too() -> None:
    text = SERVICES_HEAD + "  placement:\n    a: 1\n    b: 1\n"
    [problem] = check_text(text).problems
    assert (problem.location.line, problem.code) == (12, "misplaced-key")
    assert problem.message == "'placement' is a service setting, but it is indented as a tier name"
    text = SERVICES_HEAD.replace("    services:\n      api:\n        count: 2\n", "") + (
        "  services:\n    api:\n      count: 2\n"
    )
    problems = check_text(text).problems
    assert [(p.location.line, p.code) for p in problems] == [
        (7, "missing-key"),
        (9, "misplaced-key"),
    ]
    assert problems[1].hint == (
        "indent it under 'app' (the tier above), like the other settings there"
    )


def test_a_scalar_overindented_after_a_tier_key_is_the_one_off() -> None:
    # `role` is where it belongs; `public` is one level too deep (not a service after `api`)
    text = SERVICES_HEAD.replace("    role: application\n", "") + (
        "    role: application\n      public: true\n"
    )
    [problem] = load_bytes(text.encode(), "t.yaml").problems
    assert (problem.location.line, problem.location.column) == (12, 7)
    assert problem.hint == "line 'public' up with 'role' (4 spaces)"


def test_a_flow_mapping_service_after_a_dedented_setting_is_a_sibling_too() -> None:
    text = SERVICES_HEAD + "    port: 9000\n      web: {count: 2}\n"
    [problem] = load_bytes(text.encode(), "t.yaml").problems
    assert (problem.location.line, problem.location.column) == (12, 5)
    assert problem.hint.startswith("indent 'port' by 8 spaces, under 'api'")
