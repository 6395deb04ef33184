"""The JSON Schema of the topology format, for editors (yaml-language-server) and CI.

The version of tiered it names is handed in by the caller (``tiered schema``): the package's
own ``__init__`` stands at the top of the house, above validation.
"""

from __future__ import annotations

from typing import Any

from tiered.model import Topology

SCHEMA_ID = "urn:tiered:schema:topology:1"


def topology_schema(version: str) -> dict[str, Any]:
    """The schema with its dialect, id and title set, read by tiered ``version``."""
    schema = Topology.model_json_schema()
    head = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "tiered topology (format version 1)",
        "description": f"A tiered, multi-zone deployment, as read by tiered {version}.",
    }
    schema.pop("title", None)
    schema.pop("description", None)
    properties = schema["properties"]
    properties["version"] = {"const": 1, "description": "Format version; only 1 exists."}
    schema["patternProperties"] = {"^x-": {"description": "Free for anchors and tooling."}}
    return {**head, **schema}
