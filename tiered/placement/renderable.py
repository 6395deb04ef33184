"""What validates renders: plan checks for what a renderer would otherwise refuse.

Each check here mirrors a refusal of a backend that the topology's own validation cannot
see, so that ``tiered validate`` says it, located, instead of ``tiered render`` after it:

* an entry proxy's NGINX locations: two routes whose paths differ only in a trailing slash
  (``/api`` and ``/api/`` both become ``location = /api`` and ``location /api/``), a route
  on the health check path NGINX answers itself, and no port to listen on;
* ActiveMQ brokers that are more than one with no shared file system to keep their
  messages on (shared-storage master/slave needs one).
"""

from __future__ import annotations

from tiered.findings import Problem
from tiered.loading.loader import SourceMap
from tiered.placement.plan import ComputeService, FilesystemService, Plan
from tiered.software import software
from tiered.software.kinds.nginx import HEALTH_PATH


def unrenderable(plan: Plan, source: SourceMap) -> list[Problem]:
    """Every reason a backend would refuse ``plan``, located at the key to change."""
    problems: list[Problem] = []
    for name in plan.entry_services:
        service = plan.services[name]
        if isinstance(service, ComputeService) and software(service.software).entry_proxy:
            problems.extend(_proxy_problems(service, source))
    for service in plan.services.values():
        if isinstance(service, ComputeService) and software(service.software).shared_storage:
            problems.extend(_shared_storage_problems(plan, service, source))
    return problems


def _proxy_problems(service: ComputeService, source: SourceMap) -> list[Problem]:
    problems = []
    if not service.listen:
        problems.append(
            Problem(
                source.locate((*service.path, "listen")),
                "entry-listens-nowhere",
                f"the entry proxy '{service.name}' listens on no port: clients cannot reach it",
                "list its ports, e.g. `listen: [80, 443]`",
            )
        )
    seen: dict[str, str] = {}
    for index, route in enumerate(service.routes):
        base = route.path.rstrip("/")
        where = source.locate((*service.path, "routes", index, "path"))
        if base == HEALTH_PATH:
            problems.append(
                Problem(
                    where,
                    "route-on-health-path",
                    f"route path '{route.path}' is the health check path {HEALTH_PATH}, "
                    f"which NGINX answers itself on '{service.name}'",
                    "give the route another path",
                )
            )
        elif base in seen and seen[base] != route.path:
            problems.append(
                Problem(
                    where,
                    "duplicate-route",
                    f"route path '{route.path}' and '{seen[base]}' are one location to "
                    "NGINX (a path serves itself and everything under it)",
                    "keep one of the two routes",
                )
            )
        seen.setdefault(base, route.path)
    return problems


def _shared_storage_problems(
    plan: Plan, service: ComputeService, source: SourceMap
) -> list[Problem]:
    shared = [d for d in service.depends_on if isinstance(plan.services[d], FilesystemService)]
    if service.count <= 1 or shared:
        return []
    return [
        Problem(
            source.locate((*service.path, "count")),
            "no-shared-storage",
            f"{service.software} service '{service.name}' has {service.count} brokers but no "
            "shared file system: shared-storage master/slave needs one (brokers on local "
            "disks would each serve with their own messages)",
            f"add a `kind: filesystem` service and list it in {service.name}'s depends_on, "
            "or set `count: 1`",
        )
    ]
