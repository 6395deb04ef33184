"""Loading a template with positions, through the project's safe loader.

CloudFormation's short-form tags (``!Ref``, ``!GetAtt``, ``!Sub`` ...) are accepted here,
for templates only: each becomes the long form (``{"Ref": ...}``). JSON templates are
read by the same loader (JSON is YAML); tabs, legal between JSON tokens but not in YAML
indentation, are read as spaces (a JSON string cannot hold a raw tab).
"""

from __future__ import annotations

import re

from tiered.loading.loader import MAX_FILE_BYTES, Loaded, load_bytes, load_file

#: Short-form tags and the key of the long form each stands for.
SHORT_TAGS: dict[str, str] = {
    f"!{name}": ("Fn::" + name if name not in ("Ref", "Condition") else name)
    for name in (
        "Ref",
        "Condition",
        "Base64",
        "Cidr",
        "FindInMap",
        "GetAtt",
        "GetAZs",
        "ImportValue",
        "Join",
        "Select",
        "Split",
        "Sub",
        "Transform",
        "And",
        "Equals",
        "If",
        "Not",
        "Or",
        "Length",
        "ToJsonString",
    )
}

_TOP_KEY = re.compile(rb"""(?m)^["']?(?:AWSTemplateFormatVersion|Resources)["']?[ \t]*:""")
_JSON_KEY = re.compile(rb'"(?:AWSTemplateFormatVersion|Resources)"\s*:')


def looks_like_template(raw: bytes) -> bool:
    """Whether a file's bytes are a CloudFormation template (its top-level keys say so)."""
    if _TOP_KEY.search(raw):
        return True
    return raw.lstrip()[:1] == b"{" and _JSON_KEY.search(raw) is not None


def sniff(path: str) -> bool:
    """Whether the file at ``path`` looks like a template; unreadable files do not."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError:
        return False
    return looks_like_template(raw)


def load_template(path: str) -> Loaded:
    """The template's data and source map; every problem located, never raises."""
    loaded = load_file(path, SHORT_TAGS)
    if loaded.problems and any(p.code == "yaml-syntax" for p in loaded.problems):
        try:
            with open(path, "rb") as handle:
                raw = handle.read(MAX_FILE_BYTES + 1)
        except OSError:
            return loaded
        if raw.lstrip()[:1] == b"{" and b"\t" in raw:
            return load_bytes(raw.replace(b"\t", b" "), path, SHORT_TAGS)
    return loaded
