"""tiered as a pip user has it: the wheel installed, run from a directory without the source.

In the source tree the repository root is on ``sys.path`` (editable install), so the top-level
folder ``renderers`` is importable under its folder name as well as under ``tiered.renderers``;
code that names it ``renderers`` works here and breaks in a wheel. The fast test catches such
a name in one process; the slow one runs every command from an installed wheel.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.wheel_support import installed

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


@pytest.mark.slow
def test_the_installed_wheel_runs_every_command_outside_the_source_tree(tmp_path: Path) -> None:
    tiered, work, target = installed(tmp_path)
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
