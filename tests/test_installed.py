"""tiered as a pip user has it: the wheel installed, run from a directory without the source.

In the source tree the repository root is on ``sys.path`` (editable install), so the top-level
folder ``renderers`` is importable under its folder name as well as under ``tiered.renderers``;
code that names it ``renderers`` works here and breaks in a wheel. The fast test catches such
a name in one process; the slow ones run every command from an installed wheel.

The wheel is the one ``python -m build`` makes: built from the sdist, as pip builds an sdist
and as distribution packagers do. The repository has no symlink (an sdist drops one and a
Windows checkout turns it into a text file): pyproject.toml maps ``renderers/`` to
``tiered/renderers`` in the wheel and a checkout finds it through ``tiered/__init__.py``. The
fast tests check both halves; the slow ones install the release in a fresh venv, and the sdist
with pip, and run them outside the source tree.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_tiered
from tests.wheel_support import (
    Release,
    build_release,
    fresh_venv,
    install_into,
    installed,
    must,
    runner,
    site_env,
)
from tiered.renderers.templating import environment

EVERY_OUTPUT = """
import sys
from tiered.cli.entry import run
for argv in (
    ["render", "all", "topology.yaml", "--out", sys.argv[1]],
    ["render", "all", "examples/onprem-generic.yaml", "--out", sys.argv[1] + "/onprem"],
    ["report", "topology.yaml", "--format", "html"],
    ["diff", "topology.yaml", "examples/reference-three-zones.yaml"],
):
    sys.argv = ["tiered", *argv]
    try:
        run()
    except SystemExit as done:
        assert done.code in (0, 1, None), (argv, done.code)
leaked = sorted(m for m in sys.modules if m == "renderers" or m.startswith("renderers."))
print("LEAKED", leaked, file=sys.stderr)
"""


def test_no_module_is_imported_under_the_folder_name_renderers(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", EVERY_OUTPUT, str(tmp_path / "out")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "LEAKED []" in done.stderr, done.stderr[-3000:]
    assert (tmp_path / "out" / "cloudformation").is_dir()  # the run was real


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Release:
    """The sdist and the wheel built from it, once for the slow tests of this module."""
    return build_release(tmp_path_factory.mktemp("release"))


def test_the_repository_tracks_no_symlink() -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout (an unpacked sdist, say)")
    listed = must("git", "ls-files", "-s", cwd=ROOT).stdout.splitlines()
    assert len(listed) > 100  # the listing is real
    assert [line.split("\t", 1)[1] for line in listed if line.startswith("120000 ")] == []


def test_a_checkout_finds_tiered_renderers_in_its_top_level_folder() -> None:
    package = importlib.import_module("tiered")
    assert not (Path(str(package.__file__)).parent / "renderers").exists()
    found = importlib.import_module("tiered.renderers")
    assert found.__file__ == str(ROOT / "renderers" / "__init__.py")
    templates = sorted(p.name for p in (ROOT / "renderers" / "templates").glob("*.j2"))
    assert templates and environment().list_templates() == templates
    # Only that one name: the other folders of the repository are not importable as tiered.*
    for folder in ("tests", "benchmarks", "examples", "tiered"):
        assert importlib.util.find_spec(f"tiered.{folder}") is None, folder


def test_the_wheel_built_from_the_sdist_carries_tiered_renderers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What ``python -m build`` does, through hatchling's own hooks: the sdist, then the wheel
    from the unpacked sdist. With the renderers behind a symlink, that wheel had none."""
    from hatchling.build import build_sdist, build_wheel

    monkeypatch.chdir(ROOT)
    sdist = tmp_path / build_sdist(str(tmp_path))
    unpacked = tmp_path / "unpacked"
    with tarfile.open(sdist) as archive:
        top = archive.getnames()[0].split("/")[0]
        in_sdist = {m.name.removeprefix(f"{top}/") for m in archive.getmembers() if m.isfile()}
        safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        archive.extractall(unpacked, **safe)
    renderers = {name for name in in_sdist if name.startswith("renderers/")}
    assert {"renderers/__init__.py", "renderers/templates/nginx.conf.j2"} <= renderers
    monkeypatch.chdir(unpacked / top)
    with zipfile.ZipFile(tmp_path / build_wheel(str(tmp_path))) as wheel:
        in_wheel = set(wheel.namelist())
    assert {f"tiered/{name}" for name in renderers} <= in_wheel
    assert not any(name.startswith("renderers/") for name in in_wheel)
    assert {"tiered/__init__.py", "tiered/examples/topology.yaml"} <= in_wheel


