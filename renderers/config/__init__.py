"""The configuration renderer: for every planned instance, the files its software needs.

Files: ``config/<instance>/<path on the instance>`` (``config/zookeeper-1/etc/zookeeper/
zoo.cfg``). On ``provider: aws`` the tree includes the boot script
(``usr/local/sbin/tiered-boot``) that installs and starts the software; ``tiered render
cloudformation`` delivers the tree as each instance's ``#cloud-config`` user data
(``renderers.config.cloudinit``) and fills in the ``${Name}`` placeholders of values only the
stack knows (``tiered.software.stack``). On ``provider: generic`` the tree is the whole
delivery: copy each instance's tree onto the machine planned for it. What each software
gets is its kind's (``tiered/software/kinds/``); ``renderers.config.services`` adds what
every AWS instance gets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tiered.exporters.base import Exporter, ExportOptions, ExportRefused, Files
from tiered.placement.plan import Plan
from tiered.renderers.config.cloudinit import boot_script
from tiered.renderers.config.context import Contexts
from tiered.renderers.config.model import BOOT_SCRIPT, InstanceBoot
from tiered.renderers.config.services import configure

if TYPE_CHECKING:
    from tiered.pipeline import Result

__all__ = ["ConfigRenderer", "boots"]

FOLDER = "config"


def boots(plan: Plan) -> list[InstanceBoot]:
    """What every instance of ``plan`` needs, in plan order (the kinds' contexts are built
    once for the whole render)."""
    contexts = Contexts(plan)
    return [configure(contexts, instance) for instance in plan.instances]


class ConfigRenderer(Exporter["Result"]):
    """Per-instance software configuration (``tiered render config``)."""

    name = "config"
    kind = "render"
    description = "configuration files of every instance's software, and its boot script"

    def applies_to(self, result: Result) -> bool:
        return bool(result.valid_plan.instance_count)

    def export(self, result: Result, options: ExportOptions) -> Files:
        plan = result.valid_plan
        if not plan.instance_count:
            raise ExportRefused(
                f"'{plan.name}' plans no compute instance: there is nothing to configure",
                "add a compute service (managed databases and file systems need no files)",
            )
        files: dict[str, str | bytes] = {}
        for boot in boots(plan):
            base = f"{FOLDER}/{boot.instance.name}"
            for file in boot.files:
                files[f"{base}{file.path}"] = file.content
            if plan.provider == "aws":
                files[f"{base}{BOOT_SCRIPT}"] = boot_script(boot)
        return files
