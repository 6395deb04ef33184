"""Which files are tiered topologies: for hooks that pass every YAML file of a repository.

A tiered topology is a YAML file whose top-level mapping has a ``tiers`` key: the one key
every topology needs and the one no Kubernetes manifest, GitHub workflow, Compose file or
CloudFormation template has. The key is first looked for as a line ``tiers:`` at the left
margin, which finds it even in a file whose YAML is broken elsewhere (that file is still
validated, and its problems reported); a file written in flow style (``{tiers: …}``) is
parsed instead.
"""

from __future__ import annotations

import re
from pathlib import Path

_TOP_LEVEL_TIERS = re.compile(r"""^(?:tiers|"tiers"|'tiers')[ \t]*:""", re.MULTILINE)


def is_topology(path: str | Path) -> bool:
    """Whether ``path`` holds a tiered topology (a top-level ``tiers`` key); a file that
    cannot be read is given the benefit of the doubt, so that validation reports it."""
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return True
    if "tiers" not in text:
        return False
    if _TOP_LEVEL_TIERS.search(text):
        return True
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return False
    return isinstance(data, dict) and "tiers" in data


def topologies_only(files: list[str]) -> tuple[list[str], list[str]]:
    """The files that are tiered topologies, and the others (each in the given order)."""
    kept: list[str] = []
    skipped: list[str] = []
    for file in files:
        (kept if is_topology(file) else skipped).append(file)
    return kept, skipped


def skipped_note(skipped: list[str]) -> str:
    """The one line that names the files left alone, or '' when there are none."""
    if not skipped:
        return ""
    what = (
        "file that is not a tiered topology"
        if len(skipped) == 1
        else "files that are not tiered topologies"
    )
    return f"skipped {len(skipped)} {what} (no top-level `tiers`): {', '.join(skipped)}"
