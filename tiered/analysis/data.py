"""The analysis as JSON-ready typed data: what reports serialise and tools read.

TypedDicts, so that every reader's key is checked by mypy and the JSON shape is declared
in one place; ``to_dict`` methods of the analysis return these.
"""

from __future__ import annotations

from typing import TypedDict


class CauseData(TypedDict):
    root: str
    via: str | None
    reason: str
    domains: list[str]


class ScenarioData(TypedDict):
    failed: list[str]
    label: str
    system_down: bool
    down: dict[str, CauseData]


class PairData(TypedDict):
    failed: list[str]
    title: str  # one pair, and which interchangeable others it stands for
    pairs: int  # how many pairs the group holds
    newly_down: list[str]
    system_down: bool


class OwnToleranceData(TypedDict):
    order: int | None
    example: list[str]


class ToleranceData(TypedDict):
    order: int | None
    tolerated: int | None
    example: list[str]
    service: str | None
    without_managed_outages: OwnToleranceData


class AssumptionsData(TypedDict):
    instance: float
    zone: float
    database: float
    filesystem: float


class AvailabilityData(TypedDict):
    availability: float | None
    unavailability: float | None
    downtime_minutes_per_year: float | None
    assumptions: AssumptionsData
    note: str


class MarginData(TypedDict):
    name: str
    tier: str
    kind: str
    failover: str
    count: int
    per_zone: dict[str, int]
    survivors_needed: int
    worst_case_survivors: int
    worst_case: str
    margin: int
