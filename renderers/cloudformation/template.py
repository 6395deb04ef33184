"""The template under construction: resources as plain dicts, plus what nesting needs.

Every resource records the plan name it came from (to refuse logical-id collisions with
a clear message), the stack group it belongs to (``None``: the parent/shared stack, else
a tier) and its packing unit (resources that must stay in the same nested stack).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tiered.exporters.base import ExportRefused
from tiered.renderers.cloudformation.ids import MAX_LENGTH

Json = dict[str, Any]


def ref(name: str) -> Json:
    return {"Ref": name}


def get_att(name: str, attribute: str) -> Json:
    """Long-form ``Fn::GetAtt`` (a list), never the dotted short form moto splits wrongly."""
    return {"Fn::GetAtt": [name, attribute]}


def sub(text: str) -> Json:
    return {"Fn::Sub": text}


@dataclass
class Template:
    """One CloudFormation template being built."""

    description: str
    parameters: dict[str, Json] = field(default_factory=dict)
    conditions: dict[str, Json] = field(default_factory=dict)
    resources: dict[str, Json] = field(default_factory=dict)
    outputs: dict[str, Json] = field(default_factory=dict)
    metadata: Json = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)
    groups: dict[str, str | None] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)

    def add(
        self,
        logical: str,
        resource_type: str,
        properties: Json,
        *,
        source: str,
        group: str | None = None,
        unit: str | None = None,
        **attributes: Any,
    ) -> str:
        """Add a resource; refuses an id that another plan name already produced."""
        if len(logical) > MAX_LENGTH:
            raise ExportRefused(
                f"'{source}' gives a logical id longer than {MAX_LENGTH} characters",
                "use a shorter name",
            )
        if logical in self.resources:
            other = self.origins[logical]
            raise ExportRefused(
                f"'{other}' and '{source}' both become the CloudFormation logical id "
                f"'{logical}' (logical ids keep only letters and digits)",
                "rename one of them so that they differ in more than dashes",
            )
        resource: Json = {"Type": resource_type, "Properties": properties}
        resource.update({key: value for key, value in attributes.items() if value is not None})
        self.resources[logical] = resource
        self.origins[logical] = source
        self.groups[logical] = group
        self.units[logical] = unit or logical
        return logical

    def output(self, name: str, description: str, value: Any) -> None:
        self.outputs[name] = {"Description": description, "Value": value}

    def to_dict(self) -> Json:
        """The template as CloudFormation reads it; empty sections left out."""
        data: Json = {
            "AWSTemplateFormatVersion": "2010-09-09",
            "Description": self.description,
            "Resources": self.resources,
        }
        for key, value in (
            ("Metadata", self.metadata),
            ("Parameters", self.parameters),
            ("Conditions", self.conditions),
            ("Outputs", self.outputs),
        ):
            if value:
                data[key] = value
        return data
