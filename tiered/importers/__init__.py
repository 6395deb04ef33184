"""Importers: files in another format (CloudFormation) read as topology data.

``read_foreign`` is the one hook the loading pipeline calls: it returns the imported
data (with a source map pointing into the foreign file) when ``path`` is a template, and
None for a topology file, which the ordinary loader then reads.
"""

from __future__ import annotations

from tiered.loading.loader import Loaded


def read_foreign(path: str) -> Loaded | None:
    """The topology data of ``path`` when it is a CloudFormation template, else None."""
    from tiered.importers.cloudformation import read_if_template

    return read_if_template(path)
