"""tiered: validate, analyse and render highly available multi-zone deployments.

Public API: ``load(path) -> Topology``, ``plan(topology) -> Plan``, ``analyze(plan) ->
Analysis``, ``whatif(plan, ["us-east-1b"]) -> Scenario`` and ``run(path) -> Result`` (the
whole pipeline: plan, findings and analysis, never raising for a bad file); invalid input raises
``InvalidTopology`` carrying every located problem. ``diff(base, head) -> Diff`` compares two
topologies (files, git revisions or ``REV:path``). Imports are lazy so that the command line
starts fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = [
    "Analysis",
    "Diff",
    "InvalidTopology",
    "Plan",
    "Problem",
    "Result",
    "Topology",
    "__version__",
    "analyze",
    "diff",
    "load",
    "plan",
    "run",
    "whatif",
]

if TYPE_CHECKING:
    from collections.abc import Sequence
    from importlib.machinery import ModuleSpec
    from types import ModuleType

    from tiered.analysis import Analysis, analyze, whatif
    from tiered.changes import Diff
    from tiered.findings import InvalidTopology, Problem
    from tiered.model import Topology
    from tiered.pipeline import Result, load, plan, run
    from tiered.placement.plan import Plan

_LAZY = {
    "analyze": "tiered.analysis",
    "run": "tiered.pipeline",
    "Result": "tiered.pipeline",
    "whatif": "tiered.analysis",
    "Analysis": "tiered.analysis",
    "Diff": "tiered.changes",
    "load": "tiered.pipeline",
    "plan": "tiered.pipeline",
    "Topology": "tiered.model",
    "Plan": "tiered.placement.plan",
    "InvalidTopology": "tiered.findings",
    "Problem": "tiered.findings",
}


def diff(
    base: str, head: str | None = None, file: str = "topology.yaml", cloudformation: bool = True
) -> Diff:
    """Compare two topologies as ``tiered diff`` does (files, git revisions or ``REV:path``),
    the CloudFormation stacks included unless ``cloudformation`` is False; raises
    ``tiered.changes.InvalidSides`` naming each invalid side and its problems."""
    from tiered.changes import diff as compare
    from tiered.renderers.cloudformation import rendered

    return compare(base, head, file, render=rendered if cloudformation else None)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'tiered' has no attribute {name!r}")


#: Where a checkout keeps the built-in exporters: the top-level folder beside this package.
_CHECKOUT_RENDERERS = Path(__file__).parent.parent / "renderers"


class _CheckoutRenderers:
    """Finds ``tiered.renderers`` in a checkout, where it is the top-level ``renderers/``.

    A wheel carries that folder as ``tiered/renderers`` (pyproject.toml maps it); a checkout,
    and the editable install that points at one, has no link between the two, since a
    symlink is dropped from an sdist and becomes a text file in a Windows checkout. This
    finder, asked after every other one, answers for that one name only: adding the
    repository root to ``__path__`` would make every folder there importable as ``tiered.*``.
    The submodules and the templates are then found the usual way, below the spec's folder.
    """

    @staticmethod
    def find_spec(
        name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if name != "tiered.renderers":
            return None
        from importlib.util import spec_from_file_location

        folder = str(_CHECKOUT_RENDERERS)
        return spec_from_file_location(
            name, _CHECKOUT_RENDERERS / "__init__.py", submodule_search_locations=[folder]
        )


if (
    not (Path(__file__).parent / "renderers").is_dir()
    and (_CHECKOUT_RENDERERS / "__init__.py").is_file()
):
    sys.meta_path.append(_CheckoutRenderers())
