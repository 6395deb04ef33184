"""One run reports every problem, each blamed on what the user got wrong."""

from __future__ import annotations

from tiered.loading.loader import load_bytes
from tiered.pipeline import check_loaded

HEAD = """version: 1
name: t
region: us-east-1
zones: [us-east-1a, us-east-1b]
network: {cidr: 10.0.0.0/16}
tiers:
  web:
    role: presentation
    services:
      lb:
        software: nginx
        count: 2
"""


def _problems(text: str) -> list[tuple[int, str, str]]:
    result = check_loaded(load_bytes(text.encode(), "t.yaml"))
    return [(p.location.line or 0, p.code, f"{p.message} — {p.hint}") for p in result.problems]


def test_a_bad_health_check_path_does_not_hide_its_timing_problem() -> None:
    text = HEAD + '        health_check: {path: "bad path", interval: 5, timeout: 10}\n'
    found = _problems(text)
    assert [code for _, code, _ in found] == ["bad-format", "bad-health-check"]
    assert "timeout 10s is longer than its interval 5s" in found[1][2]


def test_a_bad_certificate_path_does_not_hide_an_unknown_dependency() -> None:
    text = HEAD + '        tls: {certificate: "a b"}\n        depends_on: [nowhere]\n'
    codes = [code for _, code, _ in _problems(text)]
    assert "unknown-service" in codes and len(codes) == 2


def test_settings_dedented_under_an_empty_service_are_blamed_on_it() -> None:
    text = HEAD + "        routes: [{path: /, to: api}]\n      api:\n      software: tomcat\n"
    text += "      count: 2\n"
    found = _problems(text)
    misplaced = [message for _, code, message in found if code == "misplaced-key"]
    assert len(misplaced) == 2
    assert all("indent it under 'api' (the empty service above)" in m for m in misplaced)
    assert not any("'lb'" in message for _, _, message in found)
