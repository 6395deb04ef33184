"""example-kv: every node lists its peers in ``/etc/example-kv/cluster.conf``.

The whole of a third-party kind: its declarations, its health probe, what its clients
receive (``SEEDS``), and the file it renders from the plan, from a template of its own
package.
"""

from __future__ import annotations

from tiered.software import probes, templating
from tiered.software.base import FailoverDelivery, Kind, PeerPort
from tiered.software.context import InstanceContext
from tiered.software.delivery import Delivery, Unit

CLUSTER_CONF = "/etc/example-kv/cluster.conf"
GOSSIP_PORT = 7947


class ExampleKv(Kind):
    name = "example-kv"
    port = 7946
    failover = "quorum"
    peers = (PeerPort(GOSSIP_PORT, GOSSIP_PORT, "example-kv gossip"),)
    config_files = (CLUSTER_CONF,)
    configured = "full"
    modes = (
        FailoverDelivery(
            "quorum",
            files=(CLUSTER_CONF,),
            units=("example-kv",),
            note="the nodes of cluster.conf elect a leader",
        ),
    )
    icon = "onprem/inmemory/redis.png"

    def health_probe(self, port: int, path: str | None = None, address: str = "127.0.0.1") -> str:
        return probes.exchange(address, port, b"HEALTH\n", b"OK", until_close=False)

    def endpoint_variables(self, members: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
        return (*super().endpoint_variables(members), ("SEEDS", " ".join(members)))

    def render(self, instance: InstanceContext) -> Delivery:
        service = instance.service
        delivery = Delivery(self.name)
        text = templating.render(
            "cluster.conf.j2",
            package="tiered_kind_example",
            service=service.name,
            node=instance.ordinal,
            address=instance.address,
            port=service.port,
            gossip=GOSSIP_PORT,
            members=service.members,
        )
        delivery.add_file(CLUSTER_CONF, text, mode="0640")
        delivery.units.append(
            Unit(
                "example-kv",
                f"example-kv node {instance.ordinal}",
                "ExecStart=/opt/example-kv/bin/kv\n",
            )
        )
        return delivery
