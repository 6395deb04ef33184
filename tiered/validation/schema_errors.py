"""Turns pydantic validation errors into located problems with plain-language hints."""

from __future__ import annotations

import difflib
import re
from typing import Any

from pydantic import BaseModel, ValidationError

from tiered import model
from tiered.findings import Problem
from tiered.loading.loader import Path, SourceMap

_PATTERN_TEXT: dict[str, tuple[str, str]] = {
    model.NAME_PATTERN: (
        "is not a valid name",
        "use a lowercase identifier: a letter, then letters, digits or '-', at most 63 characters",
    ),
    model.URL_PATH_PATTERN: (
        "is not a plain URL path",
        "start with '/' and use only letters, digits and . _ ~ / -",
    ),
    model.HOSTNAME_PATTERN: (
        "is not a DNS host name",
        "use labels of letters, digits and '-' separated by dots, e.g. app.example.com",
    ),
    model.FILE_PATH_PATTERN: (
        "is not a safe file path",
        "use letters, digits, '.', '_', '-' and '/' only, e.g. /etc/nginx/tls/site.crt",
    ),
    model.RULE_ID_PATTERN: (
        "is not a rule id",
        "name a rule like TR001; `tiered rules` lists them",
    ),
    model.INSTANCE_TYPE_PATTERN: (
        "is not an instance type",
        "write it as AWS does, e.g. t3.micro or db.t3.micro",
    ),
    model.SIZE_NAME_PATTERN: (
        "is not a size name",
        "use letters, digits, '.', '_' and '-', e.g. t3.micro on aws or vm-small on premises",
    ),
}

_TYPE_NAMES = {
    "int_type": "an integer",
    "int_from_float": "an integer",
    "bool_type": "true or false",
    "string_type": "a string",
    "float_type": "a number",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}

_FIELD_HINTS = {
    "version": "add `version: 1` at the top",
    "name": "add `name: my-deployment`",
    "zones": "list the zones, e.g. `zones: [us-east-1a, us-east-1b, us-east-1c]`",
    "network": "add `network: {cidr: 10.0.0.0/16}`",
    "cidr": "add `cidr: 10.0.0.0/16`",
    "tiers": "add at least one tier with services",
    "services": "add at least one service to the tier",
    "role": "add `role: presentation`, `application` or `data`",
    "path": "add `path: /`",
    "to": "add `to: SERVICE`, the service the route sends requests to",
    "rule": "add `rule: TR001`, the rule whose finding you accept",
    "reason": 'say why the risk is acceptable: `reason: "..."`',
}


def model_at(path: Path) -> type[BaseModel] | None:
    """The model class that describes the mapping at ``path`` of a topology document."""
    if not path:
        return model.Topology
    if path[0] == "tiers":
        if len(path) == 2:
            return model.Tier
        if len(path) == 4:
            return model.Service
        if len(path) >= 5:
            field = path[4]
            if field == "health_check" and len(path) == 5:
                return model.HealthCheck
            if field == "tls" and len(path) == 5:
                return model.Tls
            if field == "routes" and len(path) == 6:
                return model.Route
            if field == "accept" and len(path) == 6:
                return model.Accept
        return None
    if len(path) == 1:
        top: dict[str, type[BaseModel]] = {
            "network": model.Network,
            "entry": model.Entry,
            "assumptions": model.Assumptions,
        }
        return top.get(str(path[0]))
    return None


#: Words people write for a field of the format, from other tools' vocabularies.
_SYNONYMS = {
    "replicas": "count",
    "instances": "count",
    "type": "instance_type",
    "class": "instance_class",
    "dependencies": "depends_on",
    "depends": "depends_on",
    "requires": "depends_on",
    "az": "zones",
    "azs": "zones",
    "availability_zones": "zones",
    "vpc": "network",
    "cidr_block": "cidr",
    "ports": "listen",
    "healthcheck": "health_check",
    "health": "health_check",
    "upstreams": "routes",
    "mode": "failover",
    "min_replicas": "min_healthy",
    "location": "path",
    "target": "to",
    "backend": "to",
}


