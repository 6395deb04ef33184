"""The one pipeline every command and test runs: load, validate, plan."""

from __future__ import annotations

from tiered.findings import InvalidTopology
from tiered.loader import load_file
from tiered.model import Topology
from tiered.placement import Plan
from tiered.planner import build_plan
from tiered.validate import Validated, validate


def check(path: str) -> Validated:
    """Load and validate ``path``; never raises for a bad file (problems are returned).

    A CloudFormation template is read through its importer (``tiered.importers``).
    """
    from tiered.importers import read_foreign

    return validate(read_foreign(path) or load_file(path))


def load(path: str) -> Topology:
    """The validated topology of ``path``; raises InvalidTopology with every problem."""
    result = check(path)
    if not result.ok or result.topology is None:
        raise InvalidTopology(result.problems)
    return result.topology


def plan(topology: Topology) -> Plan:
    """The placement plan of a validated topology."""
    return build_plan(topology)


def plan_file(path: str) -> Plan:
    """Load, validate and plan ``path``; raises InvalidTopology with every problem."""
    result = check(path)
    if result.plan is None:
        raise InvalidTopology(result.problems)
    return result.plan
