"""Help text and shell completion as a user meets them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import ClassVar

import pytest
from typer.testing import CliRunner

from tests.conftest import ROOT
from tests.test_cli import COMMANDS
from tiered.cli import completion
from tiered.cli.main import app


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_no_type_labels_or_doubled_metavars(command: str) -> None:
    done = CliRunner().invoke(app, [*command.split(), "--help"], env={"COLUMNS": "100"})
    assert done.exit_code == 0, done.output
    assert not re.search(r"<(bool|str|int|list|float)", done.output), done.output
    assert "[[" not in done.output and "]..." not in done.output.replace("[FILE]...", "")
    usage = done.output.splitlines()[0]
    assert usage.startswith(f"Usage: tiered {command} [OPTIONS]"), usage


def test_docstring_paragraphs_are_rewrapped_not_broken() -> None:
    done = CliRunner().invoke(app, ["report", "--help"], env={"COLUMNS": "80"})
    lines = done.output.splitlines()
    assert all(len(line) <= 80 for line in lines), lines
    flowing = " ".join(" ".join(lines).split())
    assert "every single failure with its root cause, findings with fixes" in flowing


def test_completion_values() -> None:
    assert completion.rule_ids("tr00") == [f"TR00{n}" for n in range(1, 10)]

    class Context:
        params: ClassVar[dict[str, str]] = {"file": "topology.yaml"}

    found = completion.domains(Context(), "us-")
    assert found == ["us-east-1b", "us-east-1c"]
    assert "zookeeper-3" in completion.domains(Context(), "zoo")
    Context.params = {"file": "missing.yaml"}
    assert completion.domains(Context(), "") == []


def _commands() -> list[list[str]]:
    """Every command of the app, as the words that name it ([] for the root)."""
    import typer.main

    found: list[list[str]] = []

    def walk(command: object, path: list[str]) -> None:
        found.append(path)
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return found


def _params(path: list[str]) -> list[object]:
    import typer.main

    command = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    return list(command.params)


ALL_COMMANDS = _commands()


def _help(path: list[str], columns: int) -> str:
    """The help of ``path`` laid out for a terminal ``columns`` wide (CliRunner would
    force 80 columns)."""
    import contextlib
    import io

    import typer.main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        typer.main.get_command(app).main(
            [*path, "--help"],
            prog_name="tiered",
            standalone_mode=False,
            terminal_width=columns,
            max_content_width=columns,
        )
    return out.getvalue()


def test_the_walk_finds_every_command() -> None:
    named = {" ".join(p) for p in ALL_COMMANDS}
    assert {"", "diff", "import", "import cloudformation", *COMMANDS} <= named


@pytest.mark.parametrize("path", ALL_COMMANDS, ids=lambda p: " ".join(p) or "tiered")
def test_help_follows_the_conventions_at_every_width(path: list[str]) -> None:
    wide = _help(path, 1000)
    usage = wide.splitlines()[0]
    assert "{" not in usage, usage  # typer's {name} for a required argument
    assert not re.search(r"\[[a-z]", usage), usage  # [head]: lowercase metavars
    assert not re.search(r"<(bool|str|int|list|float)", wide), wide
    assert "[[" not in wide and "]...]" not in wide, wide
    doubled = re.search(r"(?<![\w-])([A-Z][A-Z_=]*) \1(?![\w-])", wide)
    assert doubled is None, doubled
    for columns in (100, 80, 60, 50):
        narrow = _help(path, columns)

        # Lines break at spaces only: the words are those of the unwrapped help, in order
        # (a group's one-line summaries of its commands are cut to the width, by words).
        def words(text: str) -> list[str]:
            return text.partition("\nCommands:\n")[0].split()

        assert words(narrow) == words(wide), (columns, narrow)
        assert not any(
            len(line) > columns and len(line.split()) > 1 for line in narrow.splitlines()
        ), narrow


@pytest.mark.parametrize("path", ALL_COMMANDS, ids=lambda p: " ".join(p) or "tiered")
def test_every_option_says_what_it_takes(path: list[str]) -> None:
    """An option with a value names it in capitals (FILE, DIR, FORMAT, K=V) or lists its
    choices; an argument's metavar is in capitals."""
    for param in _params(path):
        kind = getattr(param, "param_type_name", "")
        if kind == "argument":
            metavar = param.metavar  # type: ignore[attr-defined]
            assert metavar and metavar == metavar.upper(), (path, param)
        elif kind == "option" and not param.is_flag and not param.hidden:  # type: ignore[attr-defined]
            choices = getattr(getattr(param, "type_descriptor", None), "is_choice", False)
            metavar = param.metavar  # type: ignore[attr-defined]
            assert choices or (metavar and metavar == metavar.upper()), (path, param)


def test_examples_are_one_a_line_and_whole() -> None:
    out = _help(["whatif"], 80)
    assert "    tiered whatif --fail zookeeper-1 --fail us-east-1c\n" in out
    out = _help(["diagram"], 60)
    assert "    tiered diagram --whatif us-east-1b -o out/whatif.svg\n" in out
    out = _help(["init"], 60)
    assert "    tiered init --example onprem-generic racks.yaml\n" in out


def test_completion_reads_the_file_named_on_the_command_line(tmp_path: Path) -> None:
    """`tiered whatif racks.yaml --fail <TAB>` completes racks.yaml's names, whether or
    not a topology.yaml is there; without a FILE, topology.yaml's."""
    shutil.copy(ROOT / "examples" / "onprem-generic.yaml", tmp_path / "racks.yaml")

    def complete(line: str, shell: str = "bash") -> list[str]:
        env = {"_TIERED_COMPLETE": f"complete_{shell}"}
        if shell == "bash":
            words = line.split()
            env |= {"COMP_WORDS": line, "COMP_CWORD": str(len(words) - (not line.endswith(" ")))}
        else:
            env["_TYPER_COMPLETE_ARGS"] = line
        script = Path(sys.executable).parent / "tiered"  # the console script shells call
        done = subprocess.run(
            [str(script)], cwd=tmp_path, env={**os.environ, **env}, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    assert "rack-a" in complete("tiered whatif racks.yaml --fail ")
    assert complete("tiered whatif racks.yaml --fail rack-") == ["rack-a", "rack-b", "rack-c"]
    assert "rack-b" in complete("tiered diagram -o x.svg racks.yaml --whatif ")
    assert "rack-c" in complete("tiered whatif --format json racks.yaml --fail ")
    assert '"rack-a"' in " ".join(complete("tiered whatif racks.yaml --fail rack-", "zsh"))
    assert complete("tiered whatif --fail ") == []  # no topology.yaml here
    shutil.copy(ROOT / "topology.yaml", tmp_path / "topology.yaml")
    named = complete("tiered whatif racks.yaml --fail ")
    assert "rack-a" in named and "us-east-1b" not in named
    assert "us-east-1b" in complete("tiered whatif --fail ")
