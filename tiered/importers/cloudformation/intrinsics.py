"""CloudFormation's intrinsic functions, resolved with the parameters and their defaults.

A value resolves to plain data where the template determines it. A reference to a
resource resolves to ``ResourceRef`` (or ``AttributeRef`` for ``Fn::GetAtt``): its
physical id is only known once deployed, but which resource it names is what the import
needs. What cannot be known from the template (``Fn::ImportValue``, a parameter without
a value, the account id) resolves to ``Unknown`` with the reason, and is reported where
it is used: never guessed silently. References to names the template does not define
are problems (CloudFormation rejects such a template too).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tiered.findings import Location
from tiered.importers.cloudformation.report import Report
from tiered.loading.loader import Path, SourceMap
from tiered.validation.regions import region_zone_names


@dataclass(frozen=True, slots=True)
class ResourceRef:
    """``Ref`` to a resource of the template: names it, its physical id is unknown."""

    logical: str
    scope: str = ""


@dataclass(frozen=True, slots=True)
class AttributeRef:
    """``Fn::GetAtt`` of a resource of the template."""

    logical: str
    attribute: str
    scope: str = ""


@dataclass(frozen=True, slots=True)
class Unknown:
    """A value the template does not determine, with the reason (and, for an
    ``Fn::ImportValue``, the name of the export)."""

    reason: str
    export: str = ""


class AssumedSubnet(str):
    """A subnet id assumed for a parameter without a value (its note says so already)."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Placeholder:
    """An assumed value of a parameter without one; the note is made where it is used."""

    value: Any
    where: Location
    note: str


class _NoValue:
    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE = _NoValue()
_SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")


def region_zones(region: str) -> list[str]:
    """The zones ``Fn::GetAZs`` stands for in ``region`` (only zones that exist there)."""
    return region_zone_names(region)


