"""The jinja2 environment of the built-in config renderers: strict, and injection-proof.

Templates are data files in ``renderers/templates``, loaded as package data of
``tiered.renderers`` (the name it has in an installed wheel). Every value a
template writes into a configuration goes through the ``token`` filter, which refuses
anything but plain names, paths and addresses: a value that could end a directive, open a
block or start a comment (``;``, braces, quotes, ``#``, whitespace) stops the rendering
instead of reaching the file. The model already restricts these values; this is the second
line of defence.
"""

from __future__ import annotations

import re
from typing import Any

import jinja2

#: What a value written into a config may contain: names, paths, addresses, ports, numbers.
SAFE_TOKEN = re.compile(r"^[A-Za-z0-9._~/:\[\]-]+$")


class UnsafeValue(ValueError):
    """A value that could inject syntax into a configuration file."""


def token(value: Any) -> str:
    """``value`` as text if it is a plain token; raises UnsafeValue otherwise."""
    text = str(value)
    if not SAFE_TOKEN.fullmatch(text):
        raise UnsafeValue(f"refusing to write {text!r} into a configuration file")
    return text


def environment() -> jinja2.Environment:
    """The template environment: package templates, StrictUndefined, no autoescape (not HTML)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("tiered.renderers", "templates"),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # noqa: S701 - nginx/keepalived configs, not HTML; see `token`
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["token"] = token
    return env


def render(template: str, **context: Any) -> str:
    """Render ``template`` with ``context``."""
    return environment().get_template(template).render(**context)
