"""tiered: validate, analyse and render highly available multi-zone deployments.

Public API: ``load(path) -> Topology``, ``plan(topology) -> Plan``, ``analyze(plan) ->
Analysis``, ``whatif(plan, ["us-east-1b"]) -> Scenario`` and ``run(path) -> Result`` (the
whole pipeline: plan, findings and analysis, never raising for a bad file); invalid input raises
``InvalidTopology`` carrying every located problem. ``diff(base, head) -> Diff`` compares two
topologies (files, git revisions or ``REV:path``). Imports are lazy so that the command line
starts fast.
"""

from __future__ import annotations

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
    from tiered.analysis import Analysis, analyze, whatif
    from tiered.changes import Diff, diff
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
    "diff": "tiered.changes",
    "Diff": "tiered.changes",
    "load": "tiered.pipeline",
    "plan": "tiered.pipeline",
    "Topology": "tiered.model",
    "Plan": "tiered.placement.plan",
    "InvalidTopology": "tiered.findings",
    "Problem": "tiered.findings",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'tiered' has no attribute {name!r}")
