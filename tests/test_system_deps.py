"""`make demo` installs what the demo needs (graphviz); the tests' daemons only for `make test`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

SCRIPT = ROOT / "scripts" / "system-deps.sh"


def _wanted(purpose: str, tmp_path: Path) -> list[str]:
    """The packages the script asks for on a machine with none of the tools, as a non-root user."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    fake_id = bin_dir / "id"
    fake_id.write_text("#!/bin/sh\necho 1000\n")
    fake_id.chmod(0o755)
    env = {"PATH": str(bin_dir), "PYTHON": sys.executable, "HOME": str(tmp_path)}
    done = subprocess.run(
        ["/bin/sh", str(SCRIPT), purpose], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 1, done.stderr
    first = done.stderr.splitlines()[0]
    assert first.startswith("tiered needs these system packages:"), done.stderr
    return first.split(":", 1)[1].split()


def test_the_demo_asks_for_graphviz_only(tmp_path: Path) -> None:
    assert _wanted("demo", tmp_path) == ["graphviz"]


def test_the_tests_ask_for_the_daemons_they_run(tmp_path: Path) -> None:
    wanted = _wanted("test", tmp_path)
    assert wanted[0] == "graphviz"
    # nginx, keepalived and the Java daemons are also found by their fixed paths (/usr/sbin,
    # /usr/share), which this machine may have: only the tools looked up on PATH are sure.
    assert {"scram", "openssl", "dash", "cloud-init", "curl"} <= set(wanted)


def test_make_demo_does_not_install_the_test_packages() -> None:
    env = {**os.environ, "MAKEFLAGS": ""}
    demo = subprocess.run(
        ["make", "-n", "-B", "demo"], cwd=ROOT, capture_output=True, text=True, env=env, check=True
    ).stdout
    assert "system-deps.sh demo" in demo
    assert "system-deps.sh test" not in demo
    test = subprocess.run(
        ["make", "-n", "-B", "test"], cwd=ROOT, capture_output=True, text=True, env=env, check=True
    ).stdout
    assert "system-deps.sh test" in test
