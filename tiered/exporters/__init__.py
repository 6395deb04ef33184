"""Everything tiered writes is an exporter: one plugin system, one writer.

``base`` defines an exporter (name, kind, ``export(result, options)`` returning files as
data), ``registry`` finds exporters through the ``tiered.exporters`` entry-point group
(built-in and third-party alike, with "did you mean"), and ``writer`` is the one place
that puts files on disk, atomically and only inside the output folder. The built-in
exporters live in ``tiered.renderers``. To add one: write an ``Exporter`` subclass and
register it in pyproject.toml as ``KIND.NAME = "module:Class"``.
"""
