"""Shared pieces of the command line: the typer app, the FILE argument, problem output."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from tiered import __version__
from tiered.cli.help_format import install
from tiered.findings import Problem

install()

app = typer.Typer(
    name="tiered",
    help="Validate, analyse and render highly available multi-zone deployments "
    "from one topology file.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # Plain help: paragraphs of docstrings rewrapped to the terminal, no type boxes.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

DEFAULT_FILE = "topology.yaml"

FileArg = Annotated[
    str,
    typer.Argument(help="Topology file.", show_default=True, metavar="FILE"),
]

WidthOpt = Annotated[
    int | None,
    typer.Option(
        "--width",
        min=40,
        max=1000,
        metavar="COLUMNS",
        help="Wrap text output to this many columns (default: the terminal's width; "
        "unwrapped lines in pipes and files).",
    ),
]

EXIT_OK, EXIT_FINDINGS, EXIT_INVALID = 0, 1, 2


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"tiered {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=version_callback,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """tiered: one YAML model of a tiered, multi-zone deployment, checked and rendered.

    Example: tiered validate topology.yaml
    """


def print_problems(problems: list[Problem], output_format: str = "text") -> None:
    """Problems on stderr, one per line (or as JSON on stdout for --format json)."""
    if output_format == "json":
        payload = {"valid": False, "problems": [p.to_dict() for p in problems]}
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
        return
    for problem in problems:
        sys.stderr.write(f"{problem}\n")
    count = len(problems)
    sys.stderr.write(f"{count} problem{'s' if count != 1 else ''}; nothing was written\n")


def invalid(problems: list[Problem], output_format: str = "text") -> NoReturn:
    """Report problems and stop with exit code 2."""
    print_problems(problems, output_format)
    raise typer.Exit(EXIT_INVALID)


def shown(path: str | Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    absolute = Path(path).resolve()
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)


def usage_error(message: str, hint: str) -> NoReturn:
    """A mistake on the command line (not in the file): message, hint, exit 2."""
    sys.stderr.write(f"tiered: {message} — {hint}\n")
    raise typer.Exit(EXIT_INVALID)
