"""Apache ActiveMQ: shared-file-system master/slave on the file system it depends on.

Every broker starts with the same ``activemq.xml``; the first to lock the KahaDB directory
on the shared mount serves, the others wait for the lock. The brokers coordinate through
that lock, not over the network: no peer port. Clients get the failover URL of all brokers.
"""

from __future__ import annotations

from tiered.software import probes, templating
from tiered.software.base import JAVA, Download, FailoverDelivery, Kind, Refused, SystemUser
from tiered.software.context import InstanceContext, ServiceContext
from tiered.software.delivery import Delivery, Unit, header

ACTIVEMQ_XML = "/etc/activemq/activemq.xml"
#: The broker's own (unshared) data: temporary stores, scheduler.
DATA = "/var/lib/activemq"
RELEASE = Download(
    version="6.1.6",
    url="https://archive.apache.org/dist/activemq/6.1.6/apache-activemq-6.1.6-bin.tar.gz",
    algorithm="sha512",
    checksum="0ec7809387dc83a08d5b6ceb7adad9dc999d302088f882919d155bf228962a80"
    "582695abcd6e8f43f3f6e6d4639aa73ed064b1b28b131f6228d516e7422296b0",
    directory="apache-activemq-6.1.6",
)


def kahadb_directory(service: ServiceContext) -> str:
    """Where the brokers keep KahaDB: on the shared file system for a master/slave pair."""
    if service.mounts:
        return f"{service.mounts[0]}/activemq/{service.name}/kahadb"
    if len(service.members) > 1:
        raise Refused(
            f"activemq service '{service.name}' has {len(service.members)} brokers but no "
            "shared file system: shared-storage master/slave needs one (two brokers on local "
            "disks would both serve, each with its own messages)",
            f"add a `kind: filesystem` service and list it in {service.name}'s depends_on",
        )
    return f"{DATA}/kahadb"


def activemq_xml(service: ServiceContext) -> str:
    return templating.render(
        "activemq.xml.j2",
        header=header(service.topology, service.name, "activemq.xml").rstrip("\n").split("\n"),
        broker=service.name,
        data=DATA,
        kahadb=kahadb_directory(service),
        port=service.port,
        brokers=[member.name for member in service.members],
    )


class ActiveMq(Kind):
    name = "activemq"
    port = 61616
    failover = "active-passive"
    packages = (JAVA,)
    download = RELEASE
    user = SystemUser("activemq", 883)
    config_files = (ACTIVEMQ_XML,)
    configured = "full"
    modes = (
        FailoverDelivery(
            "active-passive",
            files=(ACTIVEMQ_XML,),
            packages=(JAVA,),
            downloads=(RELEASE,),
            units=("activemq",),
            note="the broker holding the lock of the shared KahaDB directory serves",
        ),
    )
    icon = "onprem/queue/activemq.png"
    shared_storage = True

    def health_probe(self, port: int, path: str | None = None, address: str = "127.0.0.1") -> str:
        """The broker greets on its port (OpenWire's ``ActiveMQ`` magic). A slave opens the
        port only once it holds the lock: on the waiting broker the probe fails until then."""
        return probes.exchange(address, port, b"", b"ActiveMQ", until_close=False)

    def readiness(self, instance: InstanceContext) -> probes.Readiness:
        """The broker greets, or it runs while the other broker holds the KahaDB lock: the
        passive member of a pair legitimately waits for the lock and opens no port."""
        service = instance.service
        where, kahadb = f"{instance.address}:{service.port}", kahadb_directory(service)
        greets = self.health_probe(service.port, None, instance.address)
        return probes.Readiness(
            f"the broker greeting on {where}, or running while the other broker holds the lock "
            f"of {kahadb}",
            f'{greets} || {{ systemctl is-active --quiet activemq && [ -e "{kahadb}"/lock ]; }}',
        )

    def endpoint_variables(self, members: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
        """Also ``URL``: the failover URL of every broker (clients follow the lock holder)."""
        brokers = ",".join(f"tcp://{member}" for member in members)
        return (*super().endpoint_variables(members), ("URL", f"failover:({brokers})"))

    def render(self, instance: InstanceContext) -> Delivery:
        service = instance.service
        heap = service.heap_mib
        delivery = Delivery(self.name)
        delivery.add_file(ACTIVEMQ_XML, activemq_xml(service))
        delivery.steps.append(
            "# the broker's own folders, and the KahaDB folder the brokers share\n"
            f"install -d -o activemq -g activemq {DATA} {DATA}/temp \\\n"
            f"  {kahadb_directory(service)}"
        )
        delivery.units.append(
            Unit(
                "activemq",
                f"Apache ActiveMQ, {instance.name} of {service.name} (shared-storage master/slave)",
                "User=activemq\n"
                "Group=activemq\n"
                f"Environment=ACTIVEMQ_DATA={DATA} ACTIVEMQ_TMP={DATA}/temp\n"
                f'Environment="ACTIVEMQ_OPTS=-Xms{heap}m -Xmx{heap}m '
                "-Djava.util.logging.config.file=logging.properties "
                '-Djava.security.auth.login.config=/opt/activemq/conf/login.config"\n'
                f"WorkingDirectory={DATA}\n"
                f"ExecStart=/opt/activemq/bin/activemq console xbean:file:{ACTIVEMQ_XML}\n",
            )
        )
        return delivery
