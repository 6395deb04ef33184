"""Templates of the kinds, and the filter that keeps values from injecting syntax.

Templates are package data of ``tiered.software`` (``templates/``), read with
importlib.resources, so they are found in an installed wheel as in a checkout. Every value
a template writes goes through ``token``, which refuses anything but plain names, paths
and addresses: a value that could end a directive, open a block or start a comment stops
the rendering instead of reaching the file. jinja2 is imported on first use only.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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


def environment(loader: jinja2.BaseLoader | None = None) -> jinja2.Environment:
    """A strict environment (StrictUndefined, no autoescape: configs, not HTML) with ``token``."""
    import jinja2

    env = jinja2.Environment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # noqa: S701 - configuration files, not HTML; see `token`
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["token"] = token
    return env


@cache
def _template(package: str, name: str) -> jinja2.Template:
    text = (resources.files(package) / "templates" / name).read_text(encoding="utf-8")
    return environment().from_string(text)


def render(name: str, package: str = "tiered.software", **context: Any) -> str:
    """Render the template ``templates/<name>`` of ``package`` (a kind's own package for a
    third-party kind) with ``context``."""
    return _template(package, name).render(**context)
