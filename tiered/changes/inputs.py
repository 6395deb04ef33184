"""The two sides of a diff: a file, a git revision, or ``REV:path``, loaded like any input.

``resolve`` turns what the user typed into a ``Source``: the bytes of a working-tree file or
of a file at a git revision (read with the git command line), a label for messages
(``origin/main:topology.yaml``) and the path the file has in the repository (for SARIF).
``load`` then runs the bytes through the same pipeline as every other command: they are
written under their own file name to a private temporary folder and checked with
``tiered.pipeline.run``, so whatever that path learns to read (a CloudFormation template
through the importer, for instance) a diff reads too. Locations then name the label.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tiered.findings import Location, Problem
from tiered.importers.options import ImportOptions
from tiered.pipeline import Result, run
from tiered.placement.plan import Plan

#: Longest a git command may take, in seconds (a local object lookup takes milliseconds).
GIT_TIMEOUT = 60


@dataclass(frozen=True, slots=True)
class Source:
    """Where one side comes from: its bytes, a label for messages and its path for SARIF."""

    side: str  # "base" or "head"
    label: str  # "topology.yaml" or "origin/main:topology.yaml"
    path: str  # the file's path as given (relative to the working directory)
    revision: str | None
    raw: bytes


@dataclass(slots=True)
class Loaded:
    """A side that loaded: where it came from, and the pipeline's Result (plan, source map,
    analysis and findings, computed once)."""

    source: Source
    result: Result

    @property
    def plan(self) -> Plan:
        return self.result.valid_plan


class InvalidSide(Exception):
    """A side that cannot be read or is not a valid topology; carries located problems."""

    def __init__(self, side: str, label: str, problems: list[Problem]) -> None:
        super().__init__(f"{side} {label}: {len(problems)} problem(s)")
        self.side, self.label, self.problems = side, label, problems


class InvalidSides(Exception):
    """One or both sides are unusable (base first)."""

    def __init__(self, errors: list[InvalidSide]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


def resolve(side: str, spec: str, default_file: str, cwd: Path | None = None) -> Source:
    """The source named by ``spec``: an existing file, ``REV:path``, or a revision.

    A bare revision means ``default_file`` at that revision. Raises InvalidSide.
    """
    where = cwd or Path.cwd()
    if (where / spec).is_file():
        return Source(side, spec, spec, None, _read(side, where / spec, spec))
    revision, _, path = spec.partition(":")
    if path and revision and _is_revision(revision, where):
        return Source(side, spec, path, revision, _show(side, revision, path, spec, where))
    if not path and _is_revision(spec, where):
        label = f"{spec}:{default_file}"
        return Source(
            side, label, default_file, spec, _show(side, spec, default_file, label, where)
        )
    raise InvalidSide(
        side,
        spec,
        [
            _problem(
                spec,
                "not-a-revision",
                f"{side} '{spec}' is neither a file nor a git revision",
                "give a topology file, a revision (origin/main) or REV:path",
            )
        ],
    )


def working_tree(side: str, path: str, cwd: Path | None = None) -> Source:
    """The working-tree file ``path`` (the default head side)."""
    where = cwd or Path.cwd()
    return Source(side, path, path, None, _read(side, where / path, path))


def load(source: Source, options: ImportOptions | None = None) -> Loaded:
    """Validate and plan a side through the common pipeline (a foreign file read with
    ``options``); raises InvalidSide."""
    name = Path(source.path).name or "topology.yaml"
    with tempfile.TemporaryDirectory(prefix="tiered-diff-") as folder:
        target = Path(folder) / name
        target.write_bytes(source.raw)
        result = run(str(target), options=options)
    problems = [_relabel(problem, str(target), source.label) for problem in result.problems]
    if result.plan is None or result.source is None:
        raise InvalidSide(source.side, source.label, problems)
    result.source.file = result.file = source.label  # findings are located in the label
    return Loaded(source, result)


def _relabel(problem: Problem, temporary: str, label: str) -> Problem:
    if problem.location.file != temporary:
        return problem
    return dataclasses.replace(problem, location=dataclasses.replace(problem.location, file=label))


def _problem(label: str, code: str, message: str, hint: str) -> Problem:
    return Problem(Location(label), code, message, hint)


def _read(side: str, path: Path, label: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as error:
        raise InvalidSide(
            side,
            label,
            [
                _problem(
                    label,
                    "file-not-found",
                    f"no such file: {label} ({side})",
                    "pass the path of a topology file, or run where topology.yaml is",
                )
            ],
        ) from error
    except OSError as error:
        raise InvalidSide(
            side,
            label,
            [
                _problem(
                    label,
                    "file-unreadable",
                    f"cannot read {side} {label}: {error.strerror}",
                    "check the path and its permissions",
                )
            ],
        ) from error


def _git(args: list[str], where: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    return subprocess.run(
        ["git", *args],
        cwd=where,
        capture_output=True,
        timeout=GIT_TIMEOUT,
        check=False,
        env=env,
    )


def _is_revision(revision: str, where: Path) -> bool:
    if revision.startswith("-"):
        return False
    try:
        found = _git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], where)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return found.returncode == 0


def _show(side: str, revision: str, path: str, label: str, where: Path) -> bytes:
    """The bytes of ``path`` (relative to ``where``) at ``revision``."""
    relative = path if path.startswith("/") else f"./{path}"
    if path.startswith("/"):
        top = _git(["rev-parse", "--show-toplevel"], where).stdout.decode().strip()
        relative = os.path.relpath(os.path.realpath(path), os.path.realpath(top))
    shown = _git(["cat-file", "blob", f"{revision}:{relative}"], where)
    if shown.returncode != 0:
        raise InvalidSide(
            side,
            label,
            [
                _problem(
                    label,
                    "file-not-found",
                    f"{side} {label}: {path} does not exist at revision {revision}",
                    "name the file as it was at that revision: REV:path",
                )
            ],
        )
    return shown.stdout
