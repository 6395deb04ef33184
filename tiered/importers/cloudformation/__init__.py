"""Import a CloudFormation template as a topology: the zone-loss verdict for stacks
that already exist.

``import_template`` maps the template (and its nested stacks) to topology data with a
source map into the template; ``write_topology`` writes it as a commented file;
``read_if_template`` is the loading hook every command goes through. Modules: ``source``
(loading with positions), ``parameters``, ``intrinsics``, ``stack`` (resources and nested
stacks), ``network`` (zones, egress), ``compute``, ``balancers``, ``managed`` (RDS,
ElastiCache, EFS), ``links`` (dependencies and routes), ``assemble``, ``writer``.
"""

from __future__ import annotations

import sys

from tiered.importers.cloudformation.options import current
from tiered.importers.cloudformation.source import sniff
from tiered.loading.loader import Loaded

__all__ = ["read_if_template"]


def read_if_template(path: str) -> Loaded | None:
    """Topology data of ``path`` when it is a template (detected or ``--from``), else None.

    Notes (assumptions, unresolved values) go to stderr, located in the template.
    """
    options = current()
    if not options.forced and not sniff(path):
        return None
    from tiered.importers.cloudformation.assemble import import_template

    imported = import_template(path, options)
    for note in imported.report.notes:
        sys.stderr.write(f"{note}\n")
    return Loaded(imported.data, imported.source, imported.report.problems)
