"""Loading a template with positions, through the project's safe loader.

CloudFormation's short-form tags (``!Ref``, ``!GetAtt``, ``!Sub`` ...) are accepted here,
for templates only: each becomes the long form (``{"Ref": ...}``). JSON templates are
read by the same loader (JSON is YAML); tabs, legal between JSON tokens but not in YAML
indentation, are read as spaces (a JSON string cannot hold a raw tab).
"""

from __future__ import annotations

import re

from tiered.findings import Problem
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
        # the Rules section's functions
        "Contains",
        "EachMemberEquals",
        "EachMemberIn",
        "RefAll",
        "ValueOf",
        "ValueOfAll",
    )
}

#: Tag prefixes of pre-processors whose templates are not plain CloudFormation, and how
#: each tool turns them into a template.
PREPROCESSORS: dict[str, str] = {
    "!Rain::": "Rain: run `rain pkg TEMPLATE > packaged.yaml` and import packaged.yaml",
}
_TAG_IN_MESSAGE = re.compile(r"unsupported YAML tag '([^']+)'")

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
    return _name_preprocessors(_load(path))


def _load(path: str) -> Loaded:
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


def _name_preprocessors(loaded: Loaded) -> Loaded:
    """A pre-processor's tag (``!Rain::Module``) refused with the tool that expands it,
    rather than as an unknown YAML tag."""
    for index, problem in enumerate(loaded.problems):
        match = _TAG_IN_MESSAGE.search(problem.message) if problem.code == "unsafe-tag" else None
        tag = match.group(1) if match else ""
        tool = next((how for prefix, how in PREPROCESSORS.items() if tag.startswith(prefix)), None)
        if tool is None and "::" in tag:
            tool = (
                "a pre-processor: expand the template with the tool that defines it and "
                "import its output"
            )
        if tool is not None:
            loaded.problems[index] = Problem(
                problem.location,
                "cfn-preprocessor-tag",
                f"the tag {tag} is not CloudFormation but a pre-processor's: the template "
                "must be expanded before CloudFormation (or tiered) can read it",
                f"expand it with {tool}",
            )
    return loaded
