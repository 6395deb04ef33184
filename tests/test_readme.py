"""The README's console blocks are real: every command runs, and its output matches.

Each ```console block runs in a fresh folder holding topology.yaml, the examples and
tests/readme/ (a block starting with ``tiered init`` runs in an empty one). The lines
after a ``$ command`` are its expected output (stdout and stderr); a line ``...`` stands
for any number of lines, so an excerpt says where it leaves lines out.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```console\n(.*?)```", README, re.S)
BIN = Path(sys.executable).parent


def commands(block: str) -> list[tuple[str, list[str]]]:
    found: list[tuple[str, list[str]]] = []
    continued = False
    for line in block.splitlines():
        if continued:  # a command continued with a backslash
            found[-1] = (found[-1][0][:-1] + " " + line.strip(), [])
        elif line.startswith("$ "):
            found.append((line[2:], []))
        else:
            found[-1][1].append(line)
        continued = found[-1][0].endswith("\\") and not found[-1][1]
    return found


def matches(expected: list[str], actual: list[str]) -> bool:
    """``expected`` (with ``...`` for any lines) against the actual lines, whole."""
    pattern = "".join(
        r"(?:.*\n)*?" if line.strip() == "..." else re.escape(line) + r"\n" for line in expected
    )
    return re.fullmatch(pattern, "".join(f"{line}\n" for line in actual)) is not None


def _git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


def prepare(folder: Path, empty: bool, diff: bool = False) -> None:
    """The files a block reads; for ``tiered diff``, a repository whose branch main holds
    the three-zone topology and whose working tree the reference."""
    if empty:
        return
    if diff:
        shutil.copy(ROOT / "examples" / "reference-three-zones.yaml", folder / "topology.yaml")
        _git(folder, "init", "-q", "-b", "main")
        _git(folder, "add", "topology.yaml")
        _git(folder, "commit", "-q", "-m", "three zones")
    shutil.copy(ROOT / "topology.yaml", folder / "topology.yaml")
    shutil.copytree(ROOT / "examples", folder / "examples")
    for path in (ROOT / "tests" / "readme").iterdir():
        shutil.copy(path, folder / path.name)
    for sample in (ROOT / "tests" / "fixtures" / "cfn-samples").glob("*.yaml"):
        shutil.copy(sample, folder / sample.name)
    checkov = ROOT / ".venv-checkov"
    if checkov.exists():
        (folder / ".venv-checkov").symlink_to(checkov)


@pytest.mark.slow
@pytest.mark.parametrize("block", BLOCKS, ids=[b.split("\n")[0][2:40] for b in BLOCKS])
def test_console_block_matches_real_output(block: str, tmp_path: Path) -> None:
    steps = commands(block)
    first = steps[0][0]
    prepare(tmp_path, empty=first.startswith("tiered init"), diff=first.startswith("tiered diff"))
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("COLUMNS", None)
    last = 0
    for command, expected in steps:
        if (
            command.split()[0].startswith(".venv-checkov")
            and not (tmp_path / ".venv-checkov").exists()
        ):
            pytest.skip("checkov's virtualenv is made by `make test`")
        if command.startswith("aws "):
            pytest.skip("the AWS CLI against a real account is not run offline")
        if command == "echo $?":
            actual = [str(last)]
        else:
            done = subprocess.run(
                ["bash", "-c", command],
                cwd=tmp_path,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            last = done.returncode
            actual = (done.stdout + done.stderr).rstrip("\n").splitlines()
        assert matches(expected, actual), (command, "\n".join(actual))


def test_the_matcher() -> None:
    assert matches(["a", "...", "d"], ["a", "b", "c", "d"])
    assert matches(["...", "c"], ["a", "b", "c"])
    assert not matches(["a", "c"], ["a", "b", "c"])  # a dropped line needs its "..."
    assert not matches(["a"], ["a", "b"])
    assert matches([], [])


def test_the_numbers_the_readme_states_about_the_template() -> None:
    from tests.test_cloudformation_helpers import single_template
    from tiered.pipeline import plan_file

    template = single_template(plan_file(str(ROOT / "topology.yaml")))
    resources = template["Resources"].values()
    kinds = [r["Type"] for r in resources]
    stated = re.search(r"the template has (\d+) resources", README)
    assert stated and int(stated[1]) == len(kinds)
    subnets = re.search(r"a VPC with (\d+) subnets", README)
    assert subnets and int(subnets[1]) == kinds.count("AWS::EC2::Subnet")
    instances = re.search(r"\*\*Compute\*\*: (\d+) instances", README)
    assert instances and int(instances[1]) == kinds.count("AWS::EC2::Instance")


def test_the_format_reference_names_every_key_and_software() -> None:
    from pydantic import BaseModel

    from tiered.software import SOFTWARE
    from tiered.validation import model

    reference = README[README.index("### Format reference") : README.index("The `examples/`")]
    named = set(re.findall(r"`([a-z_]+)`", reference))
    keys = {
        field
        for value in vars(model).values()
        if isinstance(value, type) and issubclass(value, BaseModel) and value is not BaseModel
        for field in value.model_fields
    }
    assert keys <= named, sorted(keys - named)
    for name, software in SOFTWARE.items():
        assert f"| `{name}` | {software.port} | {software.failover} |" in reference
