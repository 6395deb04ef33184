"""The pre-commit hooks as pre-commit runs them: the hook's ``entry`` with its ``args``,
given the staged files its ``files`` pattern selects, in a repository that also holds
YAML that is not a tiered topology (a Kubernetes manifest, a GitHub workflow, a
CloudFormation template). pre-commit itself is not installed here; its selection is
re.search of ``files`` (and not of ``exclude``) on each staged path."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import ROOT
from tests.diff_support import commit, git, init

HOOKS = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
REFERENCE = (ROOT / "topology.yaml").read_text(encoding="utf-8")  # two zones: 4 errors
THREE_ZONES = (ROOT / "examples" / "reference-three-zones.yaml").read_text(encoding="utf-8")
CFN = ROOT / "tests" / "fixtures" / "cfn-samples" / "EC2InstanceWithSecurityGroupSample.yaml"

K8S = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  template:
    metadata:
      labels: {tier: web, tiers: frontend}
"""
WORKFLOW = """name: ci
on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: make test
"""
NOT_TOPOLOGIES = {
    "deploy/web.yaml": K8S,
    ".github/workflows/ci.yml": WORKFLOW,
    "cloudformation/stack.yaml": CFN.read_text(encoding="utf-8"),
}


def run_hook(hook_id: str, repo: Path) -> subprocess.CompletedProcess[str]:
    """Stage everything, select the staged files as pre-commit would, run the entry."""
    hook: dict[str, Any] = HOOKS[hook_id]
    git(repo, "add", "-A")
    staged = git(repo, "diff", "--cached", "--name-only").split()
    chosen = [
        path
        for path in staged
        if re.search(hook.get("files", ""), path) and not re.search(hook.get("exclude", "^$"), path)
    ]
    words = shlex.split(hook["entry"])
    assert words[0] == "tiered"
    command = [str(Path(sys.executable).with_name("tiered")), *words[1:], *hook.get("args", [])]
    if hook.get("pass_filenames", True):
        command += chosen
    return subprocess.run(command, cwd=repo, capture_output=True, text=True, check=False)


def test_both_hooks_are_given_every_yaml_file_whatever_its_name() -> None:
    for hook in HOOKS.values():
        assert hook.get("pass_filenames", True), hook["id"]
        for path in ("prod.yaml", "topologies/eu.yml", "topology.yaml", "deploy/web.yaml"):
            assert re.search(hook["files"], path), (hook["id"], path)
        assert not re.search(hook["files"], "README.md")


