"""Templates as text: YAML (default) or JSON, keys sorted, byte-identical across runs.

Templates hold only mappings, lists, strings, integers and booleans, so a small block-style
emitter writes the YAML directly: PyYAML's pure-Python representer spent seconds on the
templates of large topologies. Plain scalars are written only where YAML 1.1 cannot read
them as anything but the same string; everything else is double-quoted with YAML escapes.
The tests load every rendered template back and compare it with the data.
"""

from __future__ import annotations

import json
import re
from typing import Any

FORMATS = ("yaml", "json")

#: Strings that may be written unquoted (if also free of ": "): a letter or "/" first, then
#: letters, digits and a few punctuation marks, single spaces between words (never " #").
_PLAIN = re.compile(r"[A-Za-z/][A-Za-z0-9_./:@-]*( [A-Za-z0-9_./@(),-][A-Za-z0-9_./:@(),-]*)*")
#: Words YAML 1.1 reads as booleans or null.
_SPECIAL = {"y", "n", "yes", "no", "true", "false", "on", "off", "null"}
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t"}


def dump(data: dict[str, Any], fmt: str) -> str:
    """``data`` as ``fmt`` text ending in a newline."""
    if fmt == "json":
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    lines: list[str] = []
    _mapping(data, 0, lines)
    return "\n".join(lines) + "\n"


def scalar(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if not isinstance(value, str):
        raise TypeError(f"cannot write {type(value).__name__} into a template")
    if (
        _PLAIN.fullmatch(value)
        and value.lower() not in _SPECIAL
        and ": " not in value
        and not value.endswith(":")
    ):
        return value
    return '"' + "".join(_escape(c) for c in value) + '"'


def _escape(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    code = ord(char)
    if 0x20 <= code < 0x7F or (
        code > 0x9F and char.isprintable() and not 0xD800 <= code <= 0xDFFF and code != 0xFEFF
    ):
        return char
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _mapping(data: dict[str, Any], indent: int, lines: list[str]) -> None:
    pad = " " * indent
    for key in sorted(data):
        value = data[key]
        name = scalar(key)
        if isinstance(value, dict) and value:
            lines.append(f"{pad}{name}:")
            _mapping(value, indent + 2, lines)
        elif isinstance(value, list) and value:
            lines.append(f"{pad}{name}:")
            _sequence(value, indent, lines)
        else:
            lines.append(f"{pad}{name}: {_inline(value)}")


def _sequence(items: list[Any], indent: int, lines: list[str]) -> None:
    pad = " " * indent
    for item in items:
        if isinstance(item, (dict, list)) and item:
            start = len(lines)
            if isinstance(item, dict):
                _mapping(item, indent + 2, lines)
            else:
                _sequence(item, indent + 2, lines)
            lines[start] = f"{pad}- {lines[start][indent + 2 :]}"
        else:
            lines.append(f"{pad}- {_inline(item)}")


def _inline(value: Any) -> str:
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return scalar(value)
