"""keepalived renderer: the VRRP pair that moves the entry VIP between NGINX nodes on premises.

Files: ``keepalived/<instance>/keepalived.conf`` for every instance of the entry-tier NGINX
service, when the topology is ``provider: generic``, the service is active-passive with at
least two replicas and ``entry.vip`` is set. On ``provider: aws`` nothing is rendered and
``tiered render keepalived`` refuses: a VPC does not carry VRRP's multicast nor honour
gratuitous ARP for an address it did not assign, so a floating IP cannot move there; Route
53 failover records (``tiered render cloudformation``) do that job.

Choices, per node:

* one ``vrrp_instance`` holding ``entry.vip`` with the prefix of the pair's entry segment
  (``tiered.placement.networks.entry_segment``: one VLAN stretched over the pair's zones,
  which VRRP adverts and gratuitous ARP need); every node starts as ``BACKUP`` (keepalived applies
  ``preempt_delay`` only then), the first replica (the plan's active one) with priority
  150, the others 100, 99, ...: the election makes the first one master;
* unicast VRRP between the planned addresses (``unicast_src_ip``, ``unicast_peer``): no
  dependence on multicast in the network;
* preemption on (no ``nopreempt``) with ``preempt_delay``: the planned active node takes
  the VIP back that long after it is healthy again, so what runs matches the plan; the
  template says how to turn it off;
* ``track_script`` ``check_nginx``: curl of nginx's own ``/healthz`` on the first plain
  HTTP listen port (HTTPS with ``-k`` when there is none); interval, timeout, ``fall`` and
  ``rise`` and the advert interval come from ``entry.vrrp`` (defaults: a dead nginx is
  detected within 2 s). A failing check puts the node in FAULT, which releases the VIP;
* the worst-case takeover time of each kind of failure (``tiered.analysis.vrrp_timing``) is stated
  in the file's comments;
* ``virtual_router_id`` and the PASS authentication password are derived from the
  topology and service names and the VIP, so renders are deterministic; VRRP PASS is
  clear text and guards only against accidental neighbours;
* ``enable_script_security`` with the check run as root: it only runs curl, a root-owned
  binary, against loopback. (``nobody`` would be nicer, but keepalived 2.2.7, Debian 12's,
  aborts its own ``--config-test`` whenever ``script_user`` names another user:
  acassen/keepalived#2617, fixed in 2.2.8.)

``ExportOptions.extra["interface"]`` names the network interface (default ``eth0``).
"""

from __future__ import annotations

import hashlib
import ipaddress
from typing import TYPE_CHECKING

from tiered.analysis.vrrp_timing import BACKUP_PRIORITY, MASTER_PRIORITY, Takeover, figure
from tiered.exporters.base import Exporter, ExportOptions, ExportRefused, Files
from tiered.model import Vrrp
from tiered.placement.plan import Plan, ServicePlan, Subnet
from tiered.renderers import templating
from tiered.renderers.nginx import proxies
from tiered.software.kinds.nginx import HEALTH_PATH, TLS_PORT

if TYPE_CHECKING:
    from tiered.pipeline import Result


DEFAULT_INTERFACE = "eth0"
SCRIPT_USER = "root"
CURL = "/usr/bin/curl"


class KeepalivedRenderer(Exporter["Result"]):
    """VRRP configuration of the entry NGINX pair on premises (``tiered render keepalived``)."""

    name = "keepalived"
    kind = "render"
    description = "keepalived.conf for each node of the on-premises entry NGINX pair"

    def applies_to(self, result: Result) -> bool:
        plan = result.valid_plan
        try:
            _pair(plan)
        except ExportRefused:
            return False
        return True

    def export(self, result: Result, options: ExportOptions) -> Files:
        interface = (options.extra or {}).get("interface", DEFAULT_INTERFACE)
        configs = pair_configs(result.valid_plan, interface)
        return {f"keepalived/{name}/keepalived.conf": text for name, text in configs.items()}


