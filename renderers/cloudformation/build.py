"""Assemble the whole template of a plan, as one ``Template`` (before any nesting)."""

from __future__ import annotations

from collections.abc import Sequence

from tiered.exporters.base import ExportRefused
from tiered.findings import Finding
from tiered.first_boot import first_boot_problems
from tiered.placement.plan import Plan
from tiered.renderers.cloudformation.boot import add_boot, delivery
from tiered.renderers.cloudformation.compute import (
    add_instance_profile,
    add_instances,
    add_launch_templates,
    architecture,
    eip_id,
)
from tiered.renderers.cloudformation.database import add_databases
from tiered.renderers.cloudformation.dns import add_dns_failover
from tiered.renderers.cloudformation.filesystem import add_filesystems
from tiered.renderers.cloudformation.ids import logical_id
from tiered.renderers.cloudformation.network import VPC, add_network
from tiered.renderers.cloudformation.parameters import add_parameters
from tiered.renderers.cloudformation.security import add_peer_rules, add_security_groups
from tiered.renderers.cloudformation.template import Template, ref
from tiered.renderers.config.heap import DEFAULT_INSTANCE_TYPE

#: CloudFormation's limit on a template's Description.
MAX_DESCRIPTION = 1024


def build(plan: Plan) -> Template:
    """Every resource, parameter and output of ``plan`` in one template."""
    text = f"{plan.name}: {plan.description}" if plan.description else plan.name
    template = Template(description=f"tiered: {text}"[:MAX_DESCRIPTION])
    architectures = {
        architecture(plan.services[i.service].instance_type or DEFAULT_INSTANCE_TYPE)
        for i in plan.instances
    }
    add_parameters(template, plan, architectures)
    add_network(template, plan)
    add_security_groups(template, plan)
    add_peer_rules(template, plan)
    add_databases(template, plan)
    add_filesystems(template, plan)
    if plan.instances:
        boot = delivery(plan)
        add_instance_profile(template, plan)
        add_launch_templates(template, plan)
        add_instances(template, plan, boot)
        add_boot(template, plan, boot)
    add_dns_failover(template, plan)
    template.output("VpcId", "id of the VPC", ref(VPC))

    for instance in plan.instances:
        eip = eip_id(instance.name)
        if instance.service in plan.entry_services and eip in template.resources:
            template.output(
                logical_id("PublicIp", instance.name),
                f"public address of entry instance {instance.name} ({instance.zone})",
                ref(eip),
            )
    check_first_boot(template)
    return template


def check_first_boot(template: Template) -> None:
    """Refuse a template an instance of which could not complete its first boot.

    The renderer builds every template to pass this (``compute``, ``network``): a problem
    here is a bug of tiered, reported as such rather than deployed to time out.
    """
    problems = first_boot_problems(template.to_dict())
    if problems:
        listed = "; ".join(str(p) for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise ExportRefused(
            f"internal error: the rendered template cannot complete its first boot: {listed}{more}",
            "this is a bug of tiered: report it with the topology",
        )


def record_findings(template: Template, findings: Sequence[Finding]) -> None:
    """The unaccepted error findings the template was rendered with, in its Metadata.

    A stack deployed from a topology with a known single point of failure says so to whoever
    reads the template or the stack later, not only to whoever ran the render.
    """
    if findings:
        template.metadata["tiered"]["findings"] = [
            {
                "rule": f.rule,
                "severity": f.severity.value,
                "service": f.service,
                "location": str(f.location),
                "message": f.message,
                "fix": f.fix,
            }
            for f in findings
        ]
