"""The jinja2 environment of the built-in config renderers: strict, and injection-proof.

Templates are data files in ``renderers/templates``, loaded as package data of
``tiered.renderers`` (the name it has in an installed wheel). Every value a
template writes into a configuration goes through the ``token`` filter
(``tiered.software.templating``, shared with the software kinds' templates), which refuses
anything but plain names, paths and addresses: a value that could end a directive, open a
block or start a comment (``;``, braces, quotes, ``#``, whitespace) stops the rendering
instead of reaching the file. The model already restricts these values; this is the second
line of defence.
"""

from __future__ import annotations

from typing import Any

import jinja2

from tiered.software import templating
from tiered.software.templating import SAFE_TOKEN, UnsafeValue, token

__all__ = ["SAFE_TOKEN", "UnsafeValue", "environment", "render", "token"]


def environment() -> jinja2.Environment:
    """The template environment: package templates, StrictUndefined, no autoescape (not HTML)."""
    return templating.environment(jinja2.PackageLoader("tiered.renderers", "templates"))


def render(template: str, **context: Any) -> str:
    """Render ``template`` with ``context``."""
    return environment().get_template(template).render(**context)