def pair_configs(plan: Plan, interface: str = DEFAULT_INTERFACE) -> dict[str, str]:
    """keepalived.conf of every node of the entry pair, by instance name; ExportRefused
    when the plan has no such pair (see ``KeepalivedRenderer.applies_to``)."""
    service, segment, vip = _pair(plan)
    interface = templating.token(interface)
    assert plan.entry is not None  # _pair checked it
    settings = plan.entry.vrrp or Vrrp()
    takeover = Takeover(settings)
    instances = plan.instances_of(service.name)
    seed = f"{plan.name}/{service.name}/{vip}".encode()
    digest = hashlib.sha256(seed).hexdigest()
    configs: dict[str, str] = {}
    for position, instance in enumerate(instances):
        priority = MASTER_PRIORITY if position == 0 else BACKUP_PRIORITY - (position - 1)
        configs[instance.name] = templating.render(
            "keepalived.conf.j2",
            topology=plan.name,
            service=service.name,
            instance=instance,
            master=instances[0].name,
            backup=instances[1].name,
            peers=[peer for peer in instances if peer.name != instance.name],
            priority=priority,
            interface=interface,
            segment=segment,
            vrrp_name=f"{service.name}_vip".replace("-", "_"),
            router_id=int(digest[:8], 16) % 255 + 1,
            password=digest[8:16],
            vip=vip,
            script_user=SCRIPT_USER,
            health_path=HEALTH_PATH,
            check_command=_check_command(service, settings),
            settings=settings,
            times={name: figure(value) for name, value in _times(takeover).items()},
        )
    return configs


def _times(takeover: Takeover) -> dict[str, float]:
    return {
        "skew": takeover.skew,
        "stopped": takeover.stopped,
        "nginx_dead": takeover.nginx_dead,
        "nginx_hung": takeover.nginx_hung,
        "crashed": takeover.crashed,
        "worst": takeover.worst,
        "give_back": takeover.give_back,
    }


def _pair(plan: Plan) -> tuple[ServicePlan, Subnet, str]:
    """The entry NGINX pair, its segment and its VIP (``address/prefix``), or ExportRefused."""
    if plan.provider != "generic":
        raise ExportRefused(
            f"keepalived does not apply to provider '{plan.provider}': VRRP does not work in "
            "a VPC (no multicast, and the VPC ignores gratuitous ARP for addresses it did "
            "not assign, so a virtual IP cannot move)",
            "keepalived is for `provider: generic`; on aws the entry pair fails over with "
            "Route 53 health checks and failover records: `tiered render cloudformation`",
            at=("provider",),
        )
    candidates = [s for s in proxies(plan) if s.failover == "active-passive" and s.count >= 2]
    if not candidates:
        raise ExportRefused(
            "keepalived needs an active-passive NGINX pair in the entry tier "
            f"'{plan.entry_tier.name}'",
            "give the entry NGINX service `count: 2` and `failover: active-passive`",
        )
    if plan.entry is None or plan.entry.vip is None:
        raise ExportRefused(
            "keepalived needs the virtual IP the pair shares",
            "add `entry: {vip: <address>}` with a free address of the network",
        )
    segment = plan.entry_segment
    assert (
        segment is not None
    )  # planned for every such pair (tiered.placement.networks.entry_segment)
    vip = ipaddress.IPv4Address(plan.entry.vip)
    return candidates[0], segment, f"{vip}/{segment.cidr.prefixlen}"


def _check_command(service: ServicePlan, settings: Vrrp) -> list[str]:
    plain = [port for port in service.listen if port != TLS_PORT]
    if plain:
        url, insecure = f"http://127.0.0.1:{plain[0]}{HEALTH_PATH}", []
    else:
        url, insecure = f"https://127.0.0.1:{TLS_PORT}{HEALTH_PATH}", ["-k"]
    timeout = str(settings.check_timeout)
    return [CURL, "-fsS", *insecure, "-o", "/dev/null", "--max-time", timeout, url]
