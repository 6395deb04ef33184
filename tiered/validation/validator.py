"""Validation of a loaded topology: the schema, then every check across fields and files.

Validation reads the topology as written; what the planner makes of it is checked by
``tiered.placement.checks``, and ``tiered.pipeline`` chains the two.

Every problem of a file is reported in one run. Services are validated one by one so that
a typo in one service does not hide the cross-reference problems of the others.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from tiered import model
from tiered.findings import Problem, sort_problems
from tiered.loading.loader import Loaded, SourceMap
from tiered.validation.checks import CrossChecks
from tiered.validation.schema_errors import translate

SUPPORTED_VERSIONS = (1,)


@dataclass(slots=True)
class Validated:
    """A topology (None when it could not be read at all) and every problem found in it."""

    topology: model.Topology | None
    source: SourceMap
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems and self.topology is not None


def validate(loaded: Loaded) -> Validated:
    """Validate loaded data: schema, references, placement, network fit."""
    source = loaded.source
    if loaded.problems or loaded.data is None:
        return Validated(None, source, sort_problems(loaded.problems))
    data = loaded.data
    if not isinstance(data, dict):
        problem = Problem(
            source.locate(()),
            "not-a-mapping",
            "the document must be a mapping of keys like 'version:', 'name:'",
            "start from `tiered init` (a commented example); `tiered schema` describes the format",
        )
        return Validated(None, source, [problem])
    # Top-level keys starting with "x-" are free for anchors and tooling, as in Compose files.
    data = {key: value for key, value in data.items() if not str(key).startswith("x-")}
    problems = list(_check_version(data, source))
    topology, broken = _schema(data, source, problems)
    if topology is not None:
        problems.extend(CrossChecks(topology, source, broken).run())
    return Validated(topology, source, sort_problems(problems))


def _check_version(data: dict[str, Any], source: SourceMap) -> Iterator[Problem]:
    version = data.get("version")
    if (
        "version" in data
        and isinstance(version, int)
        and not isinstance(version, bool)
        and version not in SUPPORTED_VERSIONS
    ):
        yield Problem(
            source.locate(("version",)),
            "unsupported-version",
            f"unsupported format version {version}",
            f"this tiered reads version {', '.join(map(str, SUPPORTED_VERSIONS))}; "
            "write `version: 1` or upgrade tiered",
        )


def _schema(
    data: dict[str, Any], source: SourceMap, problems: list[Problem]
) -> tuple[model.Topology | None, set[str]]:
    """Validate services one by one, then the whole; names of broken services are returned."""
    broken: set[str] = set()
    tiers = data.get("tiers")
    patched = data
    if isinstance(tiers, dict):
        new_tiers: dict[str, Any] = {}
        for tier_name, tier in tiers.items():
            misplaced_tier = _misplaced_as_tier(tier_name, tier, source, tiers)
            if misplaced_tier is not None:
                problems.append(misplaced_tier)
                continue
            if isinstance(tier, dict) and isinstance(tier.get("services"), dict):
                services: dict[str, Any] = {}
                for name, raw in tier["services"].items():
                    misplaced = _misplaced_setting(tier["services"], name, tier_name, source)
                    if misplaced is not None:
                        problems.append(misplaced)
                        continue
                    try:
                        services[name] = model.Service.model_validate(raw)
                    except ValidationError as error:
                        problems.extend(
                            translate(error, source, ("tiers", tier_name, "services", name))
                        )
                        intact = _with_nested_defaults(raw, error)
                        if intact is not None:  # every other check can still run on it
                            services[name] = intact
                        else:
                            services[name] = _salvage_service(raw, error)
                            broken.add(name)
                tier = {**tier, "services": services}
            new_tiers[tier_name] = tier
        patched = {**data, "tiers": new_tiers}
    try:
        return model.Topology.model_validate(patched), broken
    except ValidationError as error:
        problems.extend(translate(error, source))
        salvaged = _salvage(patched, error)
    if salvaged is None:
        return None, broken
    try:  # go on with the cross-checks, so that one run reports every problem
        return model.Topology.model_validate(salvaged), broken
    except ValidationError:
        return None, broken


#: The keys a mapping-valued service setting holds, when they are fixed (placement's are zones).
_SETTING_KEYS: dict[str, frozenset[str]] = {
    "health_check": frozenset(model.HealthCheck.model_fields),
    "tls": frozenset(model.Tls.model_fields),
}


def _reads_as_setting(name: str, value: Any) -> bool:
    """Whether ``name: value`` found among services is a service setting rather than a
    service: a setting's name with a value no service has. A service is a mapping of service
    settings; a mapping of the setting's own keys (zones and counts for a ``placement``;
    ``path``, ``interval`` ... for a ``health_check``), with no service setting among them, is
    the setting's value."""
    if name not in model.Service.model_fields:
        return False
    if not isinstance(value, dict):
        return True
    if not value or any(key in model.Service.model_fields for key in value):
        return False
    if name == "placement":
        return all(isinstance(n, int) and not isinstance(n, bool) for n in value.values())
    return name in _SETTING_KEYS and any(key in _SETTING_KEYS[name] for key in value)


