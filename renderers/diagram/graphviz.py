"""Running graphviz's ``dot`` on the DOT text: PNG, SVG or PDF, icons found via imagepath."""

from __future__ import annotations

import shutil
import subprocess

from tiered.renderers.diagram.icons import resources_dir

#: Formats graphviz draws; DOT and Mermaid are text and need no graphviz.
GRAPHVIZ_FORMATS = ("png", "svg", "pdf")
TIMEOUT = 300


class GraphvizMissing(Exception):
    """The ``dot`` executable is not on PATH."""

    message = "graphviz's 'dot' executable was not found on PATH"
    hint = (
        "install the graphviz package (Debian/Ubuntu: apt-get install graphviz; "
        "macOS: brew install graphviz), or use --format dot or --format mermaid"
    )


class GraphvizFailed(Exception):
    """``dot`` ran and failed; carries its error output."""


def dot_executable() -> str:
    """The path of ``dot``; raises GraphvizMissing when it is not installed."""
    found = shutil.which("dot")
    if found is None:
        raise GraphvizMissing(GraphvizMissing.message)
    return found


def run_dot(dot_text: str, output_format: str) -> bytes:
    """Draw ``dot_text`` as ``output_format`` (png, svg, pdf) with the diagrams icons."""
    if output_format not in GRAPHVIZ_FORMATS:
        raise ValueError(f"graphviz format must be one of {GRAPHVIZ_FORMATS}")
    command = [dot_executable(), f"-T{output_format}", f"-Gimagepath={resources_dir()}"]
    try:
        done = subprocess.run(
            command, input=dot_text.encode("utf-8"), capture_output=True, timeout=TIMEOUT
        )
    except subprocess.TimeoutExpired as error:
        raise GraphvizFailed(f"dot did not finish within {TIMEOUT} s") from error
    if done.returncode != 0 or not done.stdout:
        detail = done.stderr.decode("utf-8", "replace").strip()
        raise GraphvizFailed(f"dot failed (exit {done.returncode}): {detail}")
    return done.stdout
