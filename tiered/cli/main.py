"""The assembled command line: every command module registers on the shared app."""

from __future__ import annotations

from tiered.cli import analysis, diagram, foundation, render  # noqa: F401  (registers the commands)
from tiered.cli.common import app


def main() -> None:
    app()