def test_validate_hook_fails_only_for_a_topology_with_an_error(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    commit(repo, {"README.md": "a repository\n"}, "start")
    for path, text in NOT_TOPOLOGIES.items():
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(text, encoding="utf-8")
    quiet = run_hook("tiered-validate", repo)
    assert quiet.returncode == 0, quiet.stdout + quiet.stderr
    assert quiet.stdout == ""
    assert quiet.stderr.splitlines() == [
        "skipped 3 files that are not tiered topologies (no top-level `tiers`): "
        ".github/workflows/ci.yml, cloudformation/stack.yaml, deploy/web.yaml"
    ]
    broken = THREE_ZONES.replace("cidr: 10.0.0.0/16", "cidr: 10.0.0.0/33")
    assert broken != THREE_ZONES
    (repo / "prod.yaml").write_text(broken, encoding="utf-8")
    (repo / "topologies").mkdir()
    (repo / "topologies" / "eu.yml").write_text(THREE_ZONES, encoding="utf-8")
    failed = run_hook("tiered-validate", repo)
    assert failed.returncode == 2
    problems = [line for line in failed.stderr.splitlines() if not line.startswith("skipped ")]
    assert problems and all(line.startswith("prod.yaml:") or "problem" in line for line in problems)
    assert "topologies/eu.yml: valid" in failed.stdout
    assert "deploy/web.yaml" not in failed.stdout and "ci.yml:" not in failed.stderr


def test_validate_hook_fails_on_a_topology_whose_findings_are_errors(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    (repo / "prod.yaml").write_text(REFERENCE, encoding="utf-8")
    (repo / "ci.yml").write_text(WORKFLOW, encoding="utf-8")
    done = run_hook("tiered-validate", repo)
    assert done.returncode == 1
    assert "prod.yaml:52:7: TR003 zookeeper" in done.stdout


def test_a_cloudformation_template_named_explicitly_is_still_validated() -> None:
    tiered = str(Path(sys.executable).with_name("tiered"))
    named = subprocess.run(
        [tiered, "validate", str(CFN)], capture_output=True, text=True, check=False
    )
    assert named.returncode == 1 and f"{CFN}: valid — " in named.stdout  # its findings
    skipped = subprocess.run(
        [tiered, "validate", "--only-topologies", str(CFN)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert skipped.returncode == 0 and skipped.stdout == ""
    assert "skipped 1 file that is not a tiered topology" in skipped.stderr


def test_a_topology_is_recognised_by_its_top_level_tiers(tmp_path: Path) -> None:
    from tiered.cli.topology_files import is_topology

    cases = {
        "block.yaml": "version: 1\ntiers:\n  web: {}\n",
        "quoted.yaml": '"tiers":\n  web: {}\n',
        "flow.yaml": "{version: 1, name: t, tiers: {web: {}}}\n",
        "broken.yaml": "version: 1\nname: [unclosed\ntiers:\n  web: {}\n",
        "nested.yaml": "spec:\n  tiers: 3\n",
        "k8s.yaml": K8S,
        "multi.yaml": K8S + "---\n" + K8S,
    }
    for name, text in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    found = {name for name in cases if is_topology(tmp_path / name)}
    assert found == {"block.yaml", "quoted.yaml", "flow.yaml", "broken.yaml"}
    assert is_topology(tmp_path / "missing.yaml")  # validation reports it


def test_diff_hook_fails_only_a_topology_the_commit_makes_worse(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    commit(repo, {"prod.yaml": THREE_ZONES, **NOT_TOPOLOGIES}, "three zones")
    (repo / "deploy" / "web.yaml").write_text(K8S.replace("replicas: 2", "replicas: 1"))
    (repo / ".github" / "workflows" / "ci.yml").write_text(WORKFLOW + "# changed\n")
    others = run_hook("tiered-diff", repo)
    assert others.returncode == 0, others.stderr
    assert others.stderr.startswith("skipped 2 files that are not tiered topologies")
    (repo / "prod.yaml").write_text(REFERENCE, encoding="utf-8")
    worse = run_hook("tiered-diff", repo)
    assert worse.returncode == 1, worse.stderr
    assert worse.stdout.startswith("tiered diff: HEAD:prod.yaml → prod.yaml\n")
    assert "This change introduces 4 findings" in worse.stdout
    commit(repo, {"prod.yaml": REFERENCE}, "two zones, findings and all")
    kept = REFERENCE.replace("name: toro-integrate-ha ", "name: toro-integrate-2 ")
    assert kept != REFERENCE
    (repo / "prod.yaml").write_text(kept, encoding="utf-8")
    unchanged = run_hook("tiered-diff", repo)
    assert unchanged.returncode == 0, unchanged.stdout  # the findings were in HEAD already


def test_diff_hook_judges_a_topology_the_commit_adds_by_all_its_findings(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    commit(repo, {"README.md": "a repository\n"}, "start")
    (repo / "topologies").mkdir()
    (repo / "topologies" / "eu.yml").write_text(THREE_ZONES, encoding="utf-8")
    clean = run_hook("tiered-diff", repo)
    assert clean.returncode == 0, clean.stderr
    assert "topologies/eu.yml is new since HEAD: every finding is new" in clean.stderr
    (repo / "topologies" / "us.yaml").write_text(REFERENCE, encoding="utf-8")
    flawed = run_hook("tiered-diff", repo)
    assert flawed.returncode == 1
    assert "topologies/us.yaml:52:7: TR003 zookeeper" in flawed.stderr


def test_diff_files_in_json_is_a_list_with_one_object_a_file(tmp_path: Path) -> None:
    import json

    repo = init(tmp_path / "repo")
    commit(repo, {"prod.yaml": THREE_ZONES, "eu.yml": THREE_ZONES}, "three zones")
    (repo / "prod.yaml").write_text(REFERENCE, encoding="utf-8")
    tiered = str(Path(sys.executable).with_name("tiered"))
    command = [tiered, "diff", "HEAD", "--files", "prod.yaml", "eu.yml", "--format", "json"]
    done = subprocess.run(command, cwd=repo, capture_output=True, text=True, check=False)
    assert done.returncode == 1, done.stderr
    diffs = json.loads(done.stdout)
    assert [d["head"]["path"] for d in diffs] == ["prod.yaml", "eu.yml"]
    one_head = subprocess.run(
        [tiered, "diff", "HEAD", "prod.yaml", "eu.yml"], cwd=repo, capture_output=True, text=True
    )
    assert one_head.returncode == 2 and "add --files" in one_head.stderr
