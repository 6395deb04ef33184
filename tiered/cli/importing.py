"""`tiered import cloudformation`, and the options that let every command read a template.

The options on the root command (``tiered --param Subnets=a,b --zone a=us-east-1a
validate stack.yaml``) apply to every template a command reads; ``--from cloudformation``
reads files as templates even when they do not look like one.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from tiered.cli.common import app, invalid, usage_error, version_callback
from tiered.findings import Location, Problem

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
        help="Zone of a subnet id or parameter value, SUBNET=ZONE. Repeatable.",
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


def options_from(
    params: list[str] | None,
    parameters_file: str | None,
    region: str | None,
    zones: list[str] | None,
    template_dir: str | None,
    forced: bool,
) -> object:
    """The import options of a command line; mistakes stop with exit 2."""
    from tiered.importers.cloudformation.options import ImportOptions
    from tiered.importers.cloudformation.parameters import read_parameters_file

    values: dict[str, str] = {}
    if parameters_file is not None:
        found, problems = read_parameters_file(parameters_file)
        if problems:
            invalid(problems)
        values.update(found)
    for item in params or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            usage_error(f"--param {item!r} is not K=V", "write --param Subnets=subnet-a,subnet-b")
        values[key.strip()] = value.strip()
    mapping: dict[str, str] = {}
    for item in zones or []:
        key, sep, value = item.partition("=")
        if not sep or not key or not value:
            usage_error(f"--zone {item!r} is not SUBNET=ZONE", "write --zone subnet-a=us-east-1a")
        mapping[key.strip()] = value.strip()
    return ImportOptions(values, region, mapping, template_dir, forced)


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
            help="Read FILE as: cloudformation (default: detected).",
        ),
    ] = None,
    params: ParamOpt = None,
    parameters_file: ParamsFileOpt = None,
    region: RegionOpt = None,
    zones: ZoneOpt = None,
    template_dir: TemplateDirOpt = None,
) -> None:
    """tiered: one YAML model of a tiered, multi-zone deployment, checked and rendered.

    Every command also reads a CloudFormation template in place of a topology; the
    options above (given before the command) say how to read it.

    Example: tiered validate topology.yaml
    """
    # The root callback of the app (one per app): --version, and the template options.
    if source not in (None, "cloudformation"):
        usage_error(f"--from {source!r} is not a format tiered reads", "use --from cloudformation")
    if source or params or parameters_file or region or zones or template_dir:
        from tiered.importers.cloudformation.options import ImportOptions, use

        options = options_from(params, parameters_file, region, zones, template_dir, bool(source))
        assert isinstance(options, ImportOptions)
        use(options)


@import_app.command(
    "cloudformation",
    epilog="Examples:  tiered import cloudformation stack.yaml -o topology.yaml  ·  "
    "tiered import cloudformation web.yaml --param Subnets=subnet-a,subnet-b "
    "--zone subnet-a=us-east-1a --zone subnet-b=us-east-1b",
)
def cloudformation(
    template: Annotated[
        str, typer.Argument(metavar="TEMPLATE", help="CloudFormation template (YAML or JSON).")
    ],
    params: ParamOpt = None,
    parameters_file: ParamsFileOpt = None,
    region: RegionOpt = None,
    zones: ZoneOpt = None,
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

    Zones the template does not determine (subnets given as parameters) come from
    --zone or a parameters file; without them each subnet is assumed to be a zone of its
    own, and the import says so. Exit 2 (nothing written) when the template is unusable.
    """
    from pathlib import Path

    from tiered.exporters.writer import write_files
    from tiered.importers.cloudformation.assemble import import_template
    from tiered.importers.cloudformation.options import ImportOptions
    from tiered.importers.cloudformation.writer import write_topology
    from tiered.loading.loader import load_bytes
    from tiered.pipeline import check_loaded

    if output is not None and Path(output).is_dir():
        usage_error(f"-o {output} is a folder", "give the path of the topology file to write")
    options = options_from(params, parameters_file, region, zones, template_dir, True)
    assert isinstance(options, ImportOptions)
    imported = import_template(template, options)
    for note in imported.report.notes:
        sys.stderr.write(f"{note}\n")
    if imported.report.problems or imported.data is None:
        invalid(imported.report.problems)
    text = write_topology(imported)
    name = output or "<stdout>"
    checked = check_loaded(load_bytes(text.encode(), name))
    if checked.problems:  # the importer's own mistake: say so rather than write a bad file
        invalid(
            [
                Problem(
                    Location(template),
                    "import-invalid",
                    f"the imported topology is not valid: {checked.problems[0]}",
                    "please report this template to tiered",
                )
            ]
        )
    if output is None:
        sys.stdout.write(text)
        return
    target = Path(output)
    write_files(target.parent if str(target.parent) else Path(), {target.name: text})
    sys.stderr.write(f"wrote {output}: {len(imported.drafts)} services\n")
