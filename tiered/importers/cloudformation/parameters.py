"""Parameter values from the user, in CloudFormation's own formats, and their defaults.

Parameters files may be any of the formats the AWS tools read:

* ``aws cloudformation create-stack --parameters file://p.json``:
  ``[{"ParameterKey": "Subnets", "ParameterValue": "subnet-a,subnet-b"}, ...]``;
* a template configuration file (CodePipeline): ``{"Parameters": {"Subnets": "..."}}``;
* ``aws cloudformation deploy --parameter-overrides``: ``["Subnets=subnet-a,subnet-b", ...]``.

``--param K=V`` on the command line wins over the file.
"""

from __future__ import annotations

from typing import Any

from tiered.findings import Location, Problem
from tiered.importers.cloudformation.intrinsics import (
    AssumedSubnet,
    Placeholder,
    ResourceRef,
    Unknown,
    region_zones,
)
from tiered.importers.cloudformation.report import Report
from tiered.loading.loader import load_file

_HINT = 'use [{"ParameterKey": "K", "ParameterValue": "V"}], {"Parameters": {"K": "V"}} or ["K=V"]'


def read_parameters_file(path: str) -> tuple[dict[str, str], list[Problem]]:
    """Parameter values of a parameters file, or located problems."""
    loaded = load_file(path)
    if loaded.problems:
        return {}, loaded.problems
    data, source = loaded.data, loaded.source
    values: dict[str, str] = {}
    problems: list[Problem] = []

    def bad(where: tuple[str | int, ...], what: str) -> None:
        problems.append(Problem(source.locate(where), "bad-parameters-file", what, _HINT))

    if isinstance(data, dict) and isinstance(data.get("Parameters"), dict):
        for key, value in data["Parameters"].items():
            values[str(key)] = _text(value)
    elif isinstance(data, list):
        for index, item in enumerate(data):
            if isinstance(item, dict) and "ParameterKey" in item:
                if item.get("UsePreviousValue") is True and "ParameterValue" not in item:
                    bad((index,), "UsePreviousValue needs a deployed stack; give ParameterValue")
                    continue
                values[str(item["ParameterKey"])] = _text(item.get("ParameterValue", ""))
            elif isinstance(item, str) and "=" in item:
                key, value = item.split("=", 1)
                values[key.strip()] = value.strip()
            else:
                bad((index,), "a parameter entry must be {ParameterKey, ParameterValue} or 'K=V'")
    else:
        bad((), "not a CloudFormation parameters file")
    return values, problems


def read_exports_file(path: str) -> tuple[dict[str, str], list[Problem]]:
    """Export names and values of ``aws cloudformation list-exports`` output (JSON:
    ``{"Exports": [{"Name": ..., "Value": ...}, ...]}``, or the list alone), or problems."""
    loaded = load_file(path)
    if loaded.problems:
        return {}, loaded.problems
    data, source = loaded.data, loaded.source
    hint = "save the output of `aws cloudformation list-exports --output json`"
    listed = data.get("Exports") if isinstance(data, dict) else data
    if not isinstance(listed, list):
        what = "not an exports file: no `Exports` list"
        return {}, [Problem(source.locate(()), "bad-exports-file", what, hint)]
    values: dict[str, str] = {}
    problems: list[Problem] = []
    at = ("Exports",) if isinstance(data, dict) else ()
    for index, item in enumerate(listed):
        if isinstance(item, dict) and isinstance(item.get("Name"), str) and "Value" in item:
            values[item["Name"]] = _text(item["Value"])
        else:
            what = "an export entry must have a Name and a Value"
            problems.append(Problem(source.locate((*at, index)), "bad-exports-file", what, hint))
    return values, problems


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(_text(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def resolve_parameters(
    declared: Any,
    given: dict[str, Any],
    region: str,
    report: Report,
    locate: Any,
    top_level: bool,
) -> dict[str, Any]:
    """The value of every declared parameter: given, else its default, else a placeholder.

    Subnet and zone parameters without a value get placeholders the zone logic treats as
    a zone of their own (reported); other parameters without a value are ``Unknown``.
    ``given`` values of a nested stack may be resolved references of the parent.
    """
    values: dict[str, Any] = {}
    if not isinstance(declared, dict):
        return values
    for name, spec in declared.items():
        spec = spec if isinstance(spec, dict) else {}
        kind = str(spec.get("Type", "String"))
        listed = kind.startswith("List<") or kind == "CommaDelimitedList"
        where: Location = locate(("Parameters", name))
        if name in given:
            value = given[name]
        elif "Default" in spec:
            value = _text(spec["Default"])
        else:
            values[name] = _placeholder(name, kind, region, report, where, top_level)
            continue
        if listed and isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        values[name] = value
    for name in given:
        if name not in values and top_level:
            report.note(
                locate(("Parameters",)), f"parameter '{name}' was given but the template has none"
            )
    return values


def _placeholder(
    name: str, kind: str, region: str, report: Report, where: Location, top_level: bool
) -> Any:
    if not top_level:
        return Unknown(f"parameter '{name}' of the nested stack is not passed")
    if kind == "List<AWS::EC2::Subnet::Id>":
        return Placeholder(
            [AssumedSubnet(f"{name}[1]"), AssumedSubnet(f"{name}[2]")],
            where,
            f"parameter {name} has no value: assumed two subnets, {name}[1] and {name}[2], each "
            f"in a zone of its own — pass --param {name}=subnet-…,subnet-… and --zone "
            "subnet-…=ZONE for the real zones",
        )
    if kind == "AWS::EC2::Subnet::Id":
        return Placeholder(
            AssumedSubnet(name),
            where,
            f"parameter {name} has no value: assumed a subnet in a zone of its own — pass "
            f"--param {name}=subnet-… and --zone subnet-…=ZONE",
        )
    if kind == "List<AWS::EC2::AvailabilityZone::Name>":
        zones = region_zones(region)[:2]
        return Placeholder(
            zones,
            where,
            f"parameter {name} has no value: assumed {' and '.join(zones)} — pass "
            f"--param {name}=ZONE,ZONE",
        )
    if kind == "AWS::EC2::AvailabilityZone::Name":
        zone = region_zones(region)[0]
        return Placeholder(
            zone, where, f"parameter {name} has no value: assumed {zone} — pass --param {name}=ZONE"
        )
    return Unknown(f"parameter '{name}' has no value and no default")


__all__ = ["ResourceRef", "read_parameters_file", "resolve_parameters"]
