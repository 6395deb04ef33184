"""Apache ZooKeeper: a quorum ensemble, one ``server.N`` line per planned member.

``zoo.cfg`` lists every member as ``server.<replica number>=<planned address>:2888:3888``
and binds the client port to the instance's own address; ``myid`` holds the replica's
number. On aws: the pinned release, the ``zookeeper`` account and a systemd unit whose JVM
heap is sized from the instance type (``ZK_SERVER_HEAP``).
"""

from __future__ import annotations

from tiered.software import probes
from tiered.software.base import JAVA, Download, FailoverDelivery, Kind, PeerPort, SystemUser
from tiered.software.context import InstanceContext
from tiered.software.delivery import Delivery, Unit, header

CLIENT_PORT, QUORUM_PORT, ELECTION_PORT = 2181, 2888, 3888
ZOO_CFG, MYID = "/etc/zookeeper/zoo.cfg", "/var/lib/zookeeper/myid"
RELEASE = Download(
    version="3.8.4",
    url="https://archive.apache.org/dist/zookeeper/zookeeper-3.8.4/apache-zookeeper-3.8.4-bin.tar.gz",
    algorithm="sha256",
    checksum="284cb4675adb64794c63d95bf202d265cebddc0cda86ac86fb0ede8049de9187",
    directory="apache-zookeeper-3.8.4-bin",
)


def zoo_cfg(instance: InstanceContext) -> str:
    """The zoo.cfg of one member: the ensemble as planned, client port on its own address."""
    service = instance.service
    lines = [
        header(service.topology, service.name, "zoo.cfg").rstrip("\n"),
        "tickTime=2000",
        "initLimit=10",
        "syncLimit=5",
        "dataDir=/var/lib/zookeeper",
        f"clientPort={service.port}",
        f"clientPortAddress={instance.address}",
        "maxClientCnxns=60",
        "admin.enableServer=false",
        "4lw.commands.whitelist=srvr,ruok,mntr",
        "autopurge.snapRetainCount=5",
        "autopurge.purgeInterval=24",
        "# the ensemble: server.<replica number>=<planned address>:quorum:election",
    ]
    for member in service.members:
        lines.append(f"# {member.name}, {member.zone}")
        lines.append(f"server.{member.ordinal}={member.address}:{QUORUM_PORT}:{ELECTION_PORT}")
    return "\n".join(lines) + "\n"


class ZooKeeper(Kind):
    name = "zookeeper"
    port = CLIENT_PORT
    failover = "quorum"
    peers = (
        PeerPort(QUORUM_PORT, QUORUM_PORT, "ZooKeeper followers to the leader"),
        PeerPort(ELECTION_PORT, ELECTION_PORT, "ZooKeeper leader election"),
    )
    packages = (JAVA,)
    download = RELEASE
    user = SystemUser("zookeeper", 881)
    config_files = (ZOO_CFG, MYID)
    configured = "full"
    modes = (
        FailoverDelivery(
            "quorum",
            files=(ZOO_CFG, MYID),
            packages=(JAVA,),
            downloads=(RELEASE,),
            units=("zookeeper",),
            note="the ensemble of zoo.cfg elects a leader among the planned members",
        ),
    )
    icon = "onprem/network/zookeeper.png"

    def health_probe(self, port: int, path: str | None = None, address: str = "127.0.0.1") -> str:
        """``srvr`` on the client port answers ``Mode: leader|follower|standalone`` only while
        the member serves (in a quorum). ZooKeeper listens on its planned address only."""
        return probes.zookeeper_serving(address, port)

    def readiness(self, instance: InstanceContext) -> probes.Readiness:
        """The member serves in a quorum (a lone member of an ensemble never does)."""
        service = instance.service
        return probes.Readiness(
            f"ZooKeeper on {instance.address}:{service.port} serving in a quorum",
            self.health_probe(service.port, None, instance.address),
        )

    def endpoint_variables(self, members: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
        """Also ``CONNECT``: the connect string of the ensemble."""
        return (*super().endpoint_variables(members), ("CONNECT", ",".join(members)))

    def render(self, instance: InstanceContext) -> Delivery:
        delivery = Delivery(self.name)
        delivery.add_file(ZOO_CFG, zoo_cfg(instance))
        delivery.add_file(MYID, f"{instance.ordinal}\n")
        delivery.steps.append(
            "# the data and log folders of the member\n"
            "install -d -o zookeeper -g zookeeper /var/lib/zookeeper /var/log/zookeeper\n"
            f"chown zookeeper:zookeeper {MYID}"
        )
        delivery.units.append(
            Unit(
                "zookeeper",
                f"Apache ZooKeeper, member {instance.ordinal} of {instance.service.name}",
                "User=zookeeper\n"
                "Group=zookeeper\n"
                "Environment=ZOO_LOG_DIR=/var/log/zookeeper\n"
                f"Environment=ZK_SERVER_HEAP={instance.service.heap_mib}\n"
                f"ExecStart=/opt/zookeeper/bin/zkServer.sh start-foreground {ZOO_CFG}\n",
            )
        )
        return delivery