def _misplaced_setting(
    services: dict[str, Any], name: str, tier: str, source: SourceMap
) -> Problem | None:
    """A service setting (``count: 2``, or ``placement:`` with its zones) dedented to the
    level of the services, where it reads as a service of its own."""
    if not _reads_as_setting(name, services[name]):
        return None
    names = list(services)
    above = [
        other
        for other in names[: names.index(name)]
        if not _reads_as_setting(other, services[other])
        and (isinstance(services[other], dict) or services[other] is None)
    ]
    owner = "under its service"
    if above and services[above[-1]] is None:  # `api:` with its settings one level too shallow
        owner = f"under '{above[-1]}' (the empty service above)"
    elif above:
        owner = f"under '{above[-1]}' (the service above)"
    return Problem(
        source.locate(("tiers", tier, "services", name), key=True),
        "misplaced-key",
        f"'{name}' is a service setting, but it is indented as a service of tier '{tier}'",
        f"indent it {owner}, like the service's other settings",
    )


def _misplaced_as_tier(
    name: str, value: Any, source: SourceMap, tiers: dict[str, Any] | None = None
) -> Problem | None:
    """A tier or service setting dedented to the level of the tiers, where it reads as a
    tier of its own; a real tier is a mapping of tier settings."""
    if isinstance(value, dict) and (not value or any(k in model.Tier.model_fields for k in value)):
        return None
    if name in model.Tier.model_fields:
        if isinstance(value, dict) and name != "services":
            return None
        owner, where = "tier", "under its tier"
        names = list(tiers or {})
        above = [
            other
            for other in names[: names.index(name)]
            if tiers is not None and _misplaced_as_tier(other, tiers[other], source) is None
        ]
        if above:
            where = f"under '{above[-1]}' (the tier above)"
    elif _reads_as_setting(name, value):
        owner, where = "service", "under its service, in a tier's `services`"
    else:
        return None
    return Problem(
        source.locate(("tiers", name), key=True),
        "misplaced-key",
        f"'{name}' is a {owner} setting, but it is indented as a tier name",
        f"indent it {where}, like the other settings there",
    )


def _with_nested_defaults(raw: Any, error: ValidationError) -> model.Service | None:
    """The service with each broken setting inside a mapping-valued setting (a health
    check's path, a certificate path) left to its default, when that makes it valid: its
    other settings are then all intact and checked in the same run. None otherwise."""
    if not isinstance(raw, dict):
        return None
    fixed = copy.deepcopy(raw)
    for detail in error.errors(include_url=False):
        *parents, key = detail["loc"]
        if not parents:
            return None
        holder: Any = fixed
        for part in parents:
            if isinstance(holder, dict):
                holder = holder.get(part)
            elif isinstance(holder, list) and isinstance(part, int) and part < len(holder):
                holder = holder[part]
            else:
                return None
        if not isinstance(holder, dict) or key not in holder:
            return None
        del holder[key]
    try:
        return model.Service.model_validate(fixed)
    except ValidationError:
        return None


def _salvage_service(raw: Any, error: ValidationError) -> model.Service:
    """The service without its broken fields, so its references can still be checked."""
    details = error.errors()
    bad = {str(detail["loc"][0]) for detail in details if detail["loc"]}
    if isinstance(raw, dict) and all(detail["loc"] for detail in details):
        try:
            return model.Service.model_validate({k: v for k, v in raw.items() if k not in bad})
        except ValidationError:
            pass
    return model.Service.model_construct(count=1)


_DROP = object()
#: Top-level and tier-level fields whose errors do not change what the other checks see:
#: they are replaced by a neutral value so that validation can go on.
_TOP_PLACEHOLDERS: dict[str, Any] = {
    "version": 1,
    "name": "unnamed",
    "description": _DROP,
    "assumptions": _DROP,
    "entry": _DROP,
}
_TIER_PLACEHOLDERS: dict[str, Any] = {"role": "application", "public": _DROP, "description": _DROP}


def _salvage(data: dict[str, Any], error: ValidationError) -> dict[str, Any] | None:
    """A copy of ``data`` with harmless broken fields neutralised, or None if none can be."""
    fixed = dict(data)
    tiers = fixed.get("tiers")
    tiers = (
        {k: dict(v) if isinstance(v, dict) else v for k, v in tiers.items()}
        if isinstance(tiers, dict)
        else None
    )
    for detail in error.errors(include_url=False):
        loc, kind = tuple(str(part) for part in detail["loc"]), detail["type"]
        target: dict[str, Any]
        if len(loc) >= 1 and loc[0] in _TOP_PLACEHOLDERS:
            target, key, table = fixed, loc[0], _TOP_PLACEHOLDERS
        elif len(loc) == 1 and kind == "extra_forbidden":
            target, key, table = fixed, loc[0], {loc[0]: _DROP}
        elif len(loc) == 3 and loc[0] == "tiers" and tiers and isinstance(tiers.get(loc[1]), dict):
            table = {**_TIER_PLACEHOLDERS, **({loc[2]: _DROP} if kind == "extra_forbidden" else {})}
            target, key = tiers[loc[1]], loc[2]
            if key not in table:
                return None
        else:
            return None
        if table[key] is _DROP:
            target.pop(key, None)
        else:
            target[key] = table[key]
    if tiers is not None:
        fixed["tiers"] = tiers
    return fixed
