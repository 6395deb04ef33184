"""What ``tiered validate --format NAME`` prints for each file: text, json or sarif."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tiered.exporters.base import DocumentExporter, ExportOptions

if TYPE_CHECKING:
    from tiered.pipeline import Result
    from tiered.placement.plan import Plan


def summary(plan: Plan) -> dict[str, int]:
    """What a valid file holds: services, instances, managed endpoints, zones, subnets."""
    return {
        "services": len(plan.services),
        "instances": plan.instance_count,
        "managed": len(plan.managed),
        "zones": len(plan.zones),
        "subnets": len(plan.subnets),
    }


def assumptions(result: Result) -> list[str]:
    """What the network must provide for the verdict to hold: stated, not a finding."""
    from tiered.analysis.entry_failover import entry_failover

    failover = entry_failover(result.valid_plan)
    return [failover["assumption"]] if failover else []


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


class ValidateText(DocumentExporter["Result"]):
    name, kind, filename = "text", "validate", "validate.txt"
    description = "a summary line and the findings, grouped by severity"

    def document(self, result: Result, options: ExportOptions) -> str:
        from tiered.renderers.report.findings_text import findings_text
        from tiered.renderers.report.width import hanging

        s = summary(result.valid_plan)
        width = options.extra.get("width")  # None: unwrapped (see renderers.report.width)
        head = (
            f"{result.file}: valid — {_count(s['services'], 'service')}, "
            f"{_count(s['instances'], 'instance')} and "
            f"{_count(s['managed'], 'managed endpoint')} "
            f"over {_count(s['zones'], 'zone')}, {_count(s['subnets'], 'subnet')}"
        )
        assumed = "".join(
            hanging(f"assumes: {line}", width, 2) + "\n" for line in assumptions(result)
        )
        return hanging(head, width, 2) + "\n" + assumed + findings_text(result.findings, width)


class ValidateJson(DocumentExporter["Result"]):
    name, kind, filename = "json", "validate", "validate.json"
    description = "for tools: one object per file (a list for several files)"
    describes_invalid = True

    def document(self, result: Result, options: ExportOptions) -> str:
        payload: dict[str, object]
        if result.plan is None:
            payload = {
                "file": result.file,
                "valid": False,
                "problems": [p.to_dict() for p in result.problems],
            }
        else:
            payload = {
                "file": result.file,
                "valid": True,
                "problems": [],
                "summary": summary(result.plan),
                "assumptions": assumptions(result),
                "findings": [f.to_dict() for f in result.findings],
            }
        return json.dumps(payload, indent=2) + "\n"

    def combine(self, documents: Sequence[str]) -> str:
        if len(documents) == 1:
            return documents[0]
        return json.dumps([json.loads(d) for d in documents], indent=2) + "\n"


class ValidateSarif(DocumentExporter["Result"]):
    name, kind, filename = "sarif", "validate", "tiered.sarif"
    description = "SARIF 2.1.0 for code scanning (one run over every file)"
    describes_invalid = True  # an invalid file: an unsuccessful invocation, located

    def document(self, result: Result, options: ExportOptions) -> str:
        from tiered.renderers.report.sarif import sarif

        if result.plan is None:
            return sarif([], result.problems)
        return sarif(result.findings)

    def combine(self, documents: Sequence[str]) -> str:
        if len(documents) == 1:
            return documents[0]
        logs = [json.loads(d) for d in documents]
        merged = logs[0]
        for log in logs[1:]:
            merged["runs"][0]["results"].extend(log["runs"][0]["results"])
            invocations = log["runs"][0].get("invocations", [])
            merged["runs"][0].setdefault("invocations", []).extend(invocations)
        if "invocations" in merged["runs"][0] and not merged["runs"][0]["invocations"]:
            del merged["runs"][0]["invocations"]
        return json.dumps(merged, indent=2, sort_keys=True) + "\n"
