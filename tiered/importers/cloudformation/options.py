"""The options of a CloudFormation import: the importers' own ``ImportOptions``.

They are passed with every read (``import_template(path, options)``); no option is kept
in the process.
"""

from __future__ import annotations

from tiered.importers.options import ImportOptions

__all__ = ["ImportOptions"]
