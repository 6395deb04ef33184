"""Assemble the whole template of a plan, as one ``Template`` (before any nesting)."""

from __future__ import annotations

from tiered.placement.plan import Plan
from tiered.renderers.cloudformation.compute import (
    DEFAULT_INSTANCE_TYPE,
    add_instance_profile,
    add_instances,
    architecture,
    eip_id,
)
from tiered.renderers.cloudformation.database import add_databases
from tiered.renderers.cloudformation.dns import add_dns_failover
from tiered.renderers.cloudformation.filesystem import add_filesystems
from tiered.renderers.cloudformation.ids import logical_id
from tiered.renderers.cloudformation.network import VPC, add_network
from tiered.renderers.cloudformation.parameters import add_parameters
from tiered.renderers.cloudformation.security import add_security_groups
from tiered.renderers.cloudformation.template import Template, ref

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
    if plan.instances:
        add_instance_profile(template, plan)
        add_instances(template, plan)
    add_databases(template, plan)
    add_filesystems(template, plan)
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
    return template
