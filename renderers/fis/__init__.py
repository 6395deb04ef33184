"""The FIS renderer: AWS Fault Injection Service experiments testing each predicted failure.

``build`` makes one CloudFormation template (a stack of its own, beside the main one) with
an experiment template per zone, per instance whose loss matters and per database
failover, each stating what ``tiered whatif`` predicts; ``policy`` holds the least-privilege
experiment role. Nothing here writes files: the CLI hands the result to ``tiered.writer``.
"""

from __future__ import annotations

from collections.abc import Mapping

from renderers.cloudformation.serialize import FORMATS, dump
from renderers.fis.build import build
from tiered.placement import Plan
from tiered.renderer import RenderOptions, RenderRefused

__all__ = ["FisRenderer"]

#: Folder of the output directory the template is written to.
FOLDER = "fis"


class FisRenderer:
    """Renders ``provider: aws`` plans as a CloudFormation stack of FIS experiment templates."""

    name = "fis"
    description = "AWS FIS experiment templates testing each predicted failure"

    def applies_to(self, plan: Plan) -> bool:
        return plan.provider == "aws"

    def render(self, plan: Plan, options: RenderOptions) -> Mapping[str, str | bytes]:
        if plan.provider != "aws":
            raise RenderRefused(
                f"FIS experiments run only on AWS; '{plan.name}' is provider: {plan.provider}",
                "test an on-premises topology by failing its racks or hosts by hand, "
                "`tiered whatif --fail NAME` says what to expect",
            )
        fmt = (options.format or "yaml").lower()
        if fmt not in FORMATS:
            raise RenderRefused(
                f"FIS templates cannot be written as '{options.format}'",
                f"use --format {' or --format '.join(FORMATS)}",
            )
        text = dump(build(plan).to_dict(), fmt)
        return {f"{FOLDER}/{plan.name}-fis.{fmt}": text}
