"""Import a CloudFormation template as a topology: the zone-loss verdict for stacks
that already exist.

``CloudFormationImporter`` is the ``cloudformation`` entry of ``tiered.importers``;
``import_template`` maps the template (and its nested stacks) to topology data with a
source map into the template; ``write_topology`` writes it as a commented file. Modules:
``source`` (loading with positions), ``parameters``, ``intrinsics``, ``stack`` (resources
and nested stacks), ``network`` (zones, known and unknown; egress),
``compute``, ``balancers``, ``managed`` (RDS, ElastiCache, EFS), ``links`` (dependencies
and routes), ``assemble``, ``unknowns`` (what the unknowns change), ``writer``.
"""

from __future__ import annotations

import sys

from tiered.importers.base import Importer, Written
from tiered.importers.cloudformation.source import looks_like_template, sniff
from tiered.importers.options import ImportOptions
from tiered.loading.loader import Loaded

__all__ = ["CloudFormationImporter"]


class CloudFormationImporter(Importer):
    """AWS CloudFormation templates, YAML or JSON, with their nested stacks."""

    name = "cloudformation"
    description = "AWS CloudFormation template (YAML or JSON), nested stacks included"

    def sniff(self, source: str | bytes) -> bool:
        return looks_like_template(source) if isinstance(source, bytes) else sniff(source)

    def read(self, path: str, options: ImportOptions) -> Loaded:
        """Topology data of the template; notes (assumptions, unresolved values) go to
        stderr, located in the template."""
        from tiered.importers.cloudformation.assemble import import_template

        imported = import_template(path, options)
        for note in imported.report.notes:
            sys.stderr.write(f"{note}\n")
        return Loaded(imported.data, imported.source, imported.report.problems)

    def write(self, path: str, options: ImportOptions) -> Written:
        """The topology file, commented with what was inferred and what was not mapped."""
        from tiered.importers.cloudformation.assemble import import_template
        from tiered.importers.cloudformation.writer import write_topology

        imported = import_template(path, options)
        for note in imported.report.notes:
            sys.stderr.write(f"{note}\n")
        if imported.report.problems or imported.data is None:
            return Written(None, imported.report.problems, "")
        count = len(imported.drafts)
        return Written(write_topology(imported), [], f"{count} services")
