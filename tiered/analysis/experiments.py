"""Fault-injection experiments that test the analysis' predictions, as plain data.

Each experiment names the failure domain it injects (a zone, one instance, a database
failover), exactly what it touches in the plan (instances stopped, subnets cut off,
databases failed over) and the prediction of ``whatif`` for that failure. The FIS renderer
turns them into CloudFormation; the report lists them under "How to test this". Nothing
here knows about AWS resources beyond the names of the plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from tiered.analysis.domains import direct_reason, resolve, survivors
from tiered.analysis.graph import Calls
from tiered.analysis.scenarios import Cause, Scenario, cascade
from tiered.placement.plan import DatabaseService, Plan

#: The CloudFormation stack the experiment templates are deployed as: ``<topology>-fis``.
STACK_SUFFIX = "-fis"


class ExperimentData(TypedDict):
    """An experiment as the report shows it."""

    experiment: str
    kind: str
    tests: str
    why: str
    expected: str
    system_down: bool
    root_causes: list[str]
    stops: list[str]
    cuts_off: list[str]
    fails_over: list[str]
    command: str


class HowToTestData(TypedDict):
    """The report's "How to test this": the stack to deploy and every experiment."""

    stack: str
    render: str
    experiments: list[ExperimentData]


@dataclass(frozen=True, slots=True)
class Experiment:
    """One experiment: what it injects, what it touches, and what the analysis predicts."""

    key: str  # unique, letters, digits and dashes: "zone-us-east-1b", "instance-nginx-1"
    kind: str  # "zone", "instance" or "database"
    label: str  # what fails, as the report says it: "zone us-east-1b"
    why: str  # why this failure is worth testing
    zone: str | None  # the zone filter of a zone experiment
    instances: tuple[str, ...]  # planned instances stopped
    subnets: tuple[str, ...]  # planned subnets cut off
    databases: tuple[str, ...]  # database services forced to fail over to their standby
    scenario: Scenario
    keeps: tuple[tuple[str, int, int], ...]  # (service, replicas left, count) of survivors hit

    @property
    def system_down(self) -> bool:
        return self.scenario.system_down

    @property
    def root_causes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(cause.root for cause in self.scenario.down.values()))

    @property
    def expectation(self) -> str:
        """The prediction in one line: ``expected: system up; zookeeper keeps 2 of 3``."""
        if self.system_down:
            return f"expected: system DOWN, root cause {', '.join(self.root_causes)}"
        parts = [
            f"{name} DOWN (root cause {cause.root})" for name, cause in self.scenario.down.items()
        ]
        parts += [f"{name} keeps {left} of {count}" for name, left, count in self.keeps]
        return "expected: system up; " + (", ".join(parts) or "nothing goes down")

    @property
    def output(self) -> str:
        """The stack output holding the experiment template id: ``ExperimentZoneUsEast1b``."""
        return "Experiment" + "".join(p[:1].upper() + p[1:] for p in self.key.split("-") if p)

    def command(self, plan_name: str) -> str:
        """The one command that starts the experiment from the deployed stack (the template's
        logical id is its output's name; its physical id is the experiment template id)."""
        return (
            "aws fis start-experiment --experiment-template-id "
            '"$(aws cloudformation describe-stack-resource '
            f"--stack-name {stack_name(plan_name)} --logical-resource-id {self.output} "
            '--query StackResourceDetail.PhysicalResourceId --output text)"'
        )

    def to_dict(self, plan_name: str) -> ExperimentData:
        return {
            "experiment": self.output,
            "kind": self.kind,
            "tests": self.label,
            "why": self.why,
            "expected": self.expectation,
            "system_down": self.system_down,
            "root_causes": list(self.root_causes),
            "stops": list(self.instances),
            "cuts_off": list(self.subnets),
            "fails_over": list(self.databases),
            "command": self.command(plan_name),
        }


def stack_name(plan_name: str) -> str:
    return plan_name + STACK_SUFFIX


def multi_az_databases(plan: Plan) -> list[str]:
    """Databases with a standby to fail over to (rendered as RDS Multi-AZ)."""
    return [
        name
        for name, s in plan.services.items()
        if isinstance(s, DatabaseService) and s.failover == "primary-standby" and s.count > 1
    ]


