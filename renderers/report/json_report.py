"""The report as JSON: the report data with sorted keys, for tools and dashboards."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tiered.renderers.report.report_data import Report


def json_report(data: Report) -> str:
    return json.dumps(data, indent=2, sort_keys=True) + "\n"
