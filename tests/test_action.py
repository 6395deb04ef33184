"""The composite GitHub Action: well formed, and its shell steps run for real against a
pull request made of real commits in a clone (base fetched from its origin)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT
from tests.diff_support import GIT_ENV, commit, git, init

ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
REFERENCE = (ROOT / "topology.yaml").read_text(encoding="utf-8")
THREE_ZONES = (ROOT / "examples" / "reference-three-zones.yaml").read_text(encoding="utf-8")


def _step(step_id: str) -> dict[str, Any]:
    return next(s for s in ACTION["runs"]["steps"] if s.get("id") == step_id)


def test_action_is_a_composite_whose_scripts_read_only_their_environment() -> None:
    assert ACTION["runs"]["using"] == "composite"
    text = (ROOT / "action.yml").read_text(encoding="utf-8")
    used = set(re.findall(r"inputs\.([a-z-]+)", text))
    assert used <= set(ACTION["inputs"]), used - set(ACTION["inputs"])
    for step in ACTION["runs"]["steps"]:
        if "run" in step:
            assert step["shell"] == "bash"
            # inputs reach scripts through env, never pasted into the script (injection)
            assert "${{" not in step["run"], step["name"]
    uses = [s["uses"] for s in ACTION["runs"]["steps"] if "uses" in s]
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)


def _run(step_id: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    return subprocess.run(
        ["bash", "-c", _step(step_id)["run"]],
        cwd=cwd,
        env={**os.environ, **GIT_ENV, **env, "PATH": path},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _outputs(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("head", "code"), [(THREE_ZONES, "0"), (REFERENCE, "0")], ids=["fix", "same"]
)
def test_the_steps_fetch_the_base_diff_and_write_summary_and_sarif(
    tmp_path: Path, head: str, code: str
) -> None:
    origin = init(tmp_path / "origin")
    base = commit(origin, {"topology.yaml": REFERENCE}, "base")
    commit(origin, {"topology.yaml": head, "README": "x\n"}, "the pull request")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth=1", f"file://{origin}", str(clone))
    shallow = subprocess.run(["git", "cat-file", "-e", base], cwd=clone, check=False)
    assert shallow.returncode != 0  # the clone lacks the base: the step must fetch it
    summary, outputs = tmp_path / "summary.md", tmp_path / "outputs"
    files = {"GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(outputs)}
    fetched = _run("fetch", {**files, "TIERED_BASE": base}, clone)
    assert fetched.returncode == 0, fetched.stderr
    assert git(clone, "cat-file", "-t", base).strip() == "commit"
    env = {
        **files,
        "TIERED_BASE": _outputs(outputs)["base"],
        "TIERED_FILE": "topology.yaml",
        "TIERED_FAIL_ON": "error",
        "TIERED_SARIF": str(tmp_path / "tiered-diff.sarif"),
    }
    done = _run("diff", env, clone)
    assert done.returncode == 0, done.stderr
    assert _outputs(outputs)["exit-code"] == code
    assert summary.read_text().startswith("### tiered diff:")
    assert (tmp_path / "tiered-diff.sarif").is_file()


@pytest.mark.slow
def test_a_change_that_introduces_findings_fails_the_verdict(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    base = commit(repo, {"topology.yaml": THREE_ZONES}, "base")
    commit(repo, {"topology.yaml": REFERENCE}, "the pull request")
    summary, outputs = tmp_path / "summary.md", tmp_path / "outputs"
    env = {
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(outputs),
        "TIERED_BASE": base,
        "TIERED_FILE": "topology.yaml",
        "TIERED_FAIL_ON": "error",
        "TIERED_SARIF": str(tmp_path / "tiered-diff.sarif"),
    }
    assert _run("diff", env, repo).returncode == 0
    assert _outputs(outputs)["exit-code"] == "1"
    assert "This change introduces 4 findings" in summary.read_text()
    verdict = _run("verdict", {"TIERED_EXIT": "1"}, repo)
    assert verdict.returncode == 1
    assert "::error::" in verdict.stdout