def text_of(value: Any) -> str:
    """A resolved value as text, references shown as ``<Logical>``."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, ResourceRef):
        return f"<{value.logical}>"
    if isinstance(value, AttributeRef):
        return f"<{value.logical}.{value.attribute}>"
    return "<?>"


class Resolver:
    """Resolves values of one template; problems and notes go to ``report``."""

    def __init__(
        self,
        template: dict[str, Any],
        source: SourceMap,
        parameters: dict[str, Any],
        pseudo: dict[str, Any],
        report: Report,
        scope: str = "",
        exports: dict[str, str] | None = None,
    ) -> None:
        self.scope = scope
        #: Values other stacks export (``--exports``), for ``Fn::ImportValue``.
        self.exports = exports or {}
        self.source = source
        self.parameters = parameters
        self.pseudo = pseudo
        self.report = report
        resources = template.get("Resources")
        self.resources: dict[str, Any] = resources if isinstance(resources, dict) else {}
        mappings = template.get("Mappings")
        self.mappings: dict[str, Any] = mappings if isinstance(mappings, dict) else {}
        conditions = template.get("Conditions")
        self.conditions: dict[str, Any] = conditions if isinstance(conditions, dict) else {}
        self._condition_values: dict[str, bool | Unknown] = {}
        #: The value exported under a name by another stack of the set (None: unknown).
        self.imports: Callable[[str], Any] | None = None
        self._evaluating: set[str] = set()
        self._functions: dict[str, Callable[[Any, Path], Any]] = {
            "Ref": self._ref,
            "Fn::GetAtt": self._get_att,
            "Fn::Select": self._select,
            "Fn::GetAZs": self._get_azs,
            "Fn::ImportValue": self._import_value,
            "Fn::FindInMap": self._find_in_map,
            "Fn::If": self._if,
            "Fn::Sub": self._sub,
            "Fn::Join": self._join,
            "Fn::Split": self._split,
            "Fn::Base64": lambda arg, path: self.value(arg, path),
            "Fn::Equals": self._equals,
            "Fn::And": self._and,
            "Fn::Or": self._or,
            "Fn::Not": self._not,
            "Condition": lambda arg, path: self.condition(str(arg), path),
        }

    def at(self, path: Path) -> Location:
        return self.source.locate(path)

    # -- values -----------------------------------------------------------------------

    def value(self, data: Any, path: Path) -> Any:
        """``data`` (found at ``path`` of the template) with every intrinsic resolved."""
        if isinstance(data, dict):
            if len(data) == 1:
                ((name, argument),) = data.items()
                inner = (*path, name)
                if name in self._functions:
                    return self._functions[name](argument, inner)
                if name.startswith("Fn::"):
                    return self._unknown(
                        inner, f"{name} cannot be resolved from the template alone"
                    )
            result: dict[str, Any] = {}
            for key, item in data.items():
                resolved = self.value(item, (*path, key))
                if resolved is not NO_VALUE:
                    result[key] = resolved
            return result
        if isinstance(data, list):
            items = [self.value(item, (*path, index)) for index, item in enumerate(data)]
            return [item for item in items if item is not NO_VALUE]
        return data

    def _import_value(self, argument: Any, path: Path) -> Any:
        """The value a sibling stack of the set exports under the name, or the one given with
        ``--exports`` or ``--export``; else Unknown naming the export: each export is its own
        unknown."""
        raw = argument.get("Fn::Sub") if isinstance(argument, dict) else argument
        if isinstance(raw, list) and isinstance(argument, dict) and raw:
            raw = raw[0]  # Fn::Sub [template, variables]
        label = raw if isinstance(raw, str) else ""
        name = self.value(argument, path) if label == "" or "${" in str(label) else label
        if isinstance(name, str) and "<?>" not in name:
            found = self.imports(name) if self.imports else None
            if found is not None:
                return found
            if name in self.exports:
                return self.exports[name]
            label = name
        reason = f"Fn::ImportValue '{label or '?'}': the value is exported by another stack"
        self.report.note(
            self.at(path), f"{reason}; left unresolved (give --exports FILE or --export NAME=VALUE)"
        )
        return Unknown(reason, label)

    def _unknown(self, path: Path, reason: str) -> Unknown:
        self.report.note(self.at(path), f"{reason}; left unresolved")
        return Unknown(reason)

    def _missing(self, path: Path, message: str, hint: str) -> Unknown:
        self.report.problem(self.at(path), "cfn-missing-reference", message, hint)
        return Unknown(message)

    def _ref(self, argument: Any, path: Path) -> Any:
        if not isinstance(argument, str):
            return self._missing(
                path, "Ref takes the name of a parameter or resource", "write `Ref: Name`"
            )
        if argument in self.pseudo:
            return self.pseudo[argument]
        if argument in self.parameters:
            value = self.parameters[argument]
            if isinstance(value, Placeholder):
                self.report.note(value.where, value.note)
                return value.value
            if isinstance(value, Unknown):
                self.report.note(self.at(path), f"{value.reason}; left unresolved", once=True)
            return value
        if argument in self.resources:
            return ResourceRef(argument, self.scope)
        return self._missing(
            path,
            f"Ref to '{argument}', which is neither a parameter nor a resource of the template",
            "define it under Parameters or Resources, or fix the name",
        )

    def _get_att(self, argument: Any, path: Path) -> Any:
        if isinstance(argument, str) and "." in argument:
            logical, attribute = argument.split(".", 1)
        elif isinstance(argument, list) and len(argument) == 2:
            logical, attribute = argument[0], self.value(argument[1], (*path, 1))
        else:
            return self._missing(
                path, "Fn::GetAtt takes [Resource, Attribute]", "write `!GetAtt Resource.Attribute`"
            )
        if not isinstance(logical, str) or logical not in self.resources:
            return self._missing(
                path,
                f"Fn::GetAtt of '{logical}', which is not a resource of the template",
                "name a resource defined under Resources",
            )
        return AttributeRef(logical, text_of(attribute), self.scope)

    def _select(self, argument: Any, path: Path) -> Any:
        if not isinstance(argument, list) or len(argument) != 2:
            return self._missing(
                path, "Fn::Select takes [index, list]", "write `!Select [0, List]`"
            )
        index = self.value(argument[0], (*path, 0))
        items = self.value(argument[1], (*path, 1))
        if isinstance(items, Unknown) or isinstance(index, Unknown):
            return items if isinstance(items, Unknown) else index
        try:
            number = int(index)
        except (TypeError, ValueError):
            return self._missing(
                path, f"Fn::Select index '{index}' is not a number", "use 0, 1, ..."
            )
        if not isinstance(items, list) or not 0 <= number < len(items):
            return self._missing(
                path,
                f"Fn::Select index {number} is outside the list"
                + (f" of {len(items)}" if isinstance(items, list) else ""),
                "select an index of the list",
            )
        return items[number]

    def _get_azs(self, argument: Any, path: Path) -> Any:
        region = self.value(argument, path)
        if not isinstance(region, str) or not region:
            region = self.pseudo["AWS::Region"]
        self.report.note(
            self.at(path),
            f"Fn::GetAZs lists the zones {', '.join(region_zones(region)[:3])}, ... of {region} "
            "(the letters an account sees may differ)",
            once=True,
        )
        return region_zones(region)

    def _find_in_map(self, argument: Any, path: Path) -> Any:
        if not isinstance(argument, list) or len(argument) not in (3, 4):
            return self._missing(
                path, "Fn::FindInMap takes [Map, TopKey, SecondKey]", "write all three keys"
            )
        keys = [self.value(item, (*path, index)) for index, item in enumerate(argument[:3])]
        for key in keys:
            if isinstance(key, Unknown):
                return key
        table: Any = self.mappings
        for depth, key in enumerate(keys):
            if not isinstance(table, dict) or text_of(key) not in table:
                if len(argument) == 4 and isinstance(argument[3], dict):
                    return self.value(argument[3].get("DefaultValue"), (*path, 3, "DefaultValue"))
                where = " → ".join(text_of(k) for k in keys[: depth + 1])
                return self._missing(
                    path,
                    f"Fn::FindInMap: no entry {where} under Mappings",
                    "add the entry to Mappings or fix the keys",
                )
            table = table[text_of(key)]
        return self.value(table, ("Mappings", *(text_of(k) for k in keys)))

    def _if(self, argument: Any, path: Path) -> Any:
        if not isinstance(argument, list) or len(argument) != 3:
            return self._missing(
                path, "Fn::If takes [Condition, ValueIfTrue, ValueIfFalse]", "write all three"
            )
        decided = self.condition(str(argument[0]), (*path, 0))
        if isinstance(decided, Unknown):
            self.report.note(
                self.at(path), f"Fn::If: {decided.reason}; the value if true is assumed"
            )
            decided = True
        return self.value(argument[1] if decided else argument[2], (*path, 1 if decided else 2))

    def _sub(self, argument: Any, path: Path) -> Any:
        variables: dict[str, Any] = {}
        text = argument
        if isinstance(argument, list) and len(argument) == 2 and isinstance(argument[1], dict):
            text = argument[0]
            variables = {
                key: self.value(item, (*path, 1, key)) for key, item in argument[1].items()
            }
        if not isinstance(text, str):
            return self._missing(path, "Fn::Sub takes a string", "write `!Sub 'text ${Name}'`")

        def replace(match: re.Match[str]) -> str:
            name = match.group(1).strip()
            if name in variables:
                return text_of(variables[name])
            if "." in name and name.split(".", 1)[0] in self.resources:
                logical, attribute = name.split(".", 1)
                return text_of(AttributeRef(logical, attribute, self.scope))
            return text_of(self._ref(name, path))

        return _SUB_VARIABLE.sub(replace, text).replace("${!", "${")

    def _join(self, argument: Any, path: Path) -> Any:
        if not isinstance(argument, list) or len(argument) != 2:
            return self._missing(path, "Fn::Join takes [delimiter, list]", "write both")
        items = self.value(argument[1], (*path, 1))
        if isinstance(items, Unknown):
            return items
        if not isinstance(items, list):
            return self._missing(path, "Fn::Join needs a list to join", "give a list")
        return text_of(self.value(argument[0], (*path, 0))).join(text_of(i) for i in items)

    def _split(self, argument: Any, path: Path) -> Any:
        if not isinstance(argument, list) or len(argument) != 2:
            return self._missing(path, "Fn::Split takes [delimiter, string]", "write both")
        text = self.value(argument[1], (*path, 1))
        if isinstance(text, Unknown):
            return text
        return text_of(text).split(text_of(self.value(argument[0], (*path, 0))))

    # -- conditions -------------------------------------------------------------------

    def condition(self, name: str, path: Path) -> bool | Unknown:
        """The value of the condition ``name`` (Unknown when a parameter has no value)."""
        if name in self._condition_values:
            return self._condition_values[name]
        if name not in self.conditions:
            self._missing(
                path,
                f"condition '{name}' is not defined under Conditions",
                "define it or fix the name",
            )
            return Unknown(f"condition '{name}' is not defined")
        if name in self._evaluating:
            self._missing(path, f"condition '{name}' refers to itself", "break the cycle")
            return Unknown(f"condition '{name}' refers to itself")
        self._evaluating.add(name)
        try:
            result = self._truth(self.value(self.conditions[name], ("Conditions", name)), name)
        finally:
            self._evaluating.discard(name)
        self._condition_values[name] = result
        return result

    @staticmethod
    def _truth(value: Any, name: str) -> bool | Unknown:
        if isinstance(value, bool):
            return value
        if isinstance(value, Unknown):
            return Unknown(f"condition '{name}' cannot be decided ({value.reason})")
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        return Unknown(f"condition '{name}' cannot be decided")

    def _operands(self, argument: Any, path: Path) -> list[Any]:
        if not isinstance(argument, list):
            return [self._missing(path, "a condition function takes a list", "write a list")]
        return [self.value(item, (*path, index)) for index, item in enumerate(argument)]

    def _equals(self, argument: Any, path: Path) -> bool | Unknown:
        values = self._operands(argument, path)
        if len(values) != 2:
            return Unknown("Fn::Equals takes two values")
        for item in values:
            if isinstance(item, Unknown):
                return item
        return text_of(values[0]) == text_of(values[1])

    def _and(self, argument: Any, path: Path) -> bool | Unknown:
        values = [self._truth(v, "Fn::And") for v in self._operands(argument, path)]
        if any(v is False for v in values):
            return False
        unknown = [v for v in values if isinstance(v, Unknown)]
        return unknown[0] if unknown else True

    def _or(self, argument: Any, path: Path) -> bool | Unknown:
        values = [self._truth(v, "Fn::Or") for v in self._operands(argument, path)]
        if any(v is True for v in values):
            return True
        unknown = [v for v in values if isinstance(v, Unknown)]
        return unknown[0] if unknown else False

    def _not(self, argument: Any, path: Path) -> bool | Unknown:
        values = [self._truth(v, "Fn::Not") for v in self._operands(argument, path)]
        if len(values) != 1:
            return Unknown("Fn::Not takes one condition")
        return values[0] if isinstance(values[0], Unknown) else not values[0]
