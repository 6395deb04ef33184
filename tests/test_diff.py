"""`tiered diff` as a pull-request gate: real git repositories, real commits, the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from markdown_it import MarkdownIt

from tests.conftest import ROOT, run_tiered
from tests.diff_support import commit, init

REFERENCE = (ROOT / "topology.yaml").read_text(encoding="utf-8")
THREE_ZONES = (ROOT / "examples" / "reference-three-zones.yaml").read_text(encoding="utf-8")
SARIF_SCHEMA = json.loads((ROOT / "tests" / "schemas" / "sarif-2.1.0-rtm.5.json").read_text())
CASCADE = {("TR003", "zookeeper"), ("TR006", "integrate"), ("TR006", "solr"), ("TR006", "nginx")}


@pytest.fixture(scope="module")
def fix_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """main: the reference; then a commit that moves it to three zones (the fix)."""
    repo = init(tmp_path_factory.mktemp("fix") / "repo")
    commit(repo, {"topology.yaml": REFERENCE}, "the reference")
    commit(repo, {"topology.yaml": THREE_ZONES}, "three zones")
    return repo


def _json(*args: str, cwd: Path) -> tuple[int, dict[str, Any]]:
    done = run_tiered("diff", *args, "--format", "json", cwd=cwd)
    assert "Traceback" not in done.stderr
    return done.returncode, json.loads(done.stdout)


def _states(data: dict[str, Any], state: str) -> set[tuple[str, str]]:
    return {(c["rule"], c["service"]) for c in data["findings"]["changes"] if c["state"] == state}


def test_the_three_zone_fix_fixes_tr003_and_its_cascade_and_raises_tolerance(
    fix_repo: Path,
) -> None:
    code, data = _json("HEAD~1", "HEAD", cwd=fix_repo)
    assert code == 0
    assert _states(data, "fixed") == CASCADE
    assert _states(data, "new") == set()
    tolerance = data["fault_tolerance"]["without_managed_outages"]
    assert (tolerance["before"], tolerance["after"]) == (1, 2)
    assert data["availability"]["after"] > data["availability"]["before"]
    assert data["downtime_minutes_per_year"]["after"] < data["downtime_minutes_per_year"]["before"]
    losses = {z["zone"]: (z["survived_before"], z["survived_after"]) for z in data["zone_losses"]}
    assert losses["us-east-1b"] == (False, True)
    assert data["base"]["label"] == "HEAD~1:topology.yaml"
    fixed = next(c for c in data["findings"]["changes"] if c["rule"] == "TR003")
    assert fixed["file"] == "HEAD~1:topology.yaml"


def test_the_reverse_introduces_them_and_fails(fix_repo: Path) -> None:
    code, data = _json("HEAD", "HEAD~1", cwd=fix_repo)
    assert code == 1
    assert _states(data, "new") == CASCADE
    assert _states(data, "fixed") == set()
    tolerance = data["fault_tolerance"]["without_managed_outages"]
    assert (tolerance["before"], tolerance["after"]) == (2, 1)
    text = run_tiered("diff", "HEAD", "HEAD~1", cwd=fix_repo)
    assert text.returncode == 1
    assert "This change introduces 4 findings" in text.stdout
    assert "losing us-east-1b: survived → system down" in text.stdout
    never = run_tiered("diff", "HEAD", "HEAD~1", "--fail-on", "never", cwd=fix_repo)
    assert never.returncode == 0


def test_default_head_is_the_working_tree_file_and_rev_path_works(fix_repo: Path) -> None:
    code, bare = _json("HEAD~1", cwd=fix_repo)  # the working tree holds the three zones
    assert code == 0
    assert bare["head"]["label"] == "topology.yaml"
    assert _states(bare, "fixed") == CASCADE
    code, explicit = _json("HEAD~1:topology.yaml", "topology.yaml", cwd=fix_repo)
    assert code == 0
    assert explicit["findings"] == bare["findings"]


def test_pre_existing_findings_do_not_fail_a_change(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    commit(repo, {"topology.yaml": REFERENCE}, "the reference")
    bigger = REFERENCE.replace("count: 2                 # round-robin", "count: 4  # more")
    assert bigger != REFERENCE
    commit(repo, {"topology.yaml": bigger}, "four proxies")
    code, data = _json("HEAD~1", "HEAD", cwd=repo)
    assert code == 0  # the 4 errors were there before: unchanged, not new
    assert data["findings"]["unchanged"] == 6  # 4 errors, 2 TR011 warnings
    assert data["findings"]["new"] == 0
    assert [i["name"] for i in data["plan"]["instances"]["added"]] == ["nginx-3", "nginx-4"]


def _reordered(value: Any, path: tuple[str, ...] = ()) -> Any:
    """The same topology with every mapping's keys reversed, except where order means
    something: tiers, services, zones and placement keep theirs."""
    if isinstance(value, dict):
        keep = path in {("tiers",)} or path[-1:] in {("services",), ("placement",)}
        keys = list(value) if keep else list(reversed(value))
        return {k: _reordered(value[k], (*path, str(k))) for k in keys}
    if isinstance(value, list):
        return [_reordered(v, path) for v in value]
    return value


def test_reordering_keys_and_reformatting_changes_nothing(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    commit(repo, {"topology.yaml": REFERENCE}, "the reference")
    data = yaml.safe_load(REFERENCE)
    reformatted = "# reformatted\n\n" + yaml.safe_dump(
        _reordered(data), sort_keys=False, indent=4, default_flow_style=True, width=60
    )
    commit(repo, {"topology.yaml": reformatted}, "reorder keys, reformat")
    code, result = _json("HEAD~1", "HEAD", cwd=repo)
    assert code == 0
    assert result["empty"] is True
    assert result["findings"]["unchanged"] == 6  # 4 errors, 2 TR011 warnings
    moved = [c for c in result["findings"]["changes"] if "before" in c]
    assert moved, "the findings' lines moved, yet they matched"
    assert result["plan"]["instances"] == {"added": [], "removed": [], "moved": []}
    assert result["cloudformation"]["compared"] is True
    assert result["cloudformation"]["replaced"] == [] == result["cloudformation"]["modified"]
    text = run_tiered("diff", "HEAD~1", "HEAD", cwd=repo)
    assert text.returncode == 0
    assert text.stdout.splitlines()[1] == (
        "No change to findings, resilience, placement or the CloudFormation stack."
    )


def test_an_invalid_side_is_named_and_exits_2(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    commit(repo, {"topology.yaml": REFERENCE}, "the reference")
    commit(repo, {"topology.yaml": REFERENCE.replace("count: 3", "count: three", 1)}, "broken")
    done = run_tiered("diff", "HEAD~1", "HEAD", cwd=repo)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "head (HEAD:topology.yaml) is invalid" in done.stderr
    assert "HEAD:topology.yaml:" in done.stderr and "count" in done.stderr
    assert "base (" not in done.stderr  # the valid side is not blamed
    assert "Traceback" not in done.stderr
    reverse = run_tiered("diff", "HEAD", "HEAD~1", cwd=repo)
    assert reverse.returncode == 2
    assert "base (HEAD:topology.yaml) is invalid" in reverse.stderr
    unknown = run_tiered("diff", "no-such-branch", cwd=repo)
    assert unknown.returncode == 2
    assert "base 'no-such-branch' is neither a file nor a git revision" in unknown.stderr
    missing = run_tiered("diff", "HEAD~1:nothing.yaml", cwd=repo)
    assert missing.returncode == 2
    assert "nothing.yaml does not exist at revision HEAD~1" in missing.stderr


def test_sarif_marks_new_unchanged_and_absent_and_validates(fix_repo: Path) -> None:
    done = run_tiered("diff", "HEAD~1", "HEAD", "--format", "sarif", cwd=fix_repo)
    assert done.returncode == 0, done.stderr
    log = json.loads(done.stdout)
    jsonschema.validate(log, SARIF_SCHEMA)
    results = log["runs"][0]["results"]
    assert {(r["ruleId"], r["baselineState"]) for r in results} == {
        (rule, "absent") for rule, _ in CASCADE
    } | {("TR011", "unchanged")}  # the managed services' warnings stay
    for result in results:  # located in the head file, at the service where it still is
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "topology.yaml"
        assert location["region"]["startLine"] > 1
    reverse = json.loads(
        run_tiered("diff", "HEAD", "HEAD~1", "--format", "sarif", cwd=fix_repo).stdout
    )
    jsonschema.validate(reverse, SARIF_SCHEMA)
    assert {r["baselineState"] for r in reverse["runs"][0]["results"]} == {"new", "unchanged"}


def test_markdown_parses_summary_first_details_collapsed(fix_repo: Path, tmp_path: Path) -> None:
    done = run_tiered(
        "diff",
        "HEAD~1",
        "HEAD",
        "--format",
        "markdown",
        "-o",
        str(tmp_path / "c.md"),
        cwd=fix_repo,
    )
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "c.md").read_text(encoding="utf-8")
    tokens = MarkdownIt("commonmark").parse(text)
    kinds = [t.type for t in tokens]
    assert kinds[0] == "heading_open"
    first_details = next(i for i, t in enumerate(tokens) if "<details>" in t.content)
    first_list = kinds.index("bullet_list_open")
    assert first_list < first_details  # the summary comes before every collapsed block
    summaries = [t.content for t in tokens if "<summary>" in t.content]
    assert any("Findings (4)" in s for s in summaries)
    assert any("CloudFormation" in s for s in summaries)
    html = MarkdownIt("commonmark").render(text)
    assert "this replaces 12 instances" in html
    assert html.count("<details>") == html.count("</details>") >= 5


def test_help_has_examples() -> None:
    done = run_tiered("diff", "--help")
    assert done.returncode == 0
    assert "Example" in done.stdout and "tiered diff origin/main" in done.stdout


def test_a_missing_working_tree_file_is_named(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    commit(repo, {"topology.yaml": REFERENCE}, "the reference")
    (repo / "topology.yaml").unlink()
    done = run_tiered("diff", "HEAD", cwd=repo)
    assert done.returncode == 2
    assert "head (topology.yaml) is invalid" in done.stderr
    assert "topology.yaml:1:1: no such file: topology.yaml (head)" in done.stderr
    assert "Traceback" not in done.stderr


CORPUS = sorted((ROOT / "tests" / "corpus").glob("*.yaml"))


@pytest.mark.slow
def test_every_hostile_file_is_refused_on_either_side_with_its_side_named() -> None:
    from tiered.changes import InvalidSides, load_sides

    assert len(CORPUS) > 50
    for path in CORPUS:
        for base, head, side in ((path, "topology.yaml", "base"), ("topology.yaml", path, "head")):
            with pytest.raises(InvalidSides) as raised:
                load_sides(str(base), str(head), cwd=ROOT)
            [error] = raised.value.errors
            assert error.side == side and error.problems, path.name
            assert all(p.location.file == str(path) for p in error.problems), path.name


@pytest.mark.parametrize("name", ["dependency-cycle", "unsafe-python-apply", "encoding-latin1"])
def test_the_command_refuses_a_broken_side_and_writes_nothing(name: str, tmp_path: Path) -> None:
    path = ROOT / "tests" / "corpus" / f"{name}.yaml"
    out = tmp_path / "out" / "diff.md"
    done = run_tiered(
        "diff",
        str(path),
        str(ROOT / "topology.yaml"),
        "--format",
        "markdown",
        "-o",
        str(out),
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert done.stderr.startswith(f"base ({path}) is invalid:\n{path}:")
    assert "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []
