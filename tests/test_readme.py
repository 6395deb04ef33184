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


REFERENCE = README[README.index("### Format reference") : README.index("### Examples")]

#: Where each object of the format is described: a caption, or a key of the object above it.
SECTIONS: dict[str, tuple[str, str | None]] = {
    "Topology": ("**Top level**", None),
    "Network": ("**`network`**", None),
    "Entry": ("**`entry`**", None),
    "Vrrp": ("Entry", "vrrp"),
    "Assumptions": ("**`assumptions`**", None),
    "Tier": ("**A tier**", None),
    "Service": ("**A service**", None),
    "HealthCheck": ("Service", "health_check"),
    "Route": ("Service", "routes"),
    "Tls": ("Service", "tls"),
    "Accept": ("Service", "accept"),
}

#: Optional to the schema, required by validation (an error names them when missing).
REQUIRED_WHEN = {("Topology", "region"), ("Service", "count")}


def _captioned(caption: str) -> str:
    """The reference text from ``caption`` to the next caption."""
    start = REFERENCE.index(caption)
    end = REFERENCE.find("\n**", start + 1)
    return REFERENCE[start : end if end > 0 else len(REFERENCE)]


def _per_key(text: str, keys: list[str]) -> dict[str, str]:
    """Each key's text: from its table row (or first mention) to the next key's."""
    where = {}
    for key in keys:
        row = text.find(f"| `{key}` |")
        where[key] = row if row >= 0 else text.find(f"`{key}`")
        assert where[key] >= 0, f"`{key}` is not in: {text[:60]}"
    order = sorted(keys, key=where.__getitem__)
    ends = [where[k] for k in order[1:]] + [len(text)]
    return {key: text[where[key] : end] for key, end in zip(order, ends, strict=True)}


def _sections() -> dict[str, dict[str, str]]:
    from tiered import model

    found: dict[str, dict[str, str]] = {}
    for name, (where, key) in SECTIONS.items():
        fields = list(getattr(model, name).model_fields)
        text = _captioned(where) if key is None else found[where][key]
        found[name] = _per_key(text, fields)
    return found


def _shown(default: object) -> str:
    return str(default).lower() if isinstance(default, bool) else str(default)


def test_the_format_reference_says_which_keys_are_required_and_their_defaults() -> None:
    from tiered import model

    sections = _sections()
    for name, texts in sections.items():
        for key, field in getattr(model, name).model_fields.items():
            text = texts[key]
            says_required = "**required**" in text.split(" | ")[1 if text.startswith("|") else 0]
            if field.is_required():
                assert says_required, (name, key, text)
            elif (name, key) in REQUIRED_WHEN:
                assert "**required** " in text, (name, key, text)  # with its condition
            else:
                assert not says_required, (name, key, text)
            default = field.default
            if isinstance(default, (bool, int, float, str)) and default != "":
                assert f"`{_shown(default)}`" in text, (name, key, default, text)


@pytest.mark.parametrize("name, key", sorted(REQUIRED_WHEN))
def test_keys_the_reference_calls_required_are_refused_when_missing(
    name: str, key: str, tmp_path: Path
) -> None:
    from tiered.pipeline import check

    text = (
        "version: 1\nname: t\nregion: us-east-1\nzones: [us-east-1a]\n"
        "network: {cidr: 10.0.0.0/16}\n"
        "tiers: {web: {role: presentation, services: {lb: {count: 1}}}}\n"
    )
    assert check_ok(tmp_path, text)
    missing = text.replace(f"{key}: us-east-1\n" if key == "region" else f"{key}: 1", "")
    path = tmp_path / "missing.yaml"
    path.write_text(missing, encoding="utf-8")
    problems = check(str(path)).problems
    assert [p.code for p in problems] == ["missing-key"]
    assert f"'{key}'" in problems[0].message


def check_ok(folder: Path, text: str) -> bool:
    from tiered.pipeline import check

    path = folder / "ok.yaml"
    path.write_text(text, encoding="utf-8")
    return check(str(path)).problems == []


def test_the_defaults_the_reference_states_are_the_planned_ones(tmp_path: Path) -> None:
    from tiered.pipeline import plan_file
    from tiered.renderers.cloudformation.database import DEFAULT_CLASS
    from tiered.renderers.config.heap import DEFAULT_INSTANCE_TYPE

    service = _sections()["Service"]
    assert f"`{DEFAULT_INSTANCE_TYPE}`" in service["instance_type"]
    assert f"`{DEFAULT_CLASS}`" in service["instance_class"]
    path = tmp_path / "t.yaml"
    path.write_text(
        "version: 1\nname: t\nregion: us-east-1\nzones: [us-east-1a, us-east-1b]\n"
        "network: {cidr: 10.0.0.0/16}\ntiers:\n"
        "  web: {role: presentation, services: {app: {count: 2}}}\n"
        "  data: {role: data, services: {db: {kind: database, count: 2}}}\n",
        encoding="utf-8",
    )
    plan = plan_file(str(path))
    app, db = plan.services["app"], plan.services["db"]
    assert (app.kind, app.software, app.min_healthy) == ("compute", "generic", 1)
    assert f"`{app.kind}`" in service["kind"] and f"`{app.software}`" in service["software"]
    assert f"`{app.min_healthy}`" in service["min_healthy"]
    assert app.zones == ("us-east-1a", "us-east-1b") and "the topology's" in service["zones"]
    assert (db.engine, db.failover) == ("postgres", "primary-standby")
    assert f"`{db.engine}`" in service["engine"]
    assert "`primary-standby` with count 2" in service["failover"]


def test_the_format_reference_names_every_key_and_software() -> None:
    from pydantic import BaseModel

    from tiered import model
    from tiered.software import SOFTWARE

    named = set(re.findall(r"`([a-z_]+)`", REFERENCE))
    keys = {
        field
        for value in vars(model).values()
        if isinstance(value, type) and issubclass(value, BaseModel) and value is not BaseModel
        for field in value.model_fields
    }
    assert keys <= named, sorted(keys - named)
    assert set(SECTIONS) == {
        name
        for name, value in vars(model).items()
        if isinstance(value, type) and issubclass(value, BaseModel) and value.model_fields
    } - {"BaseModel"}
    for name, software in SOFTWARE.items():
        listen = ", ".join(map(str, software.listen)) or "none"
        assert f"| `{name}` | {software.port} | {software.failover} | {listen} |" in REFERENCE