@pytest.mark.slow
def test_the_installed_wheel_runs_every_command_outside_the_source_tree(
    release: Release, tmp_path: Path
) -> None:
    tiered, work, target = installed(tmp_path, release.wheel)
    where = tiered("--version")
    assert where.returncode == 0, where.stderr
    probe = subprocess.run(
        [sys.executable, "-S", "-c", "import tiered, sys; print(tiered.__file__)"],
        cwd=work,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(target), str(ROOT)])},
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.startswith(str(target)), probe.stdout
    assert tiered("init").returncode == 0
    assert (work / "topology.yaml").is_file()
    assert tiered("validate").returncode in (0, 1)
    for command in (
        ("render", "all", "--out", "out"),
        ("report", "--format", "html", "-o", "out/report.html"),
        ("diagram", "-o", "out/architecture.svg"),
        ("plan",),
        ("whatif", "--fail", "us-east-1b"),
        ("diff", "topology.yaml", "topology.yaml"),
    ):
        done = tiered(*command)
        assert done.returncode in (0, 1), (command, done.stderr[-2000:])
        assert "Traceback" not in done.stderr, (command, done.stderr[-2000:])
    assert (work / "out" / "cloudformation").is_dir()
    assert any((work / "out").rglob("nginx.conf"))


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.slow
def test_the_release_runs_in_a_fresh_venv_as_the_checkout_does(
    release: Release, tmp_path: Path
) -> None:
    """The wheel built from the sdist, installed by pip with its dependencies into a new venv,
    run by its own ``tiered`` script in an empty folder: every step works and writes what the
    checkout writes for the same file."""
    scripts = fresh_venv(tmp_path / "venv", release.wheel)
    work, checkout = tmp_path / "work", tmp_path / "checkout"
    work.mkdir()
    checkout.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}

    def tiered(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(scripts / "tiered"), *args],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    probe = "import tiered.renderers as r; print(r.__file__)"
    where = must(str(scripts / "python"), "-c", probe, cwd=work, env=env)
    assert Path(where.stdout.strip()).is_relative_to(tmp_path / "venv"), where.stdout
    for args, codes in [
        (("init",), {0}),
        (("init", "--example", "single-zone-webapp", "other.yaml"), {0}),
        (("validate",), {0, 1}),
        (("render", "all", "--out", "out"), {0}),
        (("report", "--format", "html", "-o", "report.html"), {0}),
        (("diff", "topology.yaml", "other.yaml"), {0, 1}),
    ]:
        done = tiered(*args)
        assert done.returncode in codes, (args, done.stdout[-2000:], done.stderr[-2000:])
        assert "Traceback" not in done.stderr, (args, done.stderr[-2000:])
        if args[0] == "validate":
            assert "topology.yaml:" in done.stdout and "errors," in done.stdout, done.stdout
        if args[0] == "diff":
            assert done.stdout.startswith("tiered diff: topology.yaml → other.yaml"), done.stdout
            assert "Findings:" in done.stdout and "Instances:" in done.stdout, done.stdout
    rendered = _files(work / "out")
    assert {"cloudformation", "config", "diagram", "fis", "nginx"} <= {
        name.split(os.sep)[0] for name in rendered
    }
    assert any(b"upstream" in text for name, text in rendered.items() if "nginx.conf" in name)
    report = (work / "report.html").read_text(encoding="utf-8")
    assert report.lstrip().lower().startswith("<!doctype html") and "<svg" in report

    (checkout / "topology.yaml").write_bytes((work / "topology.yaml").read_bytes())
    for args in (("render", "all", "--out", "out"), ("report", "--format", "html", "-o", "r.html")):
        assert run_tiered(*args, cwd=checkout).returncode == 0, args
    assert _files(checkout / "out") == rendered
    assert (checkout / "r.html").read_text(encoding="utf-8") == report


@pytest.mark.slow
def test_pip_installs_the_sdist_and_it_renders(release: Release, tmp_path: Path) -> None:
    site, work = tmp_path / "site", tmp_path / "work"
    work.mkdir()
    install_into(release.sdist, site)  # pip builds the wheel from the sdist, in isolation
    probe = subprocess.run(
        [sys.executable, "-S", "-c", "import tiered.renderers as r; print(r.__file__)"],
        cwd=work,
        env=site_env(site),
        capture_output=True,
        text=True,
        check=False,
    )
    assert probe.stdout.strip() == str(site / "tiered" / "renderers" / "__init__.py"), probe
    tiered = runner(site, work)
    assert tiered("init").returncode == 0
    done = tiered("render", "nginx", "--out", "out")
    assert done.returncode == 0, done.stderr[-2000:]
    configs = sorted((work / "out").rglob("nginx.conf"))
    assert configs and all("upstream" in p.read_text(encoding="utf-8") for p in configs)
