"""The assembled command line: every command module registers on the shared app."""

from __future__ import annotations

import importlib

from tiered.cli.common import app

#: Command modules, in the order their commands appear in `tiered --help`.
COMMAND_MODULES = ("init", "foundation", "analysis", "render", "diagram", "diff", "importing")

for _module in COMMAND_MODULES:
    importlib.import_module(f"tiered.cli.{_module}")


def main() -> None:
    app()
