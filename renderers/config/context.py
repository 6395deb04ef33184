"""The kinds' view of a plan (``tiered.software.context``), built once per render.

``Contexts`` turns the plan into the neutral pictures kinds render from: each service's
members, dependencies as endpoints, mount points, the instance type and the heap of a JVM on
it (``renderers.config.heap``), and for the entry proxy its nginx.conf
and the VRRP pair's keepalived.conf. Every piece is worked out once per service (per plan,
for the VRRP pair) and shared by the service's instances.
"""

from __future__ import annotations

from tiered.exporters.base import ExportRefused
from tiered.model import Tls
from tiered.placement.plan import ComputeService, FilesystemService, Instance, Plan, ServicePlan
from tiered.renderers.config.endpoints import endpoint, mount_point
from tiered.renderers.config.heap import DEFAULT_INSTANCE_TYPE, heap_mib
from tiered.renderers.keepalived import pair_configs
from tiered.renderers.nginx import proxies, render_config
from tiered.software import JAVA, software
from tiered.software.context import Endpoint, InstanceContext, Member, ServiceContext

#: The account nginx's workers run as: Amazon Linux 2023's package, else Debian's.
NGINX_USER = {True: "nginx", False: "www-data"}


class Contexts:
    """Contexts of the instances of one plan, for one render."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.aws = plan.provider == "aws"
        self._proxies = {service.name for service in proxies(plan)}
        self._members: dict[str, tuple[Member, ...]] = {}
        self._endpoints: dict[str, Endpoint] = {}
        self._services: dict[str, ServiceContext] = {}
        self._vrrp: dict[str, str] | None = None

    def instance(self, instance: Instance) -> InstanceContext:
        return InstanceContext(
            service=self.service(instance.service),
            name=instance.name,
            ordinal=instance.ordinal,
            address=str(instance.ip),
            zone=instance.zone,
            role=instance.role,
        )

    def service(self, name: str) -> ServiceContext:
        if name not in self._services:
            self._services[name] = self._service(self.plan.services[name])
        return self._services[name]

    def members(self, name: str) -> tuple[Member, ...]:
        if name not in self._members:
            self._members[name] = tuple(
                Member(i.name, i.ordinal, str(i.ip), i.zone, i.role)
                for i in self.plan.instances_of(name)
            )
        return self._members[name]

    def endpoint(self, name: str) -> Endpoint:
        if name not in self._endpoints:
            dependency = self.plan.services[name]
            addresses = tuple(f"{m.address}:{dependency.port}" for m in self.members(name))
            self._endpoints[name] = endpoint(dependency, addresses)
        return self._endpoints[name]

    def vrrp_configs(self) -> dict[str, str]:
        """keepalived.conf of each node of the VRRP pair (none on aws, or without a pair)."""
        if self._vrrp is None:
            try:
                self._vrrp = {} if self.aws else pair_configs(self.plan)
            except ExportRefused:
                self._vrrp = {}
        return self._vrrp

    def _service(self, service: ServicePlan) -> ServiceContext:
        plan, kind = self.plan, software(service.software)
        proxy = service.name in self._proxies
        entry = plan.entry.dns_name if plan.entry and plan.entry.dns_name else plan.name
        instance_type = service.instance_type or DEFAULT_INSTANCE_TYPE
        return ServiceContext(
            topology=plan.name,
            name=service.name,
            software=service.software,
            port=service.port or kind.port,
            listen=service.listen,
            members=self.members(service.name),
            dependencies=tuple(self.endpoint(name) for name in service.depends_on),
            mounts=tuple(
                mount_point(name)
                for name in service.depends_on
                if isinstance(plan.services[name], FilesystemService)
            ),
            aws=self.aws,
            tls=(service.tls if isinstance(service, ComputeService) else None) or Tls(),
            health_path=service.health_check.path if service.health_check else None,
            instance_type=instance_type,
            heap_mib=heap_mib(instance_type) if JAVA in kind.packages else None,
            entry_name=entry,
            proxy_config=(
                render_config(plan, service, None, user=NGINX_USER[self.aws]) if proxy else None
            ),
            vrrp_configs=self.vrrp_configs() if proxy and kind.holds_vip else {},
        )
