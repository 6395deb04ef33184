"""Managed load balancers (classic and v2) as multi-zone entry services with routes.

A load balancer has a node in each zone of its subnets and AWS replaces lost nodes:
an active-active service with one replica per zone (two in its only zone: the loss of a
node is AWS's to repair, the loss of the zone is the risk, TR002). Its listeners and target groups
become routes to the services behind it (Auto Scaling groups naming the target group,
instances registered as targets); a target group's health check becomes the target
service's ``health_check``.
"""

from __future__ import annotations

import re
from typing import Any

from tiered.importers.cloudformation.compute import groups_of
from tiered.importers.cloudformation.drafts import SERVICE_TAG, TIER_TAG, Draft, kebab
from tiered.importers.cloudformation.intrinsics import text_of
from tiered.importers.cloudformation.network import Network
from tiered.importers.cloudformation.stack import Key, Universe
from tiered.model import URL_PATH_PATTERN

V2 = "AWS::ElasticLoadBalancingV2::LoadBalancer"
CLASSIC = "AWS::ElasticLoadBalancing::LoadBalancer"
_PATH = re.compile(URL_PATH_PATTERN)


def _port(value: Any) -> int | None:
    try:
        port = int(text_of(value))
    except ValueError:
        return None
    return port if 1 <= port <= 65535 else None


def _path(pattern: str) -> str:
    path = pattern.split("*", 1)[0].rstrip("/") or "/"
    return path if _PATH.match(path) else "/"


def map_balancers(u: Universe, net: Network) -> tuple[list[Draft], dict[Key, Key]]:
    """Drafts of the load balancers, and the balancer of every target group."""
    drafts = []
    balancer_of_group: dict[Key, Key] = {}
    listeners = u.of_type("AWS::ElasticLoadBalancingV2::Listener")
    rules = u.of_type("AWS::ElasticLoadBalancingV2::ListenerRule")
    for key in u.of_type(V2, CLASSIC):
        tags = u.tags(key)
        subnets = u.prop(key, "Subnets")
        mappings = u.prop(key, "SubnetMappings")
        if subnets is None and isinstance(mappings, list):
            subnets = [m.get("SubnetId") for m in mappings if isinstance(m, dict)]
        where = u.locate(key, "Subnets")
        if subnets is not None:
            zones = net.subnet_zones(subnets, where)
        else:
            listed = u.prop(key, "AvailabilityZones")
            zones = [z for z in listed if isinstance(z, str)] if isinstance(listed, list) else []
            zones = zones or [net.zone_of(listed, u.locate(key))]
        internal = text_of(u.prop(key, "Scheme", "internet-facing")) == "internal"
        draft = Draft(
            name=tags.get(SERVICE_TAG) or kebab(key[1]),
            kind="compute",
            role="application" if internal else "presentation",
            keys=[key],
            location=u.locate(key),
            zones=list(zones),
            groups=groups_of(u, u.prop(key, "SecurityGroups")),
            tier=tags.get(TIER_TAG),
            public=not internal,
            tags=tags,
            comment=f"managed load balancer ({'internal' if internal else 'internet-facing'}); "
            "AWS replaces a lost node, one per zone",
        )
        draft.set("failover", "active-active", u.locate(key))
        if len(zones) == 1:  # one zone: its loss is the risk (TR002), not one node's failure
            draft.zones = zones * 2
            draft.infer(
                "count",
                2,
                "a managed load balancer in one zone: AWS runs it on several nodes and "
                "replaces a failed one, so it is two nodes there, not one instance",
            )
        else:
            draft.set("count", len(zones), where)
        listen: list[int] = []
        routes: list[tuple[str, Key]] = []
        if u.type_of(key) == CLASSIC:
            for item in u.prop(key, "Listeners") or []:
                if isinstance(item, dict) and _port(item.get("LoadBalancerPort")):
                    listen.append(_port(item.get("LoadBalancerPort")) or 0)
            for instance in u.prop(key, "Instances") or []:
                target = u.target("", instance)
                if target is not None:
                    routes.append(("/", target))
            for group in u.of_type("AWS::AutoScaling::AutoScalingGroup"):
                named = [u.target("", n) for n in u.prop(group, "LoadBalancerNames") or []]
                if key in named:
                    routes.append(("/", group))
        for listener in listeners:
            if u.target("", u.prop(listener, "LoadBalancerArn")) != key:
                continue
            draft.keys.append(listener)
            port = _port(u.prop(listener, "Port"))
            if port:
                listen.append(port)
            for group in _forwards(u, u.prop(listener, "DefaultActions")):
                routes.append(("/", group))
            for rule in rules:
                if u.target("", u.prop(rule, "ListenerArn")) != listener:
                    continue
                paths = [
                    value
                    for condition in u.prop(rule, "Conditions") or []
                    if isinstance(condition, dict)
                    for value in _condition_paths(condition)
                ]
                for group in _forwards(u, u.prop(rule, "Actions")):
                    for path in paths or ["/"]:
                        routes.append((_path(path), group))
                draft.keys.append(rule)
        if listen:
            draft.set("listen", sorted(set(listen)))
        for _, group in routes:
            if u.type_of(group) == "AWS::ElasticLoadBalancingV2::TargetGroup":
                balancer_of_group[group] = key
        draft.routes = routes
        drafts.append(draft)
    return drafts, balancer_of_group


def _forwards(u: Universe, actions: Any) -> list[Key]:
    groups: list[Key] = []
    for action in actions if isinstance(actions, list) else []:
        if not isinstance(action, dict):
            continue
        target = u.target("", action.get("TargetGroupArn"))
        if target is not None:
            groups.append(target)
        forward = action.get("ForwardConfig")
        if isinstance(forward, dict):
            for item in forward.get("TargetGroups") or []:
                if isinstance(item, dict):
                    found = u.target("", item.get("TargetGroupArn"))
                    if found is not None:
                        groups.append(found)
    return groups


def _condition_paths(condition: dict[str, Any]) -> list[str]:
    if condition.get("Field") != "path-pattern":
        return []
    config = condition.get("PathPatternConfig")
    values = config.get("Values") if isinstance(config, dict) else condition.get("Values")
    return [v for v in values or [] if isinstance(v, str)]


def health_check(u: Universe, group: Key) -> dict[str, Any]:
    """A target group's health check as a topology ``health_check``."""
    check: dict[str, Any] = {}
    path = u.prop(group, "HealthCheckPath")
    if isinstance(path, str) and _PATH.match(path):
        check["path"] = path
    for source, name, low, high in (
        ("HealthCheckIntervalSeconds", "interval", 1, 3600),
        ("HealthCheckTimeoutSeconds", "timeout", 1, 3600),
        ("HealthyThresholdCount", "healthy_threshold", 1, 10),
        ("UnhealthyThresholdCount", "unhealthy_threshold", 1, 10),
    ):
        try:
            value = int(text_of(u.prop(group, source)))
        except ValueError:
            continue
        if low <= value <= high:
            check[name] = value
    return check