def did_you_mean(word: str, choices: Any) -> str:
    """'did you mean X?' for a misspelt word (or a known synonym), or ''."""
    options = [str(c) for c in choices]
    synonym = _SYNONYMS.get(str(word).lower().replace("-", "_"))
    if synonym in options:
        return f"did you mean '{synonym}'?"
    close = difflib.get_close_matches(str(word), options, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def translate(error: ValidationError, source: SourceMap, prefix: Path = ()) -> list[Problem]:
    """One problem per pydantic error, located through the source map."""
    return [_problem(detail, source, prefix) for detail in error.errors(include_url=False)]


def _problem(detail: Any, source: SourceMap, prefix: Path) -> Problem:
    loc: Path = prefix + tuple(detail["loc"])
    kind: str = detail["type"]
    value = detail.get("input")
    ctx = detail.get("ctx") or {}
    if loc and loc[-1] == "[key]":
        loc = loc[:-1]
        return _located(
            source,
            loc,
            True,
            "bad-name",
            f"'{loc[-1]}' is not a valid name",
            _PATTERN_TEXT[model.NAME_PATTERN][1],
        )
    field = str(loc[-1]) if loc else "document"
    where = _describe(loc)
    if kind == "extra_forbidden":
        known = model_at(loc[:-1])
        fields = list(known.model_fields) if known else []
        suggestion = did_you_mean(field, fields)
        hint = suggestion or (f"allowed here: {', '.join(fields)}" if fields else "remove it")
        if not suggestion and known is not model.Service and field in model.Service.model_fields:
            owner = _service_above(source, loc)
            hint = (
                f"'{field}' is a service setting: indent it under '{owner}' (the service "
                "above), like its other settings"
                if owner
                else f"'{field}' is a service setting: indent it under a service ({hint})"
            )
        return _located(
            source, loc, True, "unknown-key", f"unknown key '{field}'{_in(loc[:-1])}", hint
        )
    if kind == "missing":
        parent = loc[:-1]
        return _located(
            source,
            parent,
            True,
            "missing-key",
            f"missing required key '{field}'{_in(parent)}",
            _missing_hint(field, value),
        )
    if kind in _TYPE_NAMES:
        return _located(
            source,
            loc,
            False,
            "wrong-type",
            f"{where} must be {_TYPE_NAMES[kind]}, not {_show(value)}",
            _type_hint(kind, value),
        )
    if kind == "literal_error":
        expected = ctx.get("expected", "")
        choices = [c.strip().strip("'") for c in expected.replace(" or ", ", ").split(",")]
        suggestion = did_you_mean(value, choices) if isinstance(value, str) else ""
        return _located(
            source,
            loc,
            False,
            "bad-value",
            f"{where} must be one of {', '.join(choices)}, not {_show(value)}",
            suggestion or f"use one of: {', '.join(choices)}",
        )
    if kind == "string_pattern_mismatch":
        text, hint = _PATTERN_TEXT.get(ctx.get("pattern", ""), ("has an invalid form", "fix it"))
        return _located(source, loc, False, "bad-format", f"{where} {_show(value)} {text}", hint)
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = {
            "greater_than_equal": "at least",
            "greater_than": "more than",
            "less_than_equal": "at most",
            "less_than": "less than",
        }[kind]
        limit = next(iter(ctx.values()), "")
        return _located(
            source,
            loc,
            False,
            "out-of-range",
            f"{where} must be {bound} {limit}, not {_show(value)}",
            f"use a value {bound} {limit}",
        )
    if kind in ("too_short", "string_too_short"):
        default = "add at least one entry" if kind == "too_short" else "write a value"
        return _located(
            source,
            loc,
            False,
            "empty",
            f"{where} must not be empty",
            _FIELD_HINTS.get(field, default),
        )
    if kind in ("too_long", "string_too_long"):
        limit = ctx.get("max_length", "")
        return _located(
            source, loc, False, "too-long", f"{where} is too long (at most {limit})", "shorten it"
        )
    return _located(source, loc, False, "invalid", f"{where}: {detail['msg']}", "fix the value")


def _missing_hint(field: str, parent: Any) -> str:
    """How to add ``field`` to ``parent`` (the mapping it is missing from), in its own terms:
    zones of the user's region, or racks on premises."""
    if field == "zones" and isinstance(parent, dict):
        region = parent.get("region")
        if parent.get("provider") == "generic":
            return "list what fails together, e.g. `zones: [rack-a, rack-b, rack-c]`"
        if isinstance(region, str) and re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d", region):
            return f"list the zones, e.g. `zones: [{region}a, {region}b, {region}c]`"
    return _FIELD_HINTS.get(field, f"add `{field}:`")


def _service_above(source: SourceMap, loc: Path) -> str | None:
    """The service written last above the key at ``loc`` in the same tier (``loc`` is a key
    of a tier, dedented out of that service), or None."""
    if len(loc) != 3 or loc[0] != "tiers":
        return None
    line = source.keys.get(loc, (0, 0))[0]
    above = [
        (position[0], path[3])
        for path, position in source.keys.items()
        if len(path) == 4 and path[:3] == (*loc[:2], "services") and position[0] < line
    ]
    return str(max(above)[1]) if above else None


def _located(
    source: SourceMap, loc: Path, key: bool, code: str, message: str, hint: str
) -> Problem:
    return Problem(source.locate(loc, key=key), code, message, hint)


def _describe(loc: Path) -> str:
    if not loc:
        return "the document"
    if isinstance(loc[-1], int) and len(loc) > 1:
        return f"{loc[-2]} entry {loc[-1] + 1}"
    return str(loc[-1])


def _in(parent: Path) -> str:
    if not parent:
        return ""
    named = [p for p in parent if isinstance(p, str) and p not in ("tiers", "services")]
    return f" in {'.'.join(named)}" if named else ""


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()} (YAML reads yes/no/on/off as booleans)"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _type_hint(kind: str, value: Any) -> str:
    if kind in ("int_type", "int_from_float"):
        if isinstance(value, str) and value.strip().isdigit():
            return f"remove the quotes: {value.strip()}"
        return "write a whole number without quotes, e.g. 2"
    if kind == "float_type":
        return "write a number without quotes, e.g. 0.999"
    if kind == "bool_type":
        return "write true or false without quotes"
    if kind in ("list_type",):
        return "write a list, e.g. [a, b] or one '- item' per line"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "write a mapping of 'key: value' lines, indented below the key"
    if kind == "string_type":
        return "quote the value"
    return "fix the value's type"
