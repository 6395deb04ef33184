"""The renderer plugin interface and its lookup through the ``tiered.renderers`` entry points.

A renderer turns the plan into files, as data: it returns relative paths and contents, and
``tiered.writer`` puts them on disk. Built-in renderers live in the ``renderers`` package
and register through the same entry-point group as third-party ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, Protocol, runtime_checkable

from tiered.placement import Plan

GROUP = "tiered.renderers"


@dataclass(frozen=True)
class RenderOptions:
    """What the command line passes to a renderer; each renderer reads what it needs."""

    format: str | None = None
    local: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)


class RenderRefused(Exception):
    """The renderer does not apply to this topology (e.g. CloudFormation for on premises)."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


@runtime_checkable
class Renderer(Protocol):
    """What a renderer plugin provides."""

    name: str
    description: str

    def applies_to(self, plan: Plan) -> bool:
        """Whether ``tiered render all`` should run this renderer on ``plan``."""

    def render(self, plan: Plan, options: RenderOptions) -> Mapping[str, str | bytes]:
        """Files to write, by path relative to the output folder; raises RenderRefused."""


class UnknownRenderer(Exception):
    def __init__(self, name: str, known: list[str]) -> None:
        import difflib

        close = difflib.get_close_matches(name, known, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"use one of: {', '.join(known)}"
        super().__init__(f"unknown renderer '{name}'")
        self.message, self.hint = f"unknown renderer '{name}'", hint


def available() -> list[str]:
    """Names of the installed renderers, sorted."""
    return sorted({ep.name for ep in entry_points(group=GROUP)})


def get(name: str) -> Renderer:
    """The renderer registered under ``name``; raises UnknownRenderer with a suggestion."""
    for ep in entry_points(group=GROUP):
        if ep.name == name:
            renderer = ep.load()
            return renderer() if isinstance(renderer, type) else renderer  # type: ignore[no-any-return]
    raise UnknownRenderer(name, available())
