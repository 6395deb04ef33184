"""Safe YAML loading: plain data plus a source map from data paths to file positions.

The loader never raises for a bad file. Syntax errors, duplicate keys, unsafe tags, bad
encodings and abusive inputs (alias bombs, absurd sizes or depth) all become located
problems. Only the plain YAML types are built: mappings, sequences, strings, numbers,
booleans and nulls; anchors, aliases and merge keys (``<<: *defaults``) work as usual.
A caller may name extra local tags (``tags``: CloudFormation's ``!Ref``, ``!Sub`` ...) that
become one-key mappings (``{"Ref": ...}``); topology files are loaded without any.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from tiered.findings import Location, Problem
from tiered.loading.indentation import misindented_key

MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
MAX_SCALAR_CHARS = 65_536
MAX_EXTRA_ALIAS_NODES = 100_000

Path = tuple[str | int, ...]

_TAG = "tag:yaml.org,2002:"
_MAP, _SEQ, _MERGE = _TAG + "map", _TAG + "seq", _TAG + "merge"
_SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_PARSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


@dataclass(slots=True)
class SourceMap:
    """Positions of every key and value of a loaded document, by data path."""

    file: str
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: Path, *, key: bool = False) -> Location:
        """The position of ``path`` (its key when ``key``), or of its nearest located ancestor."""
        table = self.keys if key else self.values
        probe = tuple(path)
        while probe:
            if probe in table:
                return Location(self.file, *table[probe])
            if probe in self.values:
                return Location(self.file, *self.values[probe])
            probe = probe[:-1]
        return Location(self.file, *self.values.get((), (1, 1)))


@dataclass(slots=True)
class Loaded:
    """The result of loading a file: data (None when unusable), its source map, problems."""

    data: Any
    source: SourceMap
    problems: list[Problem]


def load_file(path: str, tags: Mapping[str, str] | None = None) -> Loaded:
    """Read and load a topology file from disk; unreadable files become problems."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        return _fail(
            path,
            "file-not-found",
            f"no such file: {path}",
            "pass the path of a topology file, or write a starter with `tiered init`",
        )
    except IsADirectoryError:
        return _fail(
            path,
            "file-unreadable",
            f"{path} is a directory, not a topology file",
            "pass the path of a YAML file",
        )
    except OSError as error:
        return _fail(
            path,
            "file-unreadable",
            f"cannot read {path}: {error.strerror}",
            "check the path and its permissions",
        )
    return load_bytes(raw, path, tags)


