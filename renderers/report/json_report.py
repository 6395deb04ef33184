"""The report as JSON: the report data with sorted keys, for tools and dashboards."""

from __future__ import annotations

import json
from typing import Any


def json_report(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, sort_keys=True) + "\n"
