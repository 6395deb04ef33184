"""Help text without typer's type labels (``<bool>``, ``<str>``, ``<list[str]>``).

Typer prints the Python type beside every parameter. tiered's parameters say what they
take through their metavar (FILE, DIR, DOMAIN, COLUMNS) or their choices, so arguments
show their name alone, flags nothing, and options their metavar, their choices
(``text|json``) or their name in capitals. Imported once by the command-line app.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperArgument, TyperOption


def _argument_type(self: TyperArgument, ctx: Any) -> str | None:
    return None  # the metavar (FILE, RENDERER, ID) already says what it takes


def _option_type(self: TyperOption, ctx: Any) -> str | None:
    if self.metavar is not None:
        return self.metavar
    descriptor = getattr(self, "type_descriptor", None)
    if getattr(descriptor, "is_choice", False):
        return str(_ORIGINAL(self, ctx)).strip("<>")
    long = next((o for o in self.opts if o.startswith("--")), self.opts[0])
    return long.lstrip("-").upper().replace("-", "_")


_ORIGINAL = TyperOption.display_type_rich


def install() -> None:
    """Replace typer's type labels in help output (idempotent)."""
    TyperArgument.display_type_rich = _argument_type  # type: ignore[method-assign,assignment]
    TyperOption.display_type_rich = _option_type  # type: ignore[method-assign]
