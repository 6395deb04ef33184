"""The picture of a plan, independent of any drawing format: what is drawn where.

Nested clusters region → VPC → zone → subnet (a tier in a zone), and on premises the entry
segment of a VRRP pair (one VLAN over its zones, with the VIP inside); one node per replica (or
per collapsed group, see ``collapse``), per managed endpoint and NAT gateway; users and
Route 53 or the keepalived VIP outside. Calls are drawn from every replica (or group) of
the caller to the replicas of the callee it reaches: the active ones in the caller's zone
(else the active ones wherever they are) and those in zones without a caller (a passive or
standby replica takes no calls), so every zone is drawn connected, no replica looks unused
and cross-zone calls show as such. Arrows carry no
text, which graphviz would place over cluster titles: the port is part of the callee's
address and a router lists its routes. Findings and what-if states from ``annotations``
become marks on nodes and zones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial

from tiered.placement.plan import ComputeService, DatabaseService, Plan, ServicePlan
from tiered.renderers.diagram import icons
from tiered.renderers.diagram.annotations import NONE, Annotations
from tiered.renderers.diagram.collapse import COLLAPSE_THRESHOLD, collapses, group_text
from tiered.renderers.diagram.layout import columns
from tiered.renderers.diagram.model import Cluster, Edge, Node, Picture, ident

__all__ = ["COLLAPSE_THRESHOLD", "Cluster", "Edge", "Node", "Picture", "build", "ident"]


def build(plan: Plan, notes: Annotations = NONE, collapse: int = COLLAPSE_THRESHOLD) -> Picture:
    """The picture of ``plan`` with ``notes`` drawn on it."""
    return _Builder(plan, notes, collapse).build()


class _Builder:
    def __init__(self, plan: Plan, notes: Annotations, collapse: int) -> None:
        self.plan, self.notes, self.collapse = plan, notes, collapse
        self.column = columns(plan)
        self.nodes: dict[str, Node] = {}
        self.members: dict[str, list[str]] = {}  # service -> node ids, plan order
        self.took_over: set[str] = set()  # passive or standby nodes drawn active (what-if)
        segment = plan.entry_segment
        self.segment_service = (
            next(i.service for i in plan.instances if i.subnet == segment.name)
            if segment is not None
            else None
        )
        # Users stand above Route 53 (or a VIP outside any segment) in the first column; a
        # VIP inside the entry segment gets a column of its own, right of the users.
        self.hub_column = 1 if self.segment_service is not None else 0
        self.offset = self.hub_column + 1

    # -- nodes -------------------------------------------------------------------------

    def _dns(self) -> bool:
        entry = self.plan.entry
        return bool(self.plan.provider == "aws" and entry is not None and entry.hosted_zone)

    def _state(self, service: str, names: tuple[str, ...], zone: str) -> tuple[bool, bool]:
        """(failed, down) of a node standing for ``names`` of ``service`` in ``zone``."""
        failed_set = set(self.notes.failed)
        failed = zone in failed_set or service in failed_set or set(names) <= failed_set
        return failed, service in self.notes.down

    def _add(self, node: Node) -> None:
        self.nodes[node.id] = node
        if node.service is not None:
            self.members.setdefault(node.service, []).append(node.id)

    def _margin(self, service: ServicePlan) -> str:
        if service.failover == "quorum":
            return f"quorum {service.survivors_needed} of {service.count}"
        if service.failover == "active-active" and service.survivors_needed > 1:
            return f"needs {service.survivors_needed} of {service.count}"
        return ""

    def _tooltip(self, service: ServicePlan) -> str:
        """What hovering a node of ``service`` says (SVG title): failover and spread."""
        spread = ", ".join(f"{zone}: {n}" for zone, n in service.per_zone.items())
        port = f", port {service.port}" if service.port else ""
        return f"{service.name} ({service.kind}, {service.failover}{port}) — {spread}"

    def _routes(self, service: ServicePlan) -> list[str]:
        """A router's routes, one line each ("/api → api"): drawn on the router, not on
        its arrows."""
        return [f"{route.path} → {route.to}" for route in service.routes]

    def _rules(self, service: str) -> tuple[str, ...]:
        return () if self.notes.whatif else self.notes.service_rules(service)

    def _service_nodes(self, service: ServicePlan, zone: str) -> list[str]:
        plan = self.plan
        icon = icons.service_icon(plan, service)
        col = self.column[service.name] + self.offset
        rules = self._rules(service.name)
        accepted = () if self.notes.whatif else self.notes.service_rules(service.name, True)
        tooltip = self._tooltip(service)
        node_of = partial(
            Node,
            icon=icon,
            service=service.name,
            zone=zone,
            column=col,
            rules=rules,
            accepted=accepted,
            tooltip=tooltip,
        )
        ids: list[str] = []
        if isinstance(service, ComputeService):
            here = [i for i in plan.instances_of(service.name) if i.zone == zone]
            if not here:
                return ids
            if collapses(service, self.collapse):
                names = tuple(i.name for i in here)
                failed, down = self._state(service.name, names, zone)
                title, lines = group_text(service, here)
                if service.port:
                    lines[-1] += f" · port {service.port}"
                lost = len(set(names) & set(self.notes.failed))
                if lost and not failed:
                    lines.append(f"{lost} of {len(names)} failed")
                margin = self._margin(service)
                if margin:
                    lines.append(margin)
                lines += self._routes(service)
                node = node_of(
                    id=f"g_{ident(service.name)}_{ident(zone)}",
                    title=title,
                    lines=tuple(lines),
                    kind="group",
                    failed=failed,
                    down=down,
                    instances=names,
                )
                self._add(node)
                return [node.id]
            for instance in here:
                failed, down = self._state(service.name, (instance.name,), zone)
                port = f":{service.port}" if service.port else ""
                detail = [f"{instance.ip}{port}"]
                if service.instance_type:
                    detail.append(service.instance_type)
                lines = [" · ".join(detail)]
                role = self._margin(service) or (instance.role if instance.role != "member" else "")
                if role:
                    lines.append(role)
                lines += self._routes(service)
                node = node_of(
                    id=f"i_{ident(instance.name)}",
                    title=instance.name,
                    lines=tuple(lines),
                    kind="instance",
                    dashed=instance.role in ("passive", "standby"),
                    failed=failed,
                    down=down,
                    instances=(instance.name,),
                )
                self._add(node)
                ids.append(node.id)
            return ids
        for endpoint in plan.managed:
            if endpoint.service != service.name or endpoint.zone != zone:
                continue
            failed, down = self._state(service.name, (endpoint.name,), zone)
            port = f":{service.port}" if service.port else ""
            if isinstance(service, DatabaseService):
                texts: tuple[str, str] = (
                    f"{service.engine}{port} · {service.instance_type}",
                    endpoint.role,
                )
                kind = "database"
            else:
                texts = ("EFS mount target", f"{endpoint.ip}{port}")
                kind = "mount-target"
            node = node_of(
                id=f"m_{ident(endpoint.name)}",
                title=endpoint.name if isinstance(service, DatabaseService) else service.name,
                lines=tuple(line for line in texts if line),
                kind=kind,
                dashed=endpoint.role == "standby",
                failed=failed,
                down=down,
                instances=(endpoint.name,),
            )
            self._add(node)
            ids.append(node.id)
        return ids

    # -- clusters ----------------------------------------------------------------------

    def _zone(self, zi: int, zone: str) -> Cluster:
        plan = self.plan
        children: list[Cluster] = []
        failed_zone = zone in self.notes.failed
        for ti, tier in enumerate(plan.tiers):
            subnet = plan.subnet_of(tier.name, zone)
            nodes: list[str] = []
            for name in tier.services:
                if name != self.segment_service:  # drawn in the entry segment instead
                    nodes.extend(self._service_nodes(plan.services[name], zone))
            if tier.public:
                nodes.extend(self._nat_nodes(zone, ti))
            if not nodes:
                continue
            visibility = "public" if subnet.public else "private"
            children.append(
                Cluster(
                    id=f"cluster_z{zi}_t{ti}",
                    label=f"{tier.name} · {visibility} {subnet.cidr}",
                    kind="subnet",
                    nodes=tuple(nodes),
                    public=subnet.public,
                    failed=failed_zone,
                )
            )
        egress = [s for s in plan.subnets if s.tier is None and s.zone == zone]
        nat = self._nat_nodes(zone, -1) if egress else []
        if nat:
            children.insert(
                0,
                Cluster(
                    id=f"cluster_z{zi}_egress",
                    label=f"egress · public {egress[0].cidr}",
                    kind="subnet",
                    nodes=tuple(nat),
                    public=True,
                    failed=failed_zone,
                ),
            )
        rules = () if self.notes.whatif else self.notes.zone_rules(zone)
        label = f"{zone} · FAILED" if failed_zone else zone
        return Cluster(
            id=f"cluster_zone_{ident(zone)}",
            label=label,
            kind="zone",
            children=tuple(children),
            rules=rules,
            failed=failed_zone,
        )

    def _segment(self) -> tuple[Cluster, ...]:
        """The entry segment of an on-premises VRRP pair: one VLAN over its zones, holding
        the pair (each node naming its zone) and the virtual IP."""
        plan, segment = self.plan, self.plan.entry_segment
        if segment is None or self.segment_service is None:
            return ()
        service = plan.services[self.segment_service]
        nodes = ["vip"]
        for zone in segment.zones:
            for node_id in self._service_nodes(service, zone):
                node = self.nodes[node_id]
                self.nodes[node_id] = replace(node, lines=(*node.lines, zone))
                nodes.append(node_id)
        return (
            Cluster(
                id="cluster_entry_segment",
                label=f"{service.tier} · entry segment {segment.cidr} · one VLAN over "
                f"{', '.join(segment.zones)}",
                kind="subnet",
                nodes=tuple(nodes),
                public=segment.public,
                failed=all(zone in self.notes.failed for zone in segment.zones),
            ),
        )

    def _nat_nodes(self, zone: str, tier_index: int) -> list[str]:
        plan = self.plan
        public_tiers = [i for i, t in enumerate(plan.tiers) if t.public]
        if tier_index >= 0 and (not public_tiers or tier_index != public_tiers[0]):
            return []
        ids: list[str] = []
        for gateway in plan.network.nat_gateways:
            if gateway.zone != zone:
                continue
            serves = ", ".join(gateway.serves) if len(gateway.serves) > 1 else ""
            lines = [str(gateway.ip)]
            if serves:
                lines.append(f"egress of {serves}")
            node = Node(
                id=f"n_{ident(gateway.name)}",
                title=gateway.name,
                lines=tuple(lines),
                icon=icons.NAT_GATEWAY,
                kind="nat",
                zone=zone,
                column=self.offset
                + (
                    self.column[plan.tiers[tier_index].services[0]]
                    if tier_index >= 0 and plan.tiers[tier_index].services
                    else 0
                ),
                failed=zone in self.notes.failed,
            )
            self.nodes[node.id] = node
            ids.append(node.id)
        return ids

    # -- edges -------------------------------------------------------------------------

    def _entry(self) -> tuple[list[str], list[Edge]]:
        plan = self.plan
        outside: list[str] = []
        edges: list[Edge] = []
        users = Node(
            id="users",
            title="users",
            lines=(plan.entry.dns_name,) if plan.entry and plan.entry.dns_name else (),
            icon=icons.USERS,
            kind="users",
            column=0,
        )
        self.nodes[users.id] = users
        outside.append(users.id)
        front = users.id
        if plan.entry is not None and (self._dns() or plan.entry.vip):
            entry = plan.entry
            if self._dns():
                hub = Node(
                    id="route53",
                    title="Route 53",
                    lines=(f"{entry.hosted_zone}", "failover records"),
                    icon=icons.ROUTE53,
                    kind="dns",
                    column=self.hub_column,
                )
            else:
                segment = plan.entry_segment
                prefix = f"/{segment.cidr.prefixlen}" if segment is not None else ""
                hub = Node(
                    id="vip",
                    title=f"VIP {entry.vip}{prefix}",
                    lines=("keepalived (VRRP)",),
                    icon=icons.VIP,
                    kind="vip",
                    column=self.hub_column,
                )
            self.nodes[hub.id] = hub
            if self.segment_service is None:  # else drawn inside the entry segment
                outside.append(hub.id)
            edges.append(Edge(users.id, hub.id, "entry"))
            front = hub.id
        system_down = self.notes.system_down
        for name in plan.entry_services:
            # The VIP moves between the NGINX pair only: clients reach the rest directly.
            tail = users.id if front == "vip" and name != self.segment_service else front
            for node_id in self.members.get(name, []):
                node = self.nodes[node_id]
                passive = node.dashed or node_id in self.took_over
                label = ""
                if tail == "route53":
                    label = "SECONDARY" if passive else "PRIMARY"
                elif tail == "vip":
                    label = "backup" if passive else "master"
                edges.append(
                    Edge(tail, node_id, "entry", label=label, dashed=node.dashed, down=system_down)
                )
        return outside, edges

    def _calls(self) -> list[Edge]:
        """An arrow from every node of a caller to each node of a callee it reaches."""
        edges: list[Edge] = []
        for service in self.plan.services.values():
            paths: dict[str, list[str]] = {}
            for route in service.routes:
                paths.setdefault(route.to, []).append(route.path)
            callers = [n for n in self.members.get(service.name, []) if not self.nodes[n].failed]
            for callee in service.calls:
                port = self.plan.services[callee].port
                if callee in paths:
                    kind, via = "route", " ".join(paths[callee])
                else:
                    kind, via = "depends", f":{port}" if port else ""
                down = service.name in self.notes.down and callee in self.notes.down
                reach = self._reach(service.name, callee)
                for tail in callers:  # a failed replica calls nothing
                    for head in reach(self.nodes[tail].zone):
                        arrow = f"{self.nodes[tail].title} → {self.nodes[head].title}"
                        tooltip = f"{arrow} {via}" if via else arrow
                        edges.append(Edge(tail, head, kind, down=down, tooltip=tooltip))
        return edges

    def _take_over(self) -> None:
        """In a what-if, a passive or standby replica whose active ones all failed takes
        over (its service still up): it is drawn as the active one, and calls reach it."""
        if not self.notes.whatif:
            return
        for service, members in self.members.items():
            if service in self.notes.down:
                continue
            nodes = [self.nodes[n] for n in members]
            if any(not n.dashed and not n.failed for n in nodes):
                continue
            for node in nodes:
                if node.dashed and not node.failed:
                    lines = tuple(
                        "took over" if line in ("passive", "standby") else line
                        for line in node.lines
                    )
                    self.nodes[node.id] = replace(node, dashed=False, lines=lines)
                    self.took_over.add(node.id)

    def _reach(self, caller: str, callee: str) -> Callable[[str | None], list[str]]:
        """Which nodes of ``callee`` a node of ``caller`` in a zone reaches: its active nodes
        in that zone (else all of them), and those in zones where ``caller`` has no node, so
        that no active replica looks unused. A passive or standby replica takes no calls;
        after a failure, calls go to what is left."""
        active = [n for n in self.members.get(callee, []) if not self.nodes[n].dashed]
        active = [n for n in active if not self.nodes[n].failed] or active
        present = {self.nodes[n].zone for n in self.members.get(caller, [])}
        uncovered = [n for n in active if self.nodes[n].zone not in present]

        def reached(zone: str | None) -> list[str]:
            local = [n for n in active if self.nodes[n].zone == zone]
            return list(dict.fromkeys([*(local or active), *uncovered]))

        return reached

    # -- the whole picture -------------------------------------------------------------

    def build(self) -> Picture:
        plan = self.plan
        zones = tuple(self._zone(zi, zone) for zi, zone in enumerate(plan.zones))
        if plan.provider == "aws":
            vpc = Cluster(
                id="cluster_vpc", label=f"VPC {plan.network.cidr}", kind="vpc", children=zones
            )
            top = Cluster(
                id="cluster_region",
                label=f"AWS region {plan.region}",
                kind="region",
                children=(vpc,),
            )
        else:
            segment = self._segment()
            top = Cluster(
                id="cluster_vpc",
                label=f"network {plan.network.cidr}",
                kind="vpc",
                children=(*segment, *zones),
            )
        self._take_over()
        outside, entry_edges = self._entry()
        edges = entry_edges + self._calls()
        return Picture(
            title=plan.name,
            subtitle=self._subtitle(),
            nodes=self.nodes,
            outside=tuple(outside),
            clusters=(top,),
            edges=tuple(edges),
            legend=self._legend(),
            notes=self._notes(),
            whatif=self.notes.whatif,
        )

    def _subtitle(self) -> str:
        notes = self.notes
        if notes.whatif:
            names = list(notes.failed)
            failed = " and ".join(names) if len(names) < 3 else ", ".join(names)
            verb = "fails" if len(names) == 1 else "fail"
            count = len(notes.down)
            verdict = "the system is DOWN" if notes.system_down else "the system stays up"
            return (
                f"what if {failed} {verb}: {count} service{'s' if count != 1 else ''} down, "
                f"{verdict}"
            )
        return self.plan.description

    def _notes(self) -> tuple[str, ...]:
        notes = self.notes
        if notes.whatif:
            return tuple(f"{service}: {reason}" for service, reason in notes.down.items())
        lines: list[str] = []
        for mark in notes.marks:
            where = mark.service or ", ".join(mark.zones) or "topology"
            lines.append(f"{mark.rule} {where}" + (" (accepted)" if mark.accepted else ""))
        return tuple(dict.fromkeys(lines))

    def _rule_meanings(self) -> list[tuple[str, str]]:
        """What each rule id drawn on the picture finds, as ``tiered rules`` says it."""
        from tiered.rules.catalogue import BY_ID

        drawn = sorted({mark.rule for mark in self.notes.marks if mark.rule in BY_ID})
        return [(rule, BY_ID[rule].summary.rstrip(".")) for rule in drawn]

    def _legend(self) -> tuple[tuple[str, str], ...]:
        rows = [
            (
                "arrow",
                "a call to the active replicas in the caller's zone (else elsewhere), and to "
                "those in zones without a caller",
            ),
            ("ip:port", "where a replica listens; a router lists its routes (path → service)"),
            ("dashed box", "passive or standby replica"),
        ]
        if self.notes.whatif:
            rows.append(("grey", "failed domain"))
            rows.append(("red", "down in this scenario"))
            if self.took_over:
                rows.append(("took over", "a passive or standby replica, active after the failure"))
        else:
            rows.append(("red outline", "error finding (rule id), not accepted"))
            if any(self.notes.zone_rules(zone) for zone in self.plan.zones):
                rows.append(
                    ("red dashed zone", "its loss takes a service down (rule ids in its title)")
                )
            if any(mark.accepted for mark in self.notes.marks):
                rows.append(("grey rule id", "error finding accepted in the topology"))
            rows += self._rule_meanings()
        if any(node.kind == "group" for node in self.nodes.values()):
            rows.append(("×N", f"replicas in one zone, drawn as one node above {self.collapse}"))
        return tuple(rows)
