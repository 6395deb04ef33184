"""`tiered import FORMAT`, and the options that let every command read a foreign file.

The options on the root command (``tiered --param Subnets=a,b --zone a=us-east-1a
validate stack.yaml``) are gathered into one ``ImportOptions`` kept on the invocation's
root context; commands pass it with every read (``import_options()``). ``--from NAME``
reads files through that importer even when they do not look like its format. The
importers (and the ``import`` subcommands) come from ``tiered.importers.registry``.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from tiered.cli.common import app, invalid, usage_error, version_callback
from tiered.findings import Location, Problem

if TYPE_CHECKING:
    from tiered.importers.options import ImportOptions

PANEL = "Reading a CloudFormation template"

import_app = typer.Typer(
    name="import",
    help="Write a topology from infrastructure that already exists (CloudFormation).",
    no_args_is_help=True,
)
app.add_typer(import_app)

ParamOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--param",
        metavar="K=V",
        rich_help_panel=PANEL,
        help="A parameter value, K=V (lists: K=a,b). Repeatable.",
    ),
]
ParamsFileOpt = Annotated[
    str | None,
    typer.Option(
        "--parameters",
        metavar="FILE",
        rich_help_panel=PANEL,
        help="Parameters file in CloudFormation's formats (create-stack JSON, "
        "template configuration, or deploy's K=V list).",
    ),
]
RegionOpt = Annotated[
    str | None,
    typer.Option(
        "--region", metavar="REGION", rich_help_panel=PANEL, help="Region the stack runs in."
    ),
]
ZoneOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--zone",
        metavar="SUBNET=ZONE",
        rich_help_panel=PANEL,
        help="Zone of a subnet: its id, parameter value or export name, SUBNET=ZONE. Repeatable.",
    ),
]
ExportsFileOpt = Annotated[
    str | None,
    typer.Option(
        "--exports",
        metavar="FILE",
        rich_help_panel=PANEL,
        help="Other stacks' exports, as `aws cloudformation list-exports` prints them "
        "(JSON); they resolve Fn::ImportValue.",
    ),
]
ExportOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--export",
        metavar="NAME=VALUE",
        rich_help_panel=PANEL,
        help="The value another stack exports as NAME. Repeatable.",
    ),
]
StrictOpt = Annotated[
    bool,
    typer.Option(
        "--strict",
        rich_help_panel=PANEL,
        help="Exit 2 when a value the template does not determine (a subnet's zone) "
        "changes the verdict, naming the options that settle it.",
    ),
]
TemplateDirOpt = Annotated[
    str | None,
    typer.Option(
        "--template-dir",
        metavar="DIR",
        rich_help_panel=PANEL,
        help="Folder holding the templates of nested stacks.",
    ),
]


def _pairs(items: list[str] | None, option: str, example: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or (option != "--param" and not value.strip()):
            usage_error(f"{option} {item!r} is not {example.split()[1].split('=')[0]}=…", example)
        found[key.strip()] = value.strip()
    return found


def options_from(
    params: list[str] | None = None,
    parameters_file: str | None = None,
    region: str | None = None,
    zones: list[str] | None = None,
    template_dir: str | None = None,
    source: str | None = None,
    exports_file: str | None = None,
    exports: list[str] | None = None,
    strict: bool = False,
) -> ImportOptions:
    """The import options of a command line; mistakes stop with exit 2."""
    from tiered.importers.cloudformation.parameters import read_exports_file, read_parameters_file
    from tiered.importers.options import ImportOptions

    values: dict[str, str] = {}
    if parameters_file is not None:
        found, problems = read_parameters_file(parameters_file)
        if problems:
            invalid(problems)
        values.update(found)
    values.update(_pairs(params, "--param", "write --param Subnets=subnet-a,subnet-b"))
    exported: dict[str, str] = {}
    if exports_file is not None:
        listed, problems = read_exports_file(exports_file)
        if problems:
            invalid(problems)
        exported.update(listed)
    exported.update(_pairs(exports, "--export", "write --export vpc-SubnetA=subnet-0a1b2c"))
    mapping = _pairs(zones, "--zone", "write --zone subnet-a=us-east-1a")
    return ImportOptions(values, region, mapping, template_dir, source, exported, strict)


def _known_source(source: str | None) -> None:
    if source is None:
        return
    from tiered.importers import registry

    try:
        registry.get(source)
    except registry.UnknownImporter as error:
        usage_error(f"--from {source!r}: {error.message}", error.hint)


@app.callback()
def _root_with_templates(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=version_callback,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
    source: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="FORMAT",
            rich_help_panel=PANEL,
            help="Read FILE as: cloudformation, or an installed importer (default: detected).",
        ),
    ] = None,
    params: ParamOpt = None,
    parameters_file: ParamsFileOpt = None,
    region: RegionOpt = None,
    zones: ZoneOpt = None,
    exports_file: ExportsFileOpt = None,
    exports: ExportOpt = None,
    strict: StrictOpt = False,
    template_dir: TemplateDirOpt = None,
) -> None:
    """tiered: one YAML model of a tiered, multi-zone deployment, checked and rendered.

    Every command also reads a CloudFormation template in place of a topology; the
    options above (given before the command) say how to read it.

    Example: tiered validate topology.yaml
    """
    # The root callback of the app (one per app): --version, and the template options,
    # kept on this invocation's root context for the command to pass with its reads.
    _known_source(source)
    given = (params, parameters_file, region, zones, exports_file, exports, template_dir)
    if source or strict or any(given):
        ctx.obj = options_from(
            params,
            parameters_file,
            region,
            zones,
            template_dir,
            source,
            exports_file,
            exports,
            strict,
        )


def _import_command(name: str) -> None:
    """Register ``tiered import NAME`` for the built-in importer ``name``."""

    def command(
        template: Annotated[
            str, typer.Argument(metavar="TEMPLATE", help="CloudFormation template (YAML or JSON).")
        ],
        params: ParamOpt = None,
        parameters_file: ParamsFileOpt = None,
        region: RegionOpt = None,
        zones: ZoneOpt = None,
        exports_file: ExportsFileOpt = None,
        exports: ExportOpt = None,
        strict: StrictOpt = False,
        template_dir: TemplateDirOpt = None,
        output: Annotated[
            str | None,
            typer.Option(
                "--output", "-o", metavar="FILE", help="Write the topology here (default: stdout)."
            ),
        ] = None,
    ) -> None:
        """Write a topology from a CloudFormation template: services with the resources they
        came from, inferred values marked, unmapped resources listed with the reason.

        Zones the template does not determine (subnets given as parameters or imported
        from other stacks) come from --zone, a parameters file or --exports; without them
        each such subnet is an unknown zone of its own, named as such, and the import
        says which verdicts depend on them (--strict: exit 2). Exit 2 (nothing written)
        when the template is unusable.
        """
        options = options_from(
            params,
            parameters_file,
            region,
            zones,
            template_dir,
            name,
            exports_file,
            exports,
            strict,
        )
        _write_import(name, template, options, output)

    import_app.command(
        name,
        epilog="Examples:  tiered import cloudformation stack.yaml -o topology.yaml  ·  "
        "tiered import cloudformation web.yaml --param Subnets=subnet-a,subnet-b "
        "--zone subnet-a=us-east-1a --zone subnet-b=us-east-1b",
    )(command)


def _write_import(name: str, template: str, options: ImportOptions, output: str | None) -> None:
    from pathlib import Path

    from tiered.exporters.writer import write_files
    from tiered.importers import registry
    from tiered.loading.loader import load_bytes
    from tiered.pipeline import check_loaded

    if output is not None and Path(output).is_dir():
        usage_error(f"-o {output} is a folder", "give the path of the topology file to write")
    written = registry.get(name).write(template, options)
    if written.problems or written.text is None:
        invalid(written.problems)
    shown_as = output or "<stdout>"
    checked = check_loaded(load_bytes(written.text.encode(), shown_as))
    if checked.problems:  # the importer's own mistake: say so rather than write a bad file
        invalid(
            [
                Problem(
                    Location(template),
                    "import-invalid",
                    f"the imported topology is not valid: {checked.problems[0]}",
                    f"please report this file to the {name} importer",
                )
            ]
        )
    if output is None:
        sys.stdout.write(written.text)
        return
    target = Path(output)
    write_files(target.parent if str(target.parent) else Path(), {target.name: written.text})
    sys.stderr.write(f"wrote {output}: {written.summary}\n")


def _register_import_commands() -> None:
    from tiered.importers.registry import BUILT_IN

    for name in BUILT_IN:
        _import_command(name)


_register_import_commands()
