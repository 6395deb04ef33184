"""Help text and shell completion as a user meets them."""

from __future__ import annotations

import re
from typing import ClassVar

import pytest
from typer.testing import CliRunner

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
