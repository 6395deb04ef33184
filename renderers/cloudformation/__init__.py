"""The CloudFormation renderer: the placement plan as a deployable template.

``build`` assembles every resource as plain dicts (network, security groups, instances,
databases, file systems, DNS failover), ``nesting`` keeps to CloudFormation's limits by
splitting into nested stacks per tier, and ``serialize`` writes YAML or JSON with sorted
keys. Nothing here writes files: the CLI hands the result to ``tiered.writer``.
"""

from __future__ import annotations

from collections.abc import Mapping

from renderers.cloudformation.build import build, record_findings
from renderers.cloudformation.nesting import package
from renderers.cloudformation.serialize import FORMATS
from tiered.placement import Plan
from tiered.renderer import RenderOptions, RenderRefused

__all__ = ["CloudFormationRenderer"]

#: Folder of the output directory the templates are written to.
FOLDER = "cloudformation"


class CloudFormationRenderer:
    """Renders ``provider: aws`` plans as CloudFormation (nested stacks past the limits)."""

    name = "cloudformation"
    description = "AWS CloudFormation template deploying the plan"

    def applies_to(self, plan: Plan) -> bool:
        return plan.provider == "aws"

    def render(self, plan: Plan, options: RenderOptions) -> Mapping[str, str | bytes]:
        if plan.provider != "aws":
            raise RenderRefused(
                f"CloudFormation renders only provider: aws topologies; "
                f"'{plan.name}' is provider: {plan.provider}",
                "render nginx or keepalived for on-premises topologies, or set provider: aws "
                "with a region and its availability zones",
            )
        fmt = (options.format or "yaml").lower()
        if fmt not in FORMATS:
            raise RenderRefused(
                f"CloudFormation cannot be written as '{options.format}'",
                f"use --format {' or --format '.join(FORMATS)}",
            )
        template = build(plan)
        record_findings(template, options.extra.get("findings", ()))
        files = package(template, plan, fmt)
        return {f"{FOLDER}/{name}": text for name, text in files.items()}
