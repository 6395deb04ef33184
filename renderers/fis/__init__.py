"""The FIS renderer: AWS Fault Injection Service experiments testing each predicted failure.

``build`` makes one CloudFormation template (a stack of its own, beside the main one) with
an experiment template per zone, per instance whose loss matters and per database
failover, each stating what ``tiered whatif`` predicts; ``policy`` holds the least-privilege
experiment role. Nothing here writes files: the CLI hands the result to ``tiered.exporters.writer``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tiered.exporters.base import Exporter, ExportOptions, ExportRefused, Files
from tiered.renderers.cloudformation.serialize import FORMATS, dump
from tiered.renderers.fis.build import build

if TYPE_CHECKING:
    from tiered.pipeline import Result

__all__ = ["FisRenderer"]

#: Folder of the output directory the template is written to.
FOLDER = "fis"


class FisRenderer(Exporter["Result"]):
    """Renders ``provider: aws`` plans as a CloudFormation stack of FIS experiment templates."""

    name = "fis"
    kind = "render"
    description = "AWS FIS experiment templates testing each predicted failure"

    def applies_to(self, result: Result) -> bool:
        return result.valid_plan.provider == "aws"

    def export(self, result: Result, options: ExportOptions) -> Files:
        plan = result.valid_plan
        if plan.provider != "aws":
            raise ExportRefused(
                f"FIS experiments run only on AWS; '{plan.name}' is provider: {plan.provider}",
                "test an on-premises topology by failing its racks or hosts by hand, "
                "`tiered whatif --fail NAME` says what to expect",
                at=("provider",),
            )
        fmt = (options.variant or "yaml").lower()
        if fmt not in FORMATS:
            raise ExportRefused(
                f"FIS templates cannot be written as '{options.variant}'",
                f"use --format {' or --format '.join(FORMATS)}",
            )
        text = dump(build(plan).to_dict(), fmt)
        return {f"{FOLDER}/{plan.name}-fis.{fmt}": text}
