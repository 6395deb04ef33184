"""Importers: files in another format (a CloudFormation template …) read as topology data.

Each importer is a plugin of the ``tiered.importers`` entry-point group (``registry``;
the contract is ``base.Importer``: ``sniff`` and ``read``). ``read_foreign`` is the one
hook the loading pipeline calls: it returns the imported data (with a source map pointing
into the foreign file) when an importer claims ``path``, and None for a topology file,
which the ordinary loader then reads.
"""

from __future__ import annotations

from tiered.importers.options import ImportOptions
from tiered.loading.loader import MAX_FILE_BYTES, Loaded

__all__ = ["ImportOptions", "read_foreign"]


def read_foreign(path: str, options: ImportOptions | None = None) -> Loaded | None:
    """The topology data of ``path`` when an importer claims it (or ``options.source``
    names one), else None."""
    from tiered.importers import registry

    options = options or ImportOptions()
    if options.source is not None:
        return registry.get(options.source).read(path, options)
    try:
        with open(path, "rb") as handle:
            head = handle.read(MAX_FILE_BYTES + 1)
    except OSError:
        return None  # the ordinary loader says what is wrong with the path
    importer = registry.claiming(path, head)
    return None if importer is None else importer.read(path, options)
