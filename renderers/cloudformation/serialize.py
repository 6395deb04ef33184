"""Templates as text: YAML (default) or JSON, keys sorted, byte-identical across runs."""

from __future__ import annotations

import json
from typing import Any

import yaml

try:  # the C dumper is much faster; the pure-Python one writes the same text
    from yaml import CSafeDumper as _Base
except ImportError:  # pragma: no cover - libyaml missing
    from yaml import SafeDumper as _Base  # type: ignore[assignment]


class Dumper(_Base):
    """Never writes YAML anchors and aliases: CloudFormation rejects them."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


FORMATS = ("yaml", "json")


def dump(data: dict[str, Any], fmt: str) -> str:
    """``data`` as ``fmt`` text ending in a newline."""
    if fmt == "json":
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    text: str = yaml.dump(
        data,
        Dumper=Dumper,
        sort_keys=True,
        default_flow_style=False,
        allow_unicode=True,
        width=1_000_000,
    )
    return text
