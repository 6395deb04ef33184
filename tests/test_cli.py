"""The command line as a user meets it: help, version, plan, schema, start-up weight."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest
import yaml

from tests.conftest import ALL_TOPOLOGIES, ROOT, run_tiered

COMMANDS = [
    "init",
    "validate",
    "plan",
    "schema",
    "report",
    "whatif",
    "rules",
    "explain",
    "render",
    "diagram",
]


def test_version() -> None:
    from tiered import __version__

    result = run_tiered("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"tiered {__version__}"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_help_has_an_example(command: str) -> None:
    result = run_tiered(command, "--help")
    assert result.returncode == 0, result.stderr
    assert "Example" in result.stdout
    assert f"tiered {command}" in result.stdout


def test_file_defaults_to_topology_yaml_in_the_working_directory(tmp_path: Path) -> None:
    shutil.copy(ROOT / "topology.yaml", tmp_path / "topology.yaml")
    result = run_tiered("plan", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["name"] == "toro-integrate-ha"
    empty = tmp_path / "empty"
    empty.mkdir()
    missing = run_tiered("plan", cwd=empty)
    assert missing.returncode == 2
    assert "topology.yaml:1:1: no such file" in missing.stderr


def test_plan_table_lists_every_instance_with_its_address() -> None:
    result = run_tiered("plan", "topology.yaml")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    row = next(line for line in lines if line.startswith("zookeeper-3 "))
    assert row.split()[:5] == [
        "zookeeper-3",
        "zookeeper",
        "us-east-1b",
        "app-us-east-1b",
        "10.0.9.137",
    ]
    blocks = lines.index("Address blocks")
    assert lines[blocks + 3].split() == [
        "nginx",
        "web",
        "10.0.1.108/30,",
        "10.0.2.108/30",
        "1",
        "of",
        "4",
    ]
    assert lines[1].startswith("addressing: a block per service")
    assert (
        sum(
            1
            for line in lines
            if line.split()[:1] and line.split()[0][-2:-1] == "-" and line.split()[0][-1].isdigit()
        )
        == 12
    )


def test_committed_schema_is_current() -> None:
    result = run_tiered("schema")
    assert result.returncode == 0
    assert result.stdout == (ROOT / "topology.schema.json").read_text()


@pytest.mark.parametrize("path", ALL_TOPOLOGIES, ids=lambda p: p.stem)
def test_every_example_satisfies_the_json_schema(path: Path) -> None:
    schema = json.loads((ROOT / "topology.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(yaml.safe_load(path.read_text()))


def test_schema_rejects_what_tiered_rejects() -> None:
    schema = json.loads((ROOT / "topology.schema.json").read_text())
    data = yaml.safe_load((ROOT / "topology.yaml").read_text())
    data["tiers"]["app"]["services"]["zookeeper"]["replicas"] = 3
    with pytest.raises(jsonschema.ValidationError, match="replicas"):
        jsonschema.Draft202012Validator(schema).validate(data)


def test_cli_start_up_does_not_import_heavy_libraries() -> None:
    probe = (
        "import sys; from tiered.cli.main import app\n"
        "try:\n    app(['validate', 'topology.yaml'], standalone_mode=False)\n"
        "except SystemExit:\n    pass\n"
        "heavy = ('jinja2', 'diagrams', 'boto3', 'botocore', 'moto', 'cfnlint')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_unknown_renderer_suggests_the_right_name(tmp_path: Path) -> None:
    result = run_tiered("render", "cloudformaton", "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "unknown renderer 'cloudformaton'" in result.stderr
    assert "did you mean 'cloudformation'?" in result.stderr
    assert not (tmp_path / "out").exists()


def test_shell_completion_script_is_available() -> None:
    result = run_tiered("--show-completion", "bash")
    assert result.returncode == 0, result.stderr
    assert "complete" in result.stdout and "tiered" in result.stdout


def test_wheel_installs_only_the_tiered_package_and_registers_exporters(tmp_path: Path) -> None:
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert build.returncode == 0, build.stderr
    wheel = next(tmp_path.glob("tiered-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        entry_points = archive.read(next(n for n in names if n.endswith("entry_points.txt")))
    top_level = {name.split("/")[0] for name in names}
    assert top_level == {"tiered", next(n for n in top_level if n.endswith(".dist-info"))}
    assert "tiered/cli/main.py" in names and "tiered/renderers/__init__.py" in names
    assert "tiered/renderers/templates/nginx.conf.j2" in names
    shipped = {n.removeprefix("tiered/examples/") for n in names if "/examples/" in n}
    assert shipped == {p.name for p in (ROOT / "examples").glob("*.yaml")} | {"topology.yaml"}
    text = entry_points.decode()
    assert "tiered = tiered.cli.entry:run" in text
    assert "[tiered.exporters]" in text
    assert "render.cloudformation = tiered.renderers.cloudformation:" in text
    assert not any(n.startswith(("tests/", "out/", ".venv")) for n in names)


def test_validate_takes_several_files_as_pre_commit_passes_them() -> None:
    clean = str(ROOT / "examples" / "reference-three-zones.yaml")
    weak = str(ROOT / "topology.yaml")
    both = run_tiered("validate", clean, weak)
    assert both.returncode == 1
    assert both.stdout.count(": valid — ") == 2
    listing = run_tiered("validate", clean, weak, "--format", "json")
    assert [entry["file"] for entry in json.loads(listing.stdout)] == [clean, weak]
    broken = str(ROOT / "tests" / "corpus" / "port-zero.yaml")
    mixed = run_tiered("validate", clean, broken)
    assert mixed.returncode == 2
    assert f"{broken}:16:29: port must be at least 1" in mixed.stderr
    assert f"{clean}: valid" in mixed.stdout


def test_render_names_all_among_its_choices_and_suggests_it() -> None:
    unknown = run_tiered("render", "foo", "topology.yaml")
    assert unknown.returncode == 2
    assert "use one of: all, cloudformation, config, diagram, fis, keepalived, nginx" in (
        unknown.stderr
    )
    assert "did you mean 'all'?" in run_tiered("render", "al", "topology.yaml").stderr


def test_a_missing_diagram_for_the_html_report_says_so_plainly(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    done = run_tiered(
        "report", "topology.yaml", "--format", "html", "--diagram", "nope.svg", "-o", str(out)
    )
    assert done.returncode == 2 and not out.exists()
    assert "cannot read diagram nope.svg: No such file or directory" in done.stderr
    assert "Errno" not in done.stderr and "Traceback" not in done.stderr


def test_explain_completes_rule_and_problem_ids_in_any_case() -> None:
    from tiered.cli.completion import explainable

    assert explainable("tr00")[:2] == ["TR001", "TR002"]
    assert "E0111" in explainable("e01")
    assert "duplicate-key" in explainable("dup")


def test_explain_completes_rule_names_in_any_case() -> None:
    from tiered.cli.completion import explainable

    assert explainable("quorum") == ["quorum-lost-with-zone"]
    assert explainable("Single-Zone") == ["single-zone-service", "single-zone-topology"]
    assert "TR003" in explainable("tr")
