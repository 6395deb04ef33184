"""The CloudFormation renderer: the placement plan as a deployable template.

``build`` assembles every resource as plain dicts (network, security groups, instances,
databases, file systems, DNS failover), ``nesting`` keeps to CloudFormation's limits by
splitting into nested stacks per tier, and ``serialize`` writes YAML or JSON with sorted
keys. Nothing here writes files: the CLI hands the result to ``tiered.exporters.writer``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tiered.exporters.base import Exporter, ExportOptions, ExportRefused, Files
from tiered.renderers.cloudformation.build import build, record_findings
from tiered.renderers.cloudformation.nesting import package
from tiered.renderers.cloudformation.serialize import FORMATS

__all__ = ["CloudFormationRenderer", "rendered"]

if TYPE_CHECKING:
    from tiered.changes import Rendered
    from tiered.pipeline import Result
    from tiered.placement.plan import Plan


#: Folder of the output directory the templates are written to.
FOLDER = "cloudformation"


class CloudFormationRenderer(Exporter["Result"]):
    """Renders ``provider: aws`` plans as CloudFormation (nested stacks past the limits)."""

    name = "cloudformation"
    kind = "render"
    description = "AWS CloudFormation template deploying the plan"

    def applies_to(self, result: Result) -> bool:
        plan = result.valid_plan
        return plan.provider == "aws"

    def export(self, result: Result, options: ExportOptions) -> Files:
        plan = result.valid_plan
        if plan.provider != "aws":
            raise ExportRefused(
                f"CloudFormation renders only provider: aws topologies; "
                f"'{plan.name}' is provider: {plan.provider}",
                "render nginx or keepalived for on-premises topologies, or set provider: aws "
                "with a region and its availability zones",
                at=("provider",),
            )
        fmt = (options.variant or "yaml").lower()
        if fmt not in FORMATS:
            raise ExportRefused(
                f"CloudFormation cannot be written as '{options.variant}'",
                f"use --format {' or --format '.join(FORMATS)}",
            )
        template = build(plan)
        record_findings(template, options.extra.get("findings", ()))
        files = package(template, plan, fmt)
        return {f"{FOLDER}/{name}": text for name, text in files.items()}


def rendered(plan: Plan) -> Rendered:
    """One side of ``tiered diff``: the templates of ``plan`` as this renderer writes them
    (json), parsed; a side it refuses carries the refusal and its hint."""
    import json

    from tiered.changes import Rendered
    from tiered.pipeline import Result

    try:
        files = CloudFormationRenderer().export(Result.of_plan(plan), ExportOptions(variant="json"))
    except ExportRefused as refused:
        return Rendered(refused=f"{refused.message} — {refused.hint}")
    return Rendered({name: json.loads(text) for name, text in sorted(files.items())})