def experiments(plan: Plan) -> list[Experiment]:
    """Every experiment FIS can run on the plan: zones, instances that matter, failovers."""
    calls = Calls.of(plan)
    found = [_zone(plan, calls, zone) for zone in plan.zones]
    found += [
        _experiment(plan, calls, "instance", name, why, instances=(name,))
        for name, why in _instances_that_matter(plan)
    ]
    for db in multi_az_databases(plan):
        found.append(
            _experiment(
                plan,
                calls,
                "database",
                f"{db}-primary",
                f"forced failover of {db} to its standby",
                databases=(db,),
                key=f"failover-{db}",
                label=f"failover of database {db}",
            )
        )
    return found


def _zone(plan: Plan, calls: Calls, zone: str) -> Experiment:
    primaries = {m.service for m in plan.managed if m.role == "primary" and m.zone == zone}
    return _experiment(
        plan,
        calls,
        "zone",
        zone,
        f"loss of zone {zone}: its subnets cut off, its instances stopped",
        instances=tuple(i.name for i in plan.instances if i.zone == zone),
        subnets=tuple(s.name for s in plan.subnets if s.zone == zone),
        databases=tuple(db for db in multi_az_databases(plan) if db in primaries),
        zone=zone,
    )


def _instances_that_matter(plan: Plan) -> list[tuple[str, str]]:
    """Instances worth stopping alone, with the reason, in plan order.

    The active node of every active-passive service (its failover is tested), one member
    of every quorum (the ensemble must keep its majority), and one replica per zone of
    every service that one lost replica takes down.
    """
    chosen: dict[str, str] = {}
    for name, service in plan.services.items():
        if service.managed:
            continue
        first = plan.first_instances(name, limit=1)[0].name
        if service.failover == "active-passive" and service.count > 1:
            where = "entry pair" if service.entry else "pair"
            chosen.setdefault(first, f"active node of the {where} {name}: its passive takes over")
        elif service.failover == "quorum":
            chosen.setdefault(first, f"a member of the {name} quorum: the majority must hold")
        if service.count - 1 < service.survivors_needed:
            for zone in service.per_zone:
                lost = plan.first_instances(name, zone, 1)[0].name
                chosen.setdefault(lost, f"one replica of {name}: its loss takes {name} down")
    return list(chosen.items())


def _experiment(
    plan: Plan,
    calls: Calls,
    kind: str,
    failed: str,
    why: str,
    *,
    instances: tuple[str, ...] = (),
    subnets: tuple[str, ...] = (),
    databases: tuple[str, ...] = (),
    zone: str | None = None,
    key: str | None = None,
    label: str | None = None,
) -> Experiment:
    failure = resolve(plan, [failed])
    # Only a zone touches every service; an instance or an endpoint touches its own service
    # alone, so the rest never needs looking at (thousands of services, hundreds of
    # experiments).
    touched = (
        list(plan.services)
        if failure.zones
        else list(dict.fromkeys([*failure.services, *(s for s, _, _ in failure.lost)]))
    )
    direct = {}
    for name in touched:
        found = direct_reason(plan.services[name], failure)
        if found is not None:
            direct[name] = Cause(root=name, reason=found[0], domains=found[1])
    scenario = cascade(plan, calls, failure.names, direct, label or f"{kind} {failed}")
    keeps = []
    for name in touched:
        service = plan.services[name]
        if name in scenario.down:
            continue
        left = survivors(service, failure.zones, failure.lost_in(name))
        if left < service.count:
            keeps.append((name, left, service.count))
    return Experiment(
        key=key or f"{kind}-{failed}",
        kind=kind,
        label=label or f"{kind} {failed}",
        why=why,
        zone=zone,
        instances=instances,
        subnets=subnets,
        databases=databases,
        scenario=scenario,
        keeps=tuple(keeps),
    )


def how_to_test(plan: Plan) -> HowToTestData | None:
    """The report's "How to test this": each experiment, its prediction and its command.

    None off AWS: FIS experiments exist only there.
    """
    if plan.provider != "aws":
        return None
    return {
        "stack": stack_name(plan.name),
        "render": "tiered render fis",
        "experiments": [e.to_dict(plan.name) for e in experiments(plan)],
    }
