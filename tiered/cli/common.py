"""Shared pieces of the command line: the typer app, the FILE argument, problem output."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, NoReturn, overload

import typer

from tiered import __version__
from tiered.cli.help_format import install
from tiered.findings import Problem

install()

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tiered.changes.model import Diff
    from tiered.exporters.base import Exporter, ExportRefused, Kind
    from tiered.exporters.registry import ResultKind
    from tiered.importers.options import ImportOptions
    from tiered.pipeline import Result
    from tiered.rules.base import Rule

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

EXIT_FINDINGS, EXIT_INVALID = 1, 2


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"tiered {__version__}")
        raise typer.Exit()


def print_problems(problems: list[Problem]) -> None:
    """Problems on stderr, one per line, and a count."""
    for problem in problems:
        sys.stderr.write(f"{problem}\n")
    count = len(problems)
    sys.stderr.write(f"{count} problem{'s' if count != 1 else ''}; nothing was written\n")


def invalid(problems: list[Problem]) -> NoReturn:
    """Report problems and stop with exit code 2."""
    print_problems(problems)
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


def refused(result: Result, error: ExportRefused) -> NoReturn:
    """An exporter that does not apply: located at the topology's key that is the reason
    (``file:line:col: what — how``), else said of the file; exit 2, nothing written."""
    if error.at is not None and result.source is not None:
        where = result.source.locate(error.at, key=True)
        sys.stderr.write(f"{where}: {error.message} — {error.hint}\n")
        raise typer.Exit(EXIT_INVALID)
    usage_error(f"{result.file}: {error.message}", error.hint)


def valid_result(file: str, depth: int = 1) -> Result:
    """The pipeline's Result for ``file``; stops with exit 2 and every problem if invalid."""
    from tiered.pipeline import run

    result = run(file, depth, import_options())
    if result.plan is None:
        invalid(result.problems)
    return result


@overload
def exporter(kind: Literal["diff"], name: str) -> Exporter[Diff]: ...
@overload
def exporter(kind: Literal["rules"], name: str) -> Exporter[Sequence[Rule]]: ...
@overload
def exporter(kind: ResultKind, name: str) -> Exporter[Result]: ...
def exporter(kind: Kind, name: str) -> Exporter[Any]:
    """The installed exporter ``name`` of ``kind``; a usage error with a suggestion if none."""
    from tiered.exporters import registry

    try:
        return registry.get(kind, name)
    except registry.UnknownExporter as error:
        usage_error(error.message, error.hint)


def completer(kind: Kind) -> Callable[[str], list[str]]:
    """Shell completion of the installed exporter names of ``kind``."""

    def complete(incomplete: str) -> list[str]:
        from tiered.exporters import registry

        return [name for name in registry.names(kind) if name.startswith(incomplete)]

    return complete


def write_output(folder: str | Path, files: Mapping[str, str | bytes]) -> list[Path]:
    """Write ``files`` under ``folder`` through the one writer; usage errors for bad paths."""
    from tiered.exporters.writer import UnsafeOutputPath, write_files

    try:
        return write_files(folder, files)
    except UnsafeOutputPath as error:
        usage_error(str(error), "choose a plain path inside the output folder")
    except OSError as error:
        usage_error(f"cannot write {folder}: {error.strerror}", "pick a writable output path")


def emit_document(content: str | bytes, output: str | None) -> None:
    """A one-document export: to stdout (``output`` None or ``-``), or written atomically to
    ``output``."""
    if output is None or output == "-":
        if isinstance(content, bytes):
            sys.stdout.buffer.write(content)
        else:
            sys.stdout.write(content)
        return
    target = Path(output)
    written = write_output(target.parent, {target.name: content})
    typer.echo(f"wrote {shown(written[0])}")


def import_options() -> ImportOptions | None:
    """The options of this invocation (given before the command), or None."""
    from typer._click.globals import get_current_context

    from tiered.importers.options import ImportOptions

    context = get_current_context(silent=True)
    found = context.find_root().obj if context is not None else None
    return found if isinstance(found, ImportOptions) else None
