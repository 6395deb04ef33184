"""The built-in exporters each command names in its help, with a word on each.

The command line's one copy of pyproject's ``tiered.exporters`` entry points (a test holds
the names equal to the registry's built-in ones): help texts are made when the commands
are defined, and reading the package metadata then would cost every command, ``tiered
--version`` and each shell completion the import of ``importlib.metadata``. The choices
themselves, their error hints and their completion come from the registry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tiered.exporters.base import Kind

#: kind → built-in exporter name → what it is for ("" when the name says it), default first.
BUILT_IN_FORMATS: dict[Kind, dict[str, str]] = {
    "render": {
        "cloudformation": "",
        "config": "",
        "fis": "",
        "nginx": "",
        "keepalived": "",
        "diagram": "",
    },
    "validate": {"text": "", "json": "for tools", "sarif": "for code scanning"},
    "report": {
        "text": "",
        "markdown": "",
        "html": "self-contained",
        "json": "",
        "sarif": "findings",
        "mef": "Open-PSA fault tree",
    },
    "plan": {"table": "for people", "json": "for tools"},
    "diagram": {"png": "", "svg": "icons embedded", "pdf": "", "dot": "text", "mermaid": "text"},
    "diff": {
        "text": "",
        "markdown": "a pull-request comment",
        "json": "",
        "sarif": "code scanning",
    },
    "rules": {"text": "", "json": "for tools"},
}


def listed(kind: Kind) -> str:
    """The built-in names of ``kind`` with their words, then plugins: ``a, b (for c), or an
    installed plugin's``."""
    shown = [f"{name} ({word})" if word else name for name, word in BUILT_IN_FORMATS[kind].items()]
    return f"{', '.join(shown)}, or an installed plugin's"
