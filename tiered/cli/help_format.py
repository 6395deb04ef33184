"""Help text conventions, applied once to typer's plain (non-rich) help output.

* No type labels (``<bool>``, ``<str>``, ``<list[str]>``): tiered's parameters say what
  they take through their metavar (FILE, DIR, DOMAIN, COLUMNS) or their choices, so
  arguments show their name alone, flags nothing, options their metavar or choices
  (``text|json``).
* Usage lines in the usual form: a required argument as ``NAME``, an optional one as
  ``[NAME]``, never typer's ``{name}``; names always in capitals.
* Lines break only at spaces: never inside a hyphenated name (``us-east-1b``), an
  option or a path, whatever the terminal's width.
* Examples in an epilog (``Examples:  tiered a  ·  tiered b``) are printed one a line,
  each command whole (continued with a hanging indent only when longer than a line).
"""

from __future__ import annotations

from typing import Any

from typer._click import _textwrap
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

#: What separates two examples in an epilog, and the words that open one.
SEPARATOR = "  ·  "
OPENINGS = ("Examples:", "Example:")


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


def _usage_name(self: TyperArgument) -> str:
    name = self.metavar or self.display_name_raw.upper()
    name = name if self.required else f"[{name}]"
    return name + ("..." if self.nargs != 1 else "")


class _WholeWords(_textwrap.TextWrapper):
    """click's text wrapper, breaking lines at spaces only."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.update(break_on_hyphens=False, break_long_words=False)
        super().__init__(*args, **kwargs)


def _format_epilog(self: Any, ctx: Any, formatter: Any) -> None:
    """The epilog; examples one a line, each whole."""
    epilog = self.epilog or ""
    opening = next((o for o in OPENINGS if epilog.startswith(o)), None)
    if opening is None:
        _ORIGINAL_EPILOG(self, ctx, formatter)
        return
    examples = [e.strip() for e in epilog[len(opening) :].split(SEPARATOR)]
    width = max(formatter.width - formatter.current_indent - 4, 20)
    formatter.write_paragraph()
    with formatter.indentation():
        formatter.write_text(opening)
        for example in examples:
            wrapper = _WholeWords(width, initial_indent="  ", subsequent_indent="      ")
            for line in wrapper.wrap(example):
                formatter.write(f"{'':>{formatter.current_indent}}{line}\n")


_ORIGINAL = TyperOption.display_type_rich
_ORIGINAL_EPILOG = TyperCommand.format_epilog


def install() -> None:
    """Apply the conventions to typer's help output (idempotent)."""
    TyperArgument.display_type_rich = _argument_type  # type: ignore[method-assign,assignment]
    TyperOption.display_type_rich = _option_type  # type: ignore[method-assign]
    TyperArgument._usage_display_name = _usage_name  # type: ignore[method-assign]
    _textwrap.TextWrapper = _WholeWords  # type: ignore[misc]
    TyperCommand.format_epilog = _format_epilog  # type: ignore[method-assign]
    TyperGroup.format_epilog = _format_epilog  # type: ignore[method-assign]
