"""tiered as a pip user has it: the wheel built and installed outside the source tree.

``installed(tmp_path)`` builds the wheel, installs it into a folder of its own and returns
a runner of ``python -S -m tiered`` in an empty working folder. ``-S`` loads no site
directory, so no ``.pth`` file of the editable install puts the source tree on
``sys.path``; the dependencies come from this environment's site-packages, after the wheel.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from collections.abc import Callable
from pathlib import Path

from tests.conftest import ROOT

Tiered = Callable[..., subprocess.CompletedProcess[str]]


def installed(tmp_path: Path) -> tuple[Tiered, Path, Path]:
    """(runner, the empty working folder, the folder the wheel is installed in)."""
    wheels, site, work = tmp_path / "wheels", tmp_path / "site", tmp_path / "work"
    work.mkdir()
    quiet = {"capture_output": True, "text": True, "timeout": 300, "check": True}
    pip = [sys.executable, "-m", "pip"]
    subprocess.run([*pip, "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)], **quiet)
    (wheel,) = wheels.glob("tiered-*.whl")
    subprocess.run([*pip, "install", "--no-deps", "-q", "--target", str(site), str(wheel)], **quiet)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site), sysconfig.get_paths()["purelib"]]),
    }

    def tiered(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-S", "-m", "tiered", *args],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    return tiered, work, site
