"""A mis-indented key is reported on its own line, with the indentation to use; a service
setting dedented to the level of the services (or the tier) is called what it is."""

from __future__ import annotations

from tiered.loading.indentation import misindented_key
from tiered.loading.loader import load_bytes
from tiered.validation.validator import Validated, validate

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
    assert tier_level.hint.startswith("'failover' is a service setting: indent it under a service")


def test_a_service_named_like_a_setting_is_still_a_service() -> None:
    text = SETTING_AS_SERVICE.replace("      depends_on: [cache]\n", "").replace(
        "    failover: active-active\n", ""
    )
    text = text.replace(
        "      cache: {", "      engine: {software: nodejs, count: 2}\n      cache: {"
    )
    assert check_text(text).problems == []


def check_text(text: str) -> Validated:
    return validate(load_bytes(text.encode(), "t.yaml"))


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
