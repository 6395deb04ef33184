"""tiered as a pip user has it: the release built as pip and packagers build it, then installed.

``build_release(folder)`` runs ``python -m build``: the sdist, then the wheel built from the
unpacked sdist, not from the checkout, so a file the sdist lacks is missing from the wheel as it
would be for a user. ``installed(tmp_path)`` installs that wheel into a folder of its own and
returns a runner of ``python -S -m tiered`` in an empty working folder. ``-S`` loads no site
directory, so no ``.pth`` file of the editable install puts the source tree on ``sys.path``; the
dependencies come from this environment's site-packages, after the wheel. ``fresh_venv`` instead
installs the wheel with its dependencies, resolved by pip, into a new virtual environment.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT

Tiered = Callable[..., subprocess.CompletedProcess[str]]
PIP = [sys.executable, "-m", "pip"]


@dataclass(frozen=True)
class Release:
    """What ``python -m build`` makes: the sdist and the wheel built from it."""

    sdist: Path
    wheel: Path


def must(
    *command: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``command``; fail the test with its output when it exits non-zero."""
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, (command, done.stdout[-2000:], done.stderr[-3000:])
    return done


def build_release(folder: Path) -> Release:
    """The sdist and the wheel built from it, in ``folder``, with this environment's hatchling."""
    must(sys.executable, "-m", "build", "--no-isolation", "--outdir", str(folder), str(ROOT))
    (sdist,) = folder.glob("tiered-*.tar.gz")
    (wheel,) = folder.glob("tiered-*.whl")
    return Release(sdist, wheel)


def install_into(artefact: Path, site: Path) -> None:
    """pip installs a wheel, or an sdist it builds into one, into ``site``; no dependencies."""
    must(*PIP, "install", "--no-deps", "-q", "--target", str(site), str(artefact))


def site_env(site: Path) -> dict[str, str]:
    """The environment of a ``python -S`` that imports tiered from ``site``."""
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site), sysconfig.get_paths()["purelib"]]),
    }


def runner(site: Path, work: Path) -> Tiered:
    """``python -S -m tiered ARGS`` in ``work``, tiered imported from ``site``."""

    def tiered(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-S", "-m", "tiered", *args],
            cwd=work,
            env=site_env(site),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    return tiered


def installed(tmp_path: Path, wheel: Path | None = None) -> tuple[Tiered, Path, Path]:
    """(runner, the empty working folder, the folder the wheel is installed in).

    ``wheel`` is a wheel already built by ``build_release``; without it one is built here.
    """
    site, work = tmp_path / "site", tmp_path / "work"
    work.mkdir()
    install_into(wheel or build_release(tmp_path / "dist").wheel, site)
    return runner(site, work), work, site


def fresh_venv(folder: Path, wheel: Path) -> Path:
    """A new virtual environment holding ``wheel`` and its dependencies; its scripts folder.

    The venv is made without pip, and this environment's pip installs into it (``--python``),
    which spares bootstrapping a second pip; the dependencies are resolved from the index.
    """
    must(sys.executable, "-m", "venv", "--without-pip", str(folder))
    scripts = folder / ("Scripts" if os.name == "nt" else "bin")
    must(*PIP, "--python", str(scripts / "python"), "install", "-q", str(wheel))
    return scripts
