"""`tiered init` and the examples shipped with the package; hints a pip user can follow."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import ROOT, run_tiered
from tests.test_cli import COMMANDS
from tests.wheel_support import installed
from tiered.cli.main import app
from tiered.pipeline import check
from tiered.starters import DEFAULT, example_text, examples, summary

RUNNER = CliRunner()


def test_every_shipped_example_is_the_repository_file() -> None:
    found = examples()
    assert set(found) == {p.stem for p in (ROOT / "examples").glob("*.yaml")} | {"topology"}
    assert DEFAULT in found


@pytest.mark.parametrize("name", sorted(examples()))
def test_init_writes_a_valid_commented_example(name: str, tmp_path: Path) -> None:
    target = tmp_path / "start.yaml"
    done = RUNNER.invoke(app, ["init", str(target), "--example", name])
    assert done.exit_code == 0, done.output
    text = target.read_text(encoding="utf-8")
    assert text.startswith("#")  # it explains itself
    assert check(str(target)).plan is not None


def test_init_defaults_to_topology_yaml_and_never_overwrites(tmp_path: Path) -> None:
    first = run_tiered("init", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "wrote topology.yaml (example topology)" in first.stdout
    target = tmp_path / "topology.yaml"
    target.write_text("mine\n", encoding="utf-8")
    again = run_tiered("init", cwd=tmp_path)
    assert again.returncode == 2 and "--force" in again.stderr
    assert target.read_text(encoding="utf-8") == "mine\n"
    forced = run_tiered("init", "--force", cwd=tmp_path)
    assert forced.returncode == 0 and target.read_text(encoding="utf-8").startswith("#")


def test_unknown_example_is_a_usage_error_with_a_hint(tmp_path: Path) -> None:
    done = RUNNER.invoke(app, ["init", str(tmp_path / "x.yaml"), "-e", "onprem"])
    assert done.exit_code == 2
    assert "did you mean 'onprem-generic'?" in done.output
    assert not (tmp_path / "x.yaml").exists()


@pytest.mark.parametrize("command", COMMANDS)
def test_help_points_at_no_file_a_pip_user_lacks(command: str) -> None:
    done = RUNNER.invoke(app, [command, "--help"])
    assert "examples/" not in done.output


def test_hints_use_the_users_own_zone_names() -> None:
    path = str(ROOT / "examples" / "single-zone-webapp.yaml")
    nothing = RUNNER.invoke(app, ["whatif", path])
    assert nothing.exit_code == 2 and "--fail eu-west-1a" in nothing.output
    unknown = RUNNER.invoke(app, ["whatif", path, "--fail", "nowhere"])
    assert unknown.exit_code == 2 and "us-east" not in unknown.output


def _comments(name: str) -> list[str]:
    return [
        line.split("#", 1)[1]
        for line in example_text(name).splitlines()
        if "#" in line and not line.lstrip().startswith("<<")
    ]


@pytest.mark.parametrize("name", sorted(examples()))
def test_example_comments_point_at_no_repository_file(name: str) -> None:
    text = "\n".join(_comments(name))
    for stale in ("examples/", "README", "schema.json", ".yaml", "the broken file"):
        assert stale not in text, (name, stale)


@pytest.mark.parametrize("name", sorted(examples()))
def test_every_example_opens_with_a_complete_one_line_summary(name: str) -> None:
    first, second = example_text(name).splitlines()[:2]
    assert first == f"# {summary(name)}" and second == "#"
    assert summary(name).endswith(".") and summary(name)[0].isupper()


def test_init_list_shows_each_summary_whole_within_80_columns() -> None:
    done = RUNNER.invoke(app, ["init", "--list"])
    assert done.exit_code == 0
    lines = done.output.splitlines()
    assert [line.split()[0] for line in lines] == sorted(examples())
    for line, name in zip(lines, sorted(examples()), strict=True):
        assert line.endswith(summary(name)) and len(line) <= 80, line


@pytest.mark.parametrize("name", sorted(examples()))
def test_the_commands_an_example_quotes_work_where_init_wrote_it(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every `tiered ...` its comments quote runs on it, written as the default file
    into an empty folder (init: into a second file, as the comment means)."""
    monkeypatch.chdir(tmp_path)
    assert RUNNER.invoke(app, ["init", "--example", name]).exit_code == 0
    quoted = re.findall(r"`(tiered [^`]+)`", " ".join(_comments(name)))
    for command in quoted:
        args = shlex.split(command)[1:]
        if args[0] == "init":
            args.append("other.yaml")
        done = RUNNER.invoke(app, args)
        assert done.exit_code in (0, 1), (command, done.output)
        (tmp_path / "other.yaml").unlink(missing_ok=True)


@pytest.mark.slow
def test_a_pip_user_starts_from_any_example_in_an_empty_folder(tmp_path: Path) -> None:
    """The wheel installed outside the source tree: init --list, then every example written
    under another name, validated, and its quoted commands run as its comments say."""
    tiered, work, _ = installed(tmp_path)
    listed = tiered("init", "--list")
    assert listed.returncode == 0, listed.stderr
    names = [line.split()[0] for line in listed.stdout.splitlines()]
    assert names == sorted(examples())
    for name in names:
        written = tiered("init", "--example", name, f"{name}-start.yaml")
        assert written.returncode == 0, written.stderr
        text = (work / f"{name}-start.yaml").read_text(encoding="utf-8")
        assert text == example_text(name)
        assert tiered("validate", f"{name}-start.yaml").returncode in (0, 1)
    assert tiered("init").returncode == 0  # the default, then what its comments quote
    assert (work / "topology.yaml").read_text(encoding="utf-8") == example_text(DEFAULT)
    for command in re.findall(r"`(tiered [^`]+)`", " ".join(_comments(DEFAULT))):
        args = shlex.split(command)[1:]
        done = tiered(*args, *(["again.yaml"] if args[0] == "init" else []))
        assert done.returncode in (0, 1) and "Traceback" not in done.stderr, (command, done.stderr)