def load_bytes(raw: bytes, name: str, tags: Mapping[str, str] | None = None) -> Loaded:
    """Load YAML from bytes; ``name`` is the file name used in locations.

    ``tags`` maps local tags (``!Ref``) to the key of the one-key mapping they become.
    """
    if len(raw) > MAX_FILE_BYTES:
        return _fail(
            name,
            "file-too-large",
            f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB",
            "split the topology or remove generated bulk; no real topology is this big",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        return _fail(
            name,
            "not-utf8",
            f"file is not UTF-8: byte 0x{raw[error.start]:02x} cannot be decoded",
            "save the file as UTF-8",
            line,
            column,
        )
    if "\x00" in text:
        offset = text.index("\x00")
        line = text.count("\n", 0, offset) + 1
        return _fail(
            name,
            "not-text",
            "file contains a NUL character (binary data?)",
            "save the topology as a plain UTF-8 text file",
            line,
            offset - (text.rfind("\n", 0, offset) + 1) + 1,
        )
    source = SourceMap(name)
    try:
        node = yaml.compose(text, Loader=_PARSER)  # a safe loader; nodes only
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        parts = [part.strip() for part in (error.context, error.problem) if part]
        message = ", ".join(parts) or "invalid YAML"
        hint = _syntax_hint(message)
        if "mapping values are not allowed" in message or "expected key" in message:
            key = misindented_key(text, line)
            if key is not None:
                line, column, message, hint = key.line, key.column, key.message, key.hint
        return _fail(name, "yaml-syntax", f"YAML syntax error: {message}", hint, line, column)
    except yaml.YAMLError as error:  # pragma: no cover - libyaml reports marks
        return _fail(name, "yaml-syntax", f"YAML syntax error: {error}", "fix the YAML syntax")
    except RecursionError:
        return _fail(
            name,
            "too-deep",
            f"nesting deeper than {MAX_DEPTH} levels",
            "flatten the document; a topology needs a handful of levels",
        )
    if node is None:
        return _fail(
            name,
            "empty-file",
            "file is empty (no YAML document)",
            "start from `tiered init` (a commented example) and describe your deployment",
        )
    # Every node written in the file takes at least one character, so only aliases can
    # make the built document larger than this; past it, the file is an alias bomb.
    builder = _Builder(source, budget=len(text) + MAX_EXTRA_ALIAS_NODES, tags=tags or {})
    builder.root = node
    try:
        data = builder.build(node, (), 0)
    except _AliasBomb as bomb:
        return Loaded(None, source, [bomb.problem])
    return Loaded(data, source, builder.problems)


def _fail(name: str, code: str, message: str, hint: str, line: int = 1, column: int = 1) -> Loaded:
    return Loaded(
        None, SourceMap(name), [Problem(Location(name, line, column), code, message, hint)]
    )


def _syntax_hint(message: str) -> str:
    if "tab" in message:
        return "indent with spaces, never tabs"
    if "expected a single document" in message:
        return "keep one document per file: remove the extra '---'"
    if "undefined alias" in message:
        return "define the anchor (&name) before using the alias (*name)"
    if "mapping values are not allowed" in message:
        return "check the indentation and quote values that contain ': '"
    if "exceeded maximum nesting depth" in message:
        return f"flatten the document; nesting is limited to {MAX_DEPTH} levels"
    return "check the indentation and quoting around this position"


class _Builder:
    """Turns composed YAML nodes into plain data, recording positions and problems."""

    def __init__(self, source: SourceMap, budget: int, tags: Mapping[str, str]) -> None:
        self.source = source
        self.tags = tags
        self.problems: list[Problem] = []
        self.budget = budget
        self.root: yaml.Node | None = None
        self.open: set[int] = set()  # collections being built: an alias to one is recursion

    def _located(self, node: yaml.Node, code: str, message: str, hint: str) -> Problem:
        mark = node.start_mark
        return Problem(
            Location(self.source.file, mark.line + 1, mark.column + 1), code, message, hint
        )

    def _problem(self, node: yaml.Node, code: str, message: str, hint: str) -> None:
        self.problems.append(self._located(node, code, message, hint))

    def build(self, node: yaml.Node, path: Path, depth: int) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise _AliasBomb(
                self._located(
                    self.root or node,
                    "alias-bomb",
                    "aliases expand this document beyond any sane size",
                    "this looks like an alias bomb ('billion laughs'); write the data out or use "
                    "fewer nested aliases",
                )
            )
        mark = node.start_mark
        self.source.values.setdefault(path, (mark.line + 1, mark.column + 1))
        if depth > MAX_DEPTH:
            self._problem(
                node,
                "too-deep",
                f"nesting deeper than {MAX_DEPTH} levels",
                "flatten the document; a topology needs a handful of levels",
            )
            return None
        if node.tag in self.tags:
            return self._tagged(node, path, depth)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        key = id(node)
        if key in self.open:
            self._problem(
                node,
                "recursive-alias",
                "an alias refers to a node that contains it",
                "aliases must point to a finished anchor; remove the recursion",
            )
            return None
        self.open.add(key)
        try:
            if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
                return [
                    self.build(item, (*path, index), depth + 1)
                    for index, item in enumerate(node.value)
                ]
            if isinstance(node, yaml.MappingNode) and node.tag == _MAP:
                return self._mapping(node, path, depth)
            return self._bad_tag(node)
        finally:
            self.open.discard(key)

    def _tagged(self, node: yaml.Node, path: Path, depth: int) -> dict[str, Any]:
        """A caller-named local tag: ``!Ref x`` becomes ``{"Ref": "x"}``."""
        name = self.tags[node.tag]
        inner = (*path, name)
        mark = node.start_mark
        self.source.values.setdefault(inner, (mark.line + 1, mark.column + 1))
        if isinstance(node, yaml.ScalarNode):
            value: Any = self._scalar(yaml.ScalarNode(_TAG + "str", node.value, mark))
        elif isinstance(node, yaml.SequenceNode):
            plain: yaml.Node = yaml.SequenceNode(_SEQ, node.value, mark)
            value = self.build(plain, inner, depth + 1)
        else:
            value = self.build(yaml.MappingNode(_MAP, node.value, mark), inner, depth + 1)
        return {name: value}

    def _mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        merged: list[tuple[str, yaml.Node, yaml.Node]] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merged.extend(self._merge_sources(value_node))
                continue
            key = self._key(key_node)
            if key is None:
                continue
            if key in result:
                first = self.source.keys[(*path, key)]
                self._problem(
                    key_node,
                    "duplicate-key",
                    f"duplicate key '{key}' (first defined on line {first[0]})",
                    "remove one of them; YAML keeps only the last silently",
                )
                continue
            mark = key_node.start_mark
            self.source.keys[(*path, key)] = (mark.line + 1, mark.column + 1)
            result[key] = self.build(value_node, (*path, key), depth + 1)
        for key, key_node, value_node in merged:
            if key not in result:
                mark = key_node.start_mark
                self.source.keys[(*path, key)] = (mark.line + 1, mark.column + 1)
                result[key] = self.build(value_node, (*path, key), depth + 1)
        return result

    def _merge_sources(self, value: yaml.Node) -> list[tuple[str, yaml.Node, yaml.Node]]:
        """Entries of the mappings named by a merge key, earlier mappings first."""
        sources = value.value if isinstance(value, yaml.SequenceNode) else [value]
        entries: list[tuple[str, yaml.Node, yaml.Node]] = []
        for source in sources:
            if not isinstance(source, yaml.MappingNode):
                self._problem(
                    source,
                    "bad-merge",
                    "'<<' must name a mapping or a list of mappings",
                    "merge an anchored mapping: '<<: *defaults'",
                )
                continue
            for key_node, value_node in source.value:
                if key_node.tag == _MERGE:
                    entries.extend(self._merge_sources(value_node))
                    continue
                key = self._key(key_node)
                if key is not None:
                    entries.append((key, key_node, value_node))
        return entries

    def _key(self, node: yaml.Node) -> str | None:
        if not isinstance(node, yaml.ScalarNode):
            self._problem(
                node,
                "bad-key",
                "mapping keys must be plain names, not lists or mappings",
                "write the key as a plain word",
            )
            return None
        if node.tag not in _SCALAR_TAGS:
            self._bad_tag(node)
            return None
        return str(node.value)

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        tag = node.tag
        if tag not in _SCALAR_TAGS:
            return self._bad_tag(node)
        if len(node.value) > MAX_SCALAR_CHARS:
            self._problem(
                node,
                "string-too-long",
                f"value is {len(node.value):,} characters long (limit {MAX_SCALAR_CHARS:,})",
                "shorten it; no field of a topology needs this much text",
            )
            return None
        if tag == _TAG + "str" or tag == _TAG + "timestamp":
            return node.value
        if tag == _TAG + "int":
            return _CONSTRUCTOR.construct_yaml_int(node)
        if tag == _TAG + "float":
            return _CONSTRUCTOR.construct_yaml_float(node)
        if tag == _TAG + "bool":
            return _CONSTRUCTOR.construct_yaml_bool(node)
        return None

    def _bad_tag(self, node: yaml.Node) -> None:
        tag = node.tag.replace(_TAG, "!!")
        hint = (
            "tiered reads only plain YAML and never runs code from a file; remove the tag"
            if "python" in tag
            else "remove the tag; tiered reads only plain YAML types"
        )
        self._problem(node, "unsafe-tag", f"unsupported YAML tag '{tag}'", hint)
        return None


class _AliasBomb(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem
