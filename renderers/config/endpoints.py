"""Where a service finds what it depends on: connection strings built from the plan.

One function per kind of dependency, each giving the environment variables an application
reads (``<DEPENDENCY>_...``, the dependency's name in capitals with ``_`` for ``-``): every
compute dependency's members as ``host:port``; ZooKeeper's connect string; Solr's base URLs;
ActiveMQ's failover URL; a managed database's address (and the ARN of the Secrets Manager
secret holding its master credentials, never the credentials themselves); a file system's
mount point.
"""

from __future__ import annotations

from typing import Any

from tiered.placement.plan import Plan, ServicePlan
from tiered.renderers.config import stack
from tiered.renderers.config.model import InstanceBoot

#: Where a file-system service is mounted on the instances that depend on it.
MOUNT_ROOT = "/mnt"


def prefix(service: str) -> str:
    return service.upper().replace("-", "_")


def mount_point(filesystem: str) -> str:
    return f"{MOUNT_ROOT}/{filesystem}"


def members(plan: Plan, service: ServicePlan) -> list[str]:
    """``ip:port`` of every instance of ``service``, in replica order (computed once a plan)."""
    cache: dict[str, tuple[str, ...]] = plan._cache.setdefault("config.members", {})
    if service.name not in cache:
        cache[service.name] = tuple(
            f"{i.ip}:{service.port}" for i in plan.instances_of(service.name)
        )
    return list(cache[service.name])


def zookeeper_connect(plan: Plan, service: ServicePlan) -> str:
    return ",".join(members(plan, service))


def solr_urls(plan: Plan, service: ServicePlan) -> str:
    return ",".join(f"http://{member}/solr" for member in members(plan, service))


def failover_url(plan: Plan, service: ServicePlan) -> str:
    """The ActiveMQ client URL: every broker, the client follows whichever holds the lock."""
    brokers = ",".join(f"tcp://{member}" for member in members(plan, service))
    return f"failover:({brokers})"


def dependency_variables(plan: Plan, service: ServicePlan, boot: InstanceBoot) -> list[str]:
    """``NAME="value"`` lines for every dependency of ``service``, in ``depends_on`` order."""
    cache: dict[str, Any] = plan._cache.setdefault("config.dependencies", {})
    if service.name not in cache:
        cache[service.name] = _dependency_variables(plan, service)
    lines, values = cache[service.name]
    boot.use(*values)
    return list(lines)


def _dependency_variables(
    plan: Plan, service: ServicePlan
) -> tuple[tuple[str, ...], tuple[stack.StackValue, ...]]:
    """The lines of one service (the same for each of its instances) and the stack values."""
    used: list[stack.StackValue] = []
    lines: list[str] = []
    for name in service.depends_on:
        dep = plan.services[name]
        key = prefix(name)
        lines.append(f"# {name}: {dep.kind} service ({dep.software})")
        if dep.kind == "database":
            address, secret = stack.database_address(name), stack.database_secret(name)
            used += [address, secret]
            lines += [
                f'{key}_ENGINE="{dep.engine}"',
                f'{key}_HOST="{stack.ref(address)}"',
                f'{key}_PORT="{dep.port}"',
                f'{key}_CREDENTIALS_ARN="{stack.ref(secret)}"',
            ]
        elif dep.kind == "filesystem":
            lines.append(f'{key}_MOUNT="{mount_point(name)}"')
        else:
            lines.append(f'{key}_HOSTS="{",".join(members(plan, dep))}"')
            if dep.software == "zookeeper":
                lines.append(f'{key}_CONNECT="{zookeeper_connect(plan, dep)}"')
            elif dep.software == "solr":
                lines.append(f'{key}_URLS="{solr_urls(plan, dep)}"')
            elif dep.software == "activemq":
                lines.append(f'{key}_URL="{failover_url(plan, dep)}"')
    return tuple(lines), tuple(used)
