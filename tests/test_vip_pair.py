"""`entry.vip` only where keepalived can move it: between an active-passive NGINX entry pair.

A VIP with no such pair would be accepted and then ignored by the plan (no entry segment),
the keepalived renderer (refused) and the diagram: validation refuses it, and TR008 only
suggests a VIP for the pair keepalived fails over.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_tiered
from tests.diagram_support import parse_dot, plan_of
from tiered.analysis import analyze
from tiered.pipeline import check
from tiered.problems import problem_id
from tiered.renderers.diagram import draw
from tiered.renderers.diagram.annotations import NONE
from tiered.rules.runner import run_rules

NO_PAIR = """\
version: 1
name: pz
provider: generic
zones: [r1, r2]
network: {cidr: 10.9.0.0/16}
entry: {vip: 10.9.255.250}
tiers:
  app:
    role: application
    services:
      pair: {software: redis, count: 2, failover: active-passive}
"""

SINGLE_NGINX = """\
version: 1
name: one
provider: generic
zones: [r1, r2]
network: {cidr: 10.9.0.0/16}
entry: {vip: 10.9.255.250}
tiers:
  web:
    role: presentation
    services:
      lb: {software: nginx, count: 2, failover: active-active, routes: [{path: /, to: app}]}
  back:
    role: application
    services:
      app: {count: 2, port: 8080}
"""


def write(tmp_path: Path, text: str, name: str = "t.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_vip_without_an_nginx_pair_is_refused_where_it_is_written(tmp_path: Path) -> None:
    path = write(tmp_path, NO_PAIR)
    result = check(str(path))
    assert result.plan is None
    (problem,) = result.problems
    assert (problem.code, problem.location.line, problem.location.column) == (
        "vip-without-pair",
        6,
        9,
    )
    assert problem_id(problem.code) == "E0414"
    assert problem.message == (
        "vip 10.9.255.250 has nothing to move it: keepalived moves a virtual IP only between "
        "an active-passive NGINX pair, and the entry tier 'app' has none"
    )
    assert problem.hint == (
        "add a tier in front of 'app' with an NGINX pair (`software: nginx`, `count: 2`, "
        "`failover: active-passive`) routing to it, or remove `vip`"
    )


def test_an_nginx_entry_that_is_no_pair_is_told_to_become_one(tmp_path: Path) -> None:
    result = check(str(write(tmp_path, SINGLE_NGINX)))
    assert [p.code for p in result.problems] == ["vip-without-pair"]
    assert result.problems[0].hint == (
        "make lb an active-passive pair (`count: 2`, `failover: active-passive`), or remove `vip`"
    )
    fixed = SINGLE_NGINX.replace("failover: active-active", "failover: active-passive")
    after = check(str(write(tmp_path, fixed, "fixed.yaml")))
    assert after.plan is not None and after.plan.entry_segment is not None


@pytest.mark.parametrize("command", [["validate"], ["plan"], ["render", "keepalived"], ["diagram"]])
def test_every_command_refuses_the_same_way(command: list[str], tmp_path: Path) -> None:
    path = write(tmp_path, NO_PAIR)
    out = tmp_path / "out"
    extra = {"render": ["--out", str(out)], "diagram": ["--output", str(out / "d.svg")]}.get(
        command[0], []
    )
    result = run_tiered(*command, str(path), *extra, cwd=tmp_path)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stderr.startswith(f"{path}:6:9: vip 10.9.255.250 has nothing to move it")
    assert "Traceback" not in result.stderr and not out.exists()


def test_tr008_on_a_pair_keepalived_cannot_move_suggests_what_works(tmp_path: Path) -> None:
    result = check(str(write(tmp_path, NO_PAIR.replace("entry: {vip: 10.9.255.250}\n", ""))))
    assert result.plan is not None
    (finding,) = [f for f in run_rules(analyze(result.plan, result.source)) if f.rule == "TR008"]
    assert finding.service == "pair"
    assert finding.message == (
        "active-passive entry service with nothing to move clients (keepalived fails over only "
        "an NGINX pair): clients stay on a failed node"
    )
    assert "vip" not in finding.fix.split(";")[0].split("and add")[0]
    assert finding.fix == (
        "put an NGINX pair (`software: nginx`, `count: 2`, `failover: active-passive`) in a "
        "tier in front of pair, routing to it, and add `entry: {vip: ADDRESS}`; or accept "
        "TR008 with the reason if something outside tiered moves clients to the passive pair"
    )


def test_tr008_on_the_nginx_pair_suggests_the_vip(tmp_path: Path) -> None:
    text = SINGLE_NGINX.replace("failover: active-active", "failover: active-passive")
    result = check(str(write(tmp_path, text.replace("entry: {vip: 10.9.255.250}\n", ""))))
    assert result.plan is not None
    (finding,) = [f for f in run_rules(analyze(result.plan, result.source)) if f.rule == "TR008"]
    assert finding.service == "lb"
    assert finding.fix.startswith("add `entry: {vip: ADDRESS}`")


WITH_ANOTHER_ENTRY = """\
version: 1
name: t
provider: generic
zones: [a, b]
network: {cidr: 192.168.0.0/16}
entry: {vip: 192.168.255.10}
tiers:
  web:
    role: presentation
    services:
      nginx: {software: nginx, count: 2, failover: active-passive}
      mq: {software: redis, count: 2, failover: active-passive}
"""


def test_the_diagram_draws_the_vip_to_the_nginx_pair_only(tmp_path: Path) -> None:
    graph = parse_dot(str(draw(plan_of(write(tmp_path, WITH_ANOTHER_ENTRY)), NONE, "dot")))
    drawn = [(t, h, a) for t, h, a in graph.edges if a.get("style") != "invis"]
    labels = {h: a.get("label", "") for t, h, a in drawn if t == "vip"}
    assert labels == {"i_nginx_1": "master", "i_nginx_2": "backup"}
    direct = {h for t, h, _ in drawn if t == "users"}
    assert {"i_mq_1", "i_mq_2"} <= direct and "i_nginx_1" not in direct
