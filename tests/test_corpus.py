"""The hostile-input corpus: every broken file is refused with a located problem.

Each file under tests/corpus/ starts with `# expect: CODE LINE:COL`. The in-process check
asserts the located problem; the subprocess check asserts what a user sees: exit code 2,
a `file:line:col:` first line, no traceback, and nothing written.
"""

from __future__ import annotations

import json
import re
import tracemalloc
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_tiered
from tiered.loading.loader import MAX_FILE_BYTES, MAX_SCALAR_CHARS, load_bytes
from tiered.pipeline import check, check_loaded

CORPUS = sorted((ROOT / "tests" / "corpus").glob("*.yaml"))
HEADER = re.compile(rb"^# expect: ([a-z0-9-]+) (\d+):(\d+)\n")


def expectation(path: Path) -> tuple[str, int, int]:
    match = HEADER.match(path.read_bytes())
    assert match, f"{path.name} lacks its '# expect: CODE LINE:COL' header"
    return match[1].decode(), int(match[2]), int(match[3])


def test_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 40


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_problem_is_located(path: Path) -> None:
    code, line, column = expectation(path)
    result = check(str(path))
    assert result.plan is None
    found = {(p.code, p.location.line, p.location.column) for p in result.problems}
    assert (code, line, column) in found, [str(p) for p in result.problems]
    for problem in result.problems:
        assert problem.location.file == str(path)
        assert problem.message and problem.hint, problem


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_command_line_refuses_without_traceback_or_output(path: Path, tmp_path: Path) -> None:
    _, line, column = expectation(path)
    out = tmp_path / "out"
    result = run_tiered("render", "all", str(path), "--out", str(out), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # nothing else either (e.g. no 'pwned' file)
    assert f"{path}:{line}:{column}: " in result.stderr
    assert result.stderr.splitlines()[0].startswith(f"{path}:")


def test_validate_json_lists_problems_with_locations(tmp_path: Path) -> None:
    path = ROOT / "tests" / "corpus" / "failover-typo.yaml"
    result = run_tiered("validate", str(path), "--format", "json")
    assert result.returncode == 2
    payload = json.loads(result.stdout)
    assert payload["valid"] is False
    problem = payload["problems"][0]
    assert set(problem) >= {"file", "line", "column", "code", "message", "hint"}
    assert problem["code"] == "bad-value"
    assert problem["hint"] == "did you mean 'active-passive'?"


def test_all_problems_of_a_file_in_one_run() -> None:
    text = (ROOT / "topology.yaml").read_text()
    text = text.replace("count: 3                 # a quorum", "count: three  # a quorum", 1)
    text = text.replace("depends_on: [zookeeper, files]", "depends_on: [zookeper, files]")
    text = text.replace("region: us-east-1 ", "region: us-east-9 ")
    text = text.replace("to: integrate ", "to: integrat ")
    result = check_loaded(load_bytes(text.encode(), "t.yaml"))
    codes = sorted(p.code for p in result.problems)
    assert codes == ["unknown-region", "unknown-service", "unknown-service", "wrong-type"]


def test_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    result = check(str(path))
    assert [p.code for p in result.problems] == ["file-too-large"]


def test_overlong_string_is_refused() -> None:
    text = f"version: 1\nname: x\ndescription: {'a' * (MAX_SCALAR_CHARS + 1)}\n"
    result = check_loaded(load_bytes(text.encode(), "long.yaml"))
    assert [(p.code, p.location.line, p.location.column) for p in result.problems] == [
        ("string-too-long", 3, 14)
    ]


def test_empty_file_and_missing_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_bytes(b"")
    assert [p.code for p in check(str(empty)).problems] == ["empty-file"]
    assert [p.code for p in check(str(tmp_path / "nope.yaml")).problems] == ["file-not-found"]
    assert [p.code for p in check(str(tmp_path)).problems] == ["file-unreadable"]


def test_alias_bomb_is_refused_without_expanding() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    lines += [
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]" for i in range(12)
    ]
    tracemalloc.start()
    try:
        result = check_loaded(load_bytes("\n".join(lines).encode(), "bomb.yaml"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [p.code for p in result.problems] == ["alias-bomb"]
    assert peak < 64 * 1024 * 1024  # 10**13 nodes were never built


def test_anchors_and_merge_keys_work() -> None:
    zookeeper_before = (
        "      zookeeper:\n        software: zookeeper\n        instance_type: t2.micro\n"
    )
    zookeeper_after = "      zookeeper:\n        <<: *small\n        software: zookeeper\n"
    text = (ROOT / "topology.yaml").read_text().replace(zookeeper_before, zookeeper_after)
    text = "x-small: &small {instance_type: t3.nano, port: 9}\n" + text
    result = check_loaded(load_bytes(text.encode(), "merge.yaml"))
    assert result.problems == []
    assert result.plan is not None
    zookeeper = result.plan.services["zookeeper"]
    assert zookeeper.instance_type == "t3.nano"
    assert zookeeper.port == 2181  # explicit keys win over merged ones


COMMANDS_READING_A_TOPOLOGY = [
    ["validate"],
    ["validate", "--format", "sarif"],
    ["plan", "--format", "json"],
    ["report", "--format", "html", "--output", "{out}/report.html"],
    ["whatif", "--fail", "us-east-1a"],
    ["diagram", "-o", "{out}/architecture.svg"],
    ["render", "all", "--out", "{out}"],
]


@pytest.mark.parametrize("command", COMMANDS_READING_A_TOPOLOGY, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize("name", ["dependency-cycle", "unsafe-python-apply", "encoding-latin1"])
def test_every_command_refuses_a_broken_file_the_same_way(
    command: list[str], name: str, tmp_path: Path
) -> None:
    path = ROOT / "tests" / "corpus" / f"{name}.yaml"
    out = tmp_path / "out"
    args = [part.replace("{out}", str(out)) for part in command]
    args.insert(2 if args[0] == "render" else 1, str(path))
    result = run_tiered(*args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"{path}:")
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("size", ["vm-small", "Large", "std.2cpu-4gb", "m5.large"])
def test_generic_accepts_any_safe_size_name(size: str, tmp_path: Path) -> None:
    path = tmp_path / "onprem.yaml"
    path.write_text(
        "version: 1\nname: t\nprovider: generic\nzones: [a, b]\nnetwork: {cidr: 10.0.0.0/16}\n"
        "tiers:\n  web:\n    role: presentation\n    services:\n"
        f"      lb: {{count: 2, failover: active-active, instance_type: {size}}}\n",
        encoding="utf-8",
    )
    result = check(str(path))
    assert result.plan is not None, [str(p) for p in result.problems]
    assert result.plan.services["lb"].instance_type == size
