"""A template and its nested stacks as one set of resources, resolved lazily.

Each resource is known by its key (the stack's scope, its logical id): resources of a
nested stack live in the scope named after the ``AWS::CloudFormation::Stack`` resource.
Nested templates are read from a local ``TemplateURL`` (inside the template's folder) or,
for an https URL, from ``--template-dir`` by the longest tail of the URL's path found
there (``…/services/web/service.yaml`` is ``DIR/services/web/service.yaml`` before
``DIR/service.yaml``); anything else is a reported skip. ``Fn::ImportValue`` of a name
another stack of the set exports resolves to that export's value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any
from urllib.parse import unquote, urlparse

from tiered.findings import Location
from tiered.importers.cloudformation.intrinsics import (
    NO_VALUE,
    AttributeRef,
    Resolver,
    ResourceRef,
    Unknown,
    text_of,
)
from tiered.importers.cloudformation.options import ImportOptions
from tiered.importers.cloudformation.parameters import resolve_parameters
from tiered.importers.cloudformation.report import Report
from tiered.importers.cloudformation.source import load_template
from tiered.loading.loader import Path, SourceMap

Key = tuple[str, str]
MAX_NESTING = 5
_ABSENT = object()


@dataclass(slots=True)
class Stack:
    """One template: its data, positions, resolver and the resources that exist."""

    scope: str
    path: str
    data: dict[str, Any]
    source: SourceMap
    resolver: Resolver
    resources: dict[str, dict[str, Any]] = field(default_factory=dict)
    _props: dict[str, dict[str, Any]] = field(default_factory=dict)
    _one: dict[str, dict[str, Any]] = field(default_factory=dict)


class Universe:
    """Every resource of a template and its nested stacks."""

    def __init__(self, report: Report, options: ImportOptions, region: str, name: str) -> None:
        self.report = report
        self.options = options
        self.region = region
        self.name = name
        self.stacks: dict[str, Stack] = {}
        self.order: list[Key] = []
        self._types: dict[Key, str] = {}
        self._by_type: dict[str, list[Key]] = {}
        self._exports: dict[str, tuple[str, str]] = {}  # export name → (scope, output)
        self._indexed: set[str] = set()
        self._exporting = False

    # -- building --------------------------------------------------------------------

    def add_stack(
        self,
        scope: str,
        path: str,
        data: dict[str, Any],
        source: SourceMap,
        given: dict[str, Any],
        depth: int = 0,
    ) -> None:
        pseudo: dict[str, Any] = {
            "AWS::Region": self.region,
            "AWS::Partition": "aws-cn" if self.region.startswith("cn-") else "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackName": self.name,
            "AWS::AccountId": Unknown("the account id"),
            "AWS::StackId": Unknown("the stack id"),
            "AWS::NotificationARNs": Unknown("the notification ARNs"),
            "AWS::NoValue": None,
        }
        pseudo["AWS::NoValue"] = NO_VALUE
        parameters = resolve_parameters(
            data.get("Parameters"),
            given,
            self.region,
            self.report,
            source.locate,
            top_level=depth == 0,
        )
        resolver = Resolver(
            data, source, parameters, pseudo, self.report, scope, self.options.exports
        )
        resolver.imports = self.imported
        stack = Stack(scope, path, data, source, resolver)
        self.stacks[scope] = stack
        for logical, body in resolver.resources.items():
            where = source.locate(("Resources", logical), key=True)
            if not isinstance(body, dict) or not isinstance(body.get("Type"), str):
                self.report.problem(
                    where,
                    "cfn-bad-resource",
                    f"resource '{logical}' has no Type",
                    "give every resource a `Type: AWS::...`",
                )
                continue
            condition = body.get("Condition")
            if condition is not None:
                decided = resolver.condition(str(condition), ("Resources", logical, "Condition"))
                if isinstance(decided, Unknown):
                    self.report.note(where, f"{decided.reason}: {logical} is assumed to exist")
                elif not decided:
                    self.report.skip(
                        self.display(scope, logical),
                        body["Type"],
                        f"not created: condition {condition} is false",
                        where,
                    )
                    continue
            stack.resources[logical] = body
            self.order.append((scope, logical))
            self._types[(scope, logical)] = body["Type"]
            self._by_type.setdefault(body["Type"], []).append((scope, logical))
            if body["Type"] == "AWS::CloudFormation::Stack":
                self._nested(stack, logical, depth)

    def _nested(self, parent: Stack, logical: str, depth: int) -> None:
        where = parent.source.locate(("Resources", logical), key=True)
        url = self.prop((parent.scope, logical), "TemplateURL")
        child_path, reason = self._child_path(parent, url)
        if child_path is None or depth + 1 > MAX_NESTING:
            why = reason or f"nested deeper than {MAX_NESTING} levels"
            self.report.skip(
                self.display(parent.scope, logical), "AWS::CloudFormation::Stack", why, where
            )
            return
        scopes = [parent.scope.rsplit("/", n)[0] for n in range(parent.scope.count("/") + 1)]
        chain = [self.stacks[""].path, *(self.stacks[s].path for s in scopes if s)]
        if any(FilePath(child_path).resolve() == FilePath(p).resolve() for p in chain):
            self.report.problem(
                parent.source.locate(("Resources", logical, "Properties", "TemplateURL")),
                "cfn-circular-nesting",
                f"{self.display(parent.scope, logical)} nests {child_path}, which holds it: "
                "the stacks would nest without end",
                "point TemplateURL at a template that does not nest this one again",
            )
            return
        loaded = load_template(child_path)
        if loaded.problems or not isinstance(loaded.data, dict):
            self.report.problems.extend(loaded.problems)
            return
        given_raw = self.prop((parent.scope, logical), "Parameters")
        given = given_raw if isinstance(given_raw, dict) else {}
        scope = f"{parent.scope}/{logical}" if parent.scope else logical
        self.add_stack(scope, child_path, loaded.data, loaded.source, given, depth + 1)

    def _child_path(self, parent: Stack, url: Any) -> tuple[str | None, str]:
        text = text_of(url)
        if isinstance(url, Unknown) or not text:
            return None, "its TemplateURL cannot be resolved"
        name = text.rsplit("/", 1)[-1]
        if "://" in text or text.startswith("<"):
            if self.options.template_dir is None:
                return None, (
                    f"its template is at a URL ({text}); pass --template-dir DIR holding "
                    f"{name} to import it"
                )
            folder = FilePath(self.options.template_dir).resolve()
            candidate = _by_url_path(folder, text)
        else:
            folder = FilePath(parent.path).parent.resolve()
            candidate = (folder / text).resolve()
        if not candidate.is_relative_to(folder):
            return None, f"its TemplateURL {text} points outside the template folder; not read"
        if not candidate.is_file():
            return None, f"its template {text} was not found"
        here = FilePath.cwd()
        return str(candidate.relative_to(here) if candidate.is_relative_to(here) else candidate), ""

    def imported(self, name: str) -> Any:
        """The value another stack of the set exports as ``name`` (resolved in that stack),
        else the value given on the command line, else None."""
        if not self._exporting:
            self._exporting = True
            try:
                self._index_exports()
            finally:
                self._exporting = False
        found = self._exports.get(name)
        if found is not None:
            scope, output = found
            stack = self.stacks[scope]
            body = stack.data["Outputs"][output]
            return stack.resolver.value(body["Value"], ("Outputs", output, "Value"))
        return self.options.exports.get(name)

    def _index_exports(self) -> None:
        for scope, stack in self.stacks.items():
            if scope in self._indexed:
                continue
            self._indexed.add(scope)
            outputs = stack.data.get("Outputs")
            for output, body in outputs.items() if isinstance(outputs, dict) else ():
                export = body.get("Export") if isinstance(body, dict) else None
                if not isinstance(export, dict) or "Value" not in body:
                    continue
                path = ("Outputs", output, "Export", "Name")
                name = stack.resolver.value(export.get("Name"), path)
                if isinstance(name, str) and name:
                    self._exports.setdefault(name, (scope, output))

    # -- reading ---------------------------------------------------------------------

    @staticmethod
    def display(scope: str, logical: str) -> str:
        return f"{scope}/{logical}" if scope else logical

    def type_of(self, key: Key) -> str:
        return self._types.get(key, "")

    def of_type(self, *types: str) -> list[Key]:
        """Resources of these types, in template order."""
        if len(types) == 1:
            return list(self._by_type.get(types[0], ()))
        wanted = set(types)
        return [key for key in self.order if self._types[key] in wanted]

    def exists(self, key: Key) -> bool:
        return key in self._types

    def properties(self, key: Key) -> dict[str, Any]:
        """The resolved Properties of a resource (computed once)."""
        stack = self.stacks[key[0]]
        if key[1] not in stack._props:
            raw = stack.resources[key[1]].get("Properties", {})
            resolved = stack.resolver.value(raw, ("Resources", key[1], "Properties"))
            stack._props[key[1]] = resolved if isinstance(resolved, dict) else {}
        return stack._props[key[1]]

    def prop(self, key: Key, name: str, default: Any = None) -> Any:
        """One resolved property (resolved on first use: what is never read is never
        resolved, so its unresolvable parts are not reported)."""
        stack = self.stacks[key[0]]
        resolved = stack._props.get(key[1])
        if resolved is not None:
            return resolved.get(name, default)
        cache = stack._one.setdefault(key[1], {})
        if name not in cache:
            raw = stack.resources[key[1]].get("Properties")
            if not isinstance(raw, dict) or name not in raw:
                cache[name] = _ABSENT
            else:
                path = ("Resources", key[1], "Properties", name)
                cache[name] = stack.resolver.value(raw[name], path)
        value = cache[name]
        return default if value is _ABSENT or value is NO_VALUE else value

    def nested(self, key: Key, name: str, field: str, default: Any = None) -> Any:
        """One field of a mapping property (``LaunchTemplateData.InstanceType``), resolved
        alone when the mapping is written out, else from the resolved whole."""
        stack = self.stacks[key[0]]
        properties = stack.resources[key[1]].get("Properties")
        raw = properties.get(name) if isinstance(properties, dict) else None
        if isinstance(raw, dict) and not any(k == "Ref" or k.startswith("Fn::") for k in raw):
            if field not in raw:
                return default
            path = ("Resources", key[1], "Properties", name, field)
            value = stack.resolver.value(raw[field], path)
            return default if value is NO_VALUE else value
        whole = self.prop(key, name)
        return whole.get(field, default) if isinstance(whole, dict) else default

    def raw(self, key: Key) -> dict[str, Any]:
        return self.stacks[key[0]].resources[key[1]]

    def locate(self, key: Key, *sub: str | int) -> Location:
        """Where a resource (its logical id) or one of its properties is in its template."""
        source = self.stacks[key[0]].source
        if sub:
            return source.locate(("Resources", key[1], "Properties", *sub))
        return source.locate(("Resources", key[1]), key=True)

    def follow(self, value: Any) -> Any:
        """``!GetAtt Child.Outputs.Name`` of a nested stack: the output's value, resolved
        in the child; any other value unchanged."""
        for _ in range(MAX_NESTING + 1):
            if not (
                isinstance(value, AttributeRef)
                and value.attribute.startswith("Outputs.")
                and self.type_of((value.scope, value.logical)) == "AWS::CloudFormation::Stack"
            ):
                return value
            scope = f"{value.scope}/{value.logical}" if value.scope else value.logical
            child = self.stacks.get(scope)
            name = value.attribute.removeprefix("Outputs.")
            outputs = child.data.get("Outputs") if child else None
            output = outputs.get(name) if isinstance(outputs, dict) else None
            if child is None or not isinstance(output, dict) or "Value" not in output:
                return value
            value = child.resolver.value(output["Value"], ("Outputs", name, "Value"))
        return value

    def target(self, scope: str, value: Any) -> Key | None:
        """The resource a resolved value refers to, if any (through nested outputs)."""
        value = self.follow(value)
        if isinstance(value, ResourceRef | AttributeRef):
            key = (value.scope, value.logical)
            return key if self.exists(key) else None
        return None

    def description(self) -> str:
        """The root template's Description as a topology's (a rendered template's
        ``tiered: NAME: TEXT`` gives TEXT back; ``tiered: NAME`` none)."""
        text = self.stacks[""].data.get("Description") if "" in self.stacks else None
        if not isinstance(text, str):
            return ""
        text = " ".join(text.split())
        rendered = re.match(r"^tiered: [a-z0-9-]+(?:: (.*))?$", text)
        if rendered:
            return rendered.group(1) or ""
        return text[:2000]

    def tags(self, key: Key) -> dict[str, str]:
        """The resource's tags (Tags, or a ``FileSystemTags``-like list, or a mapping)."""
        raw = self.prop(key, "Tags", self.prop(key, "FileSystemTags"))
        if isinstance(raw, dict):
            return {str(k): text_of(v) for k, v in raw.items()}
        found: dict[str, str] = {}
        if isinstance(raw, list):
            for item in raw:
                if isinstance(item, dict) and "Key" in item:
                    found[text_of(item["Key"])] = text_of(item.get("Value", ""))
        return found

    def path_of(self, key: Key) -> Path:
        return ("Resources", key[1])


def _by_url_path(folder: FilePath, url: str) -> FilePath:
    """The file under ``folder`` matching the longest tail of the URL's path (the file
    name alone last); the bare name when none exists (reported as not found)."""
    path = urlparse(url).path if "://" in url else url  # "<?>/web.yaml": an unresolved base
    parts = [
        unquote(p) for p in path.split("/") if p and p not in (".", "..") and not p.startswith("<")
    ]
    if not parts:
        parts = [url.rsplit("/", 1)[-1]]
    for start in range(len(parts)):
        candidate = folder.joinpath(*parts[start:]).resolve()
        if candidate.is_file():
            return candidate
    return (folder / parts[-1]).resolve()
