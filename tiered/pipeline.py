"""The one pipeline every command and test runs: load (or import) → validate the topology →
plan and check the plan, then, on demand, the analysis and the rules, held together in a
Result that exporters read.

``run(path)`` never raises for a bad file: its Result carries the problems. The analysis
and the findings are computed the first time they are read, and only once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from tiered.findings import Finding, InvalidTopology, Problem, sort_problems
from tiered.importers.options import ImportOptions
from tiered.loading.loader import Loaded, SourceMap, load_file
from tiered.model import Topology
from tiered.placement.checks import place
from tiered.placement.plan import Plan
from tiered.placement.planner import build_plan
from tiered.validation.validator import validate

if TYPE_CHECKING:
    from tiered.analysis import Analysis


@dataclass(eq=False)
class Result:
    """What the pipeline knows about one input: its plan (when valid) and, lazily, the rest."""

    file: str
    topology: Topology | None
    plan: Plan | None
    source: SourceMap | None
    problems: list[Problem]
    depth: int = 1

    @classmethod
    def of_plan(cls, plan: Plan, source: SourceMap | None = None, depth: int = 1) -> Result:
        """A Result for a plan built in code (tests, benchmarks, the API)."""
        return cls(plan.name, None, plan, source, [], depth)

    @property
    def ok(self) -> bool:
        return not self.problems and self.plan is not None

    @property
    def valid_plan(self) -> Plan:
        """The plan; raises InvalidTopology when the input did not validate."""
        if self.plan is None:
            raise InvalidTopology(self.problems)
        return self.plan

    @cached_property
    def analysis(self) -> Analysis:
        """The resilience analysis of the plan, computed once on first use."""
        from tiered.analysis import analyze

        return analyze(self.valid_plan, self.source, self.depth)

    @cached_property
    def findings(self) -> list[Finding]:
        """Every rule's findings, in file order, computed once on first use."""
        from tiered.rules.runner import run_rules

        return run_rules(self.analysis)


def run(path: str, depth: int = 1, options: ImportOptions | None = None) -> Result:
    """Load, validate and plan ``path``; never raises for a bad file (problems are kept).
    ``options`` say how to read a foreign file (a template's parameters, zones …)."""
    checked = check(path, options)
    return Result(
        file=path,
        topology=checked.topology,
        plan=checked.plan,
        source=checked.source,
        problems=checked.problems,
        depth=depth,
    )


@dataclass(slots=True)
class Checked:
    """A topology with its plan when valid, and every problem found."""

    topology: Topology | None
    plan: Plan | None
    source: SourceMap
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems and self.plan is not None


def check(path: str, options: ImportOptions | None = None) -> Checked:
    """Load, validate and plan ``path``; never raises for a bad file (problems are returned).

    A foreign file (a CloudFormation template) is read through the importer that claims
    it (``tiered.importers``), with ``options``.
    """
    from tiered.importers import read_foreign

    return check_loaded(read_foreign(path, options) or load_file(path))


def check_loaded(loaded: Loaded) -> Checked:
    """Validate loaded data, then plan it and check the plan when it is valid."""
    validated = validate(loaded)
    topology, source = validated.topology, validated.source
    if not validated.ok or topology is None:
        return Checked(topology, None, source, validated.problems)
    plan, problems = place(topology, source)
    return Checked(topology, plan, source, sort_problems(problems))


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
