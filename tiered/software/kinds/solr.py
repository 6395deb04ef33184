"""Apache Solr: SolrCloud on the ZooKeeper ensemble it depends on (chroot ``/solr``).

``solr.in.sh`` sets ``ZK_HOST`` to the ensemble's connect string (the chroot is created on
first start) and ``SOLR_HOST`` to the planned address; file systems it depends on are
allowed as backup paths; the heap is half the instance type's memory. Standalone when it
depends on no ZooKeeper; in SolrCloud the boot starts Solr only once a majority of the
ensemble serves (bounded).
"""

from __future__ import annotations

from tiered.software import probes
from tiered.software.base import JAVA, Download, FailoverDelivery, Kind, PeerPort, SystemUser
from tiered.software.context import Endpoint, InstanceContext
from tiered.software.delivery import Delivery, Unit, header

SOLR_IN_SH = "/etc/default/solr.in.sh"
#: What answers once Solr serves: the node's system information (any mode); in SolrCloud
#: the health endpoint, which also fails while the node has lost ZooKeeper.
SYSTEM_PATH, CLOUD_HEALTH_PATH = "/solr/admin/info/system", "/solr/admin/info/health"
#: How long Solr waits for a quorum of its ZooKeeper ensemble: 60 tries, 10 s apart.
QUORUM_ATTEMPTS, QUORUM_PAUSE = 60, 10
#: The ZooKeeper chroot SolrCloud keeps its state under.
CHROOT = "/solr"
RELEASE = Download(
    version="9.6.1",
    url="https://archive.apache.org/dist/solr/solr/9.6.1/solr-9.6.1.tgz",
    algorithm="sha512",
    checksum="7e16aa71fc01f9d9b05e5514e35798104a18253a211426aa669aa3b91225d110"
    "a4fa1c78c9ec86b7e1909e2aae63696deffd877536790303cd0638eb7f1a8c63",
    directory="solr-9.6.1",
)


def solr_in_sh(instance: InstanceContext) -> str:
    """Solr's include file: SolrCloud on the ZooKeeper ensemble it depends on."""
    service = instance.service
    lines = [header(service.topology, service.name, "solr.in.sh").rstrip("\n")]
    ensembles = [d for d in service.dependencies if d.software == "zookeeper"]
    if ensembles:
        lines += [
            f"# SolrCloud, coordinated by {ensembles[0].name}",
            f'ZK_HOST="{ensembles[0].variable("CONNECT")}{CHROOT}"',
            "ZK_CREATE_CHROOT=true",
        ]
    else:
        lines.append("# standalone: no ZooKeeper ensemble in depends_on")
    lines += [
        f'SOLR_HOST="{instance.address}"',
        f'SOLR_PORT="{service.port}"',
        'SOLR_JETTY_HOST="0.0.0.0"',
        'SOLR_HOME="/var/solr/data"',
        'SOLR_PID_DIR="/var/solr"',
        'SOLR_LOGS_DIR="/var/solr/logs"',
        f'SOLR_HEAP="{service.heap_mib}m"  # half the memory of {service.instance_type}',
    ]
    if service.mounts:
        lines.append(
            f'SOLR_OPTS="$SOLR_OPTS -Dsolr.allowPaths={",".join(service.mounts)}"  # backups'
        )
    return "\n".join(lines) + "\n"


class Solr(Kind):
    name = "solr"
    port = 8983
    failover = "active-active"
    peers = (PeerPort(8983, 8983, "SolrCloud replication and distributed queries"),)
    packages = (JAVA, "lsof")
    download = RELEASE
    user = SystemUser("solr", 882)
    config_files = (SOLR_IN_SH,)
    configured = "full"
    modes = (
        FailoverDelivery(
            "active-active",
            files=(SOLR_IN_SH,),
            packages=(JAVA, "lsof"),
            downloads=(RELEASE,),
            units=("solr",),
            note="SolrCloud replicas on the ZooKeeper ensemble of ZK_HOST",
        ),
    )
    icon = "onprem/search/solr.png"

    def health_probe(self, port: int, path: str | None = None, address: str = "127.0.0.1") -> str:
        """``path`` answers (by default the node's system information: once Solr serves,
        SolrCloud or not)."""
        return probes.http(address, port, path or SYSTEM_PATH)

    def readiness(self, instance: InstanceContext) -> probes.Readiness:
        """In SolrCloud the health endpoint (the node serves and reaches ZooKeeper), else the
        system information."""
        service = instance.service
        path = CLOUD_HEALTH_PATH if _ensemble(instance) else SYSTEM_PATH
        return probes.Readiness(
            f"Solr answering {path} on {instance.address}:{service.port}",
            self.health_probe(service.port, path, instance.address),
        )

    def endpoint_variables(self, members: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
        """Also ``URLS``: the base URL of every node."""
        urls = ",".join(f"http://{member}/solr" for member in members)
        return (*super().endpoint_variables(members), ("URLS", urls))

    def render(self, instance: InstanceContext) -> Delivery:
        delivery = Delivery(self.name)
        delivery.add_file(SOLR_IN_SH, solr_in_sh(instance))
        ensemble = _ensemble(instance)
        if ensemble is not None:
            delivery.steps.append(quorum_wait(ensemble))
            delivery.waits += QUORUM_ATTEMPTS * QUORUM_PAUSE
        delivery.steps.append(
            "# Solr's home, data and log folders\n"
            "install -d -o solr -g solr /var/solr /var/solr/data /var/solr/logs\n"
            "[ -f /var/solr/data/solr.xml ] || "
            "install -o solr -g solr -m 0644 /opt/solr/server/solr/solr.xml /var/solr/data/"
        )
        delivery.units.append(
            Unit(
                "solr",
                f"Apache Solr, {instance.name} of {instance.service.name}",
                "User=solr\n"
                "Group=solr\n"
                f"Environment=SOLR_INCLUDE={SOLR_IN_SH}\n"
                "LimitNOFILE=65000\n"
                "LimitNPROC=65000\n"
                "ExecStart=/opt/solr/bin/solr start -f\n",
            )
        )
        return delivery


def _ensemble(instance: InstanceContext) -> Endpoint | None:
    """The ZooKeeper ensemble Solr runs on (the first in depends_on), if any."""
    return next((d for d in instance.service.dependencies if d.software == "zookeeper"), None)


def quorum_wait(ensemble: Endpoint) -> str:
    """The boot step that waits (bounded) until a majority of ``ensemble``'s members serve:
    SolrCloud cannot start without its ZooKeeper quorum."""
    members = (ensemble.variable("HOSTS") or "").split(",")
    majority = len(members) // 2 + 1
    bound = QUORUM_ATTEMPTS * QUORUM_PAUSE
    checks = []
    for member in members:
        address, _, port = member.rpartition(":")
        checks.append(
            f"  if {probes.zookeeper_serving(address, int(port))}; then up=$((up + 1)); fi\n"
        )
    return (
        f"# waiting for a quorum of {ensemble.name}: {majority} of its {len(members)} members "
        f"serving (up to {bound} s)\n"
        "quorum() {\n"
        "  up=0\n"
        f"{''.join(checks)}"
        f'  [ "$up" -ge {majority} ]\n'
        "}\n"
        "n=0\n"
        "until quorum; do\n"
        "  n=$((n + 1))\n"
        f'  [ "$n" -lt {QUORUM_ATTEMPTS} ] || {{ log "no quorum of {ensemble.name} after '
        f'{bound} s"; exit 1; }}\n'
        f"  sleep {QUORUM_PAUSE}\n"
        "done"
    )
