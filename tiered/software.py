"""The software catalogue: the one place that knows, per software, what a service running it needs.

Per software: the port clients use, the default failover mode, the entry ports, the *peer*
ports the members of a clustered service reach each other on (opened member to member
only), the packages of the instance's distribution (Amazon Linux 2023 for ``provider:
aws``), the release it is installed from when the distribution has no package (pinned by
version and the checksum the project publishes), the system user it runs as (a fixed uid,
so that files on a shared NFS/EFS mount have the same owner on every member), and the
configuration files ``tiered render config`` writes for it.

``configured`` says how far tiered goes: ``"full"`` software gets its configuration
rendered from the plan (nginx, ZooKeeper, Solr, ActiveMQ); everything else gets the
environment file with the endpoints of its dependencies and the install hook (see
``renderers.config``), because tiered cannot know how the user installs it.
"""

from __future__ import annotations

from dataclasses import dataclass

from tiered.model import Failover


@dataclass(frozen=True, slots=True)
class PeerPort:
    """A port range the members of a clustered service open to each other."""

    first: int
    last: int
    purpose: str
    protocol: str = "tcp"


@dataclass(frozen=True, slots=True)
class Download:
    """A release archive, pinned by version and by the checksum its publisher lists."""

    version: str
    url: str
    algorithm: str  # "sha512" or "sha256": what the publisher's checksum file holds
    checksum: str
    directory: str  # the top folder inside the archive


@dataclass(frozen=True, slots=True)
class SystemUser:
    """The account a software runs as; the uid is fixed so shared mounts agree on owners."""

    name: str
    uid: int


@dataclass(frozen=True, slots=True)
class Software:
    """What a service inherits from the software it runs."""

    port: int
    failover: Failover
    listen: tuple[int, ...] = ()
    peers: tuple[PeerPort, ...] = ()
    packages: tuple[str, ...] = ()
    download: Download | None = None
    user: SystemUser | None = None
    config_files: tuple[str, ...] = ()
    configured: str = "hook"  # "full": tiered renders its configuration; "hook": see above


#: The Java runtime of the Java software on Amazon Linux 2023.
JAVA = "java-17-amazon-corretto-headless"
#: Where an application's environment file lives (``{service}`` is filled in).
ENV_FILE = "/etc/tiered/{service}.env"

ZOOKEEPER = Download(
    version="3.8.4",
    url="https://archive.apache.org/dist/zookeeper/zookeeper-3.8.4/apache-zookeeper-3.8.4-bin.tar.gz",
    algorithm="sha256",
    checksum="284cb4675adb64794c63d95bf202d265cebddc0cda86ac86fb0ede8049de9187",
    directory="apache-zookeeper-3.8.4-bin",
)
SOLR = Download(
    version="9.6.1",
    url="https://archive.apache.org/dist/solr/solr/9.6.1/solr-9.6.1.tgz",
    algorithm="sha512",
    checksum="7e16aa71fc01f9d9b05e5514e35798104a18253a211426aa669aa3b91225d110"
    "a4fa1c78c9ec86b7e1909e2aae63696deffd877536790303cd0638eb7f1a8c63",
    directory="solr-9.6.1",
)
ACTIVEMQ = Download(
    version="6.1.6",
    url="https://archive.apache.org/dist/activemq/6.1.6/apache-activemq-6.1.6-bin.tar.gz",
    algorithm="sha512",
    checksum="0ec7809387dc83a08d5b6ceb7adad9dc999d302088f882919d155bf228962a80"
    "582695abcd6e8f43f3f6e6d4639aa73ed064b1b28b131f6228d516e7422296b0",
    directory="apache-activemq-6.1.6",
)

_APP_FILES = (ENV_FILE,)

SOFTWARE: dict[str, Software] = {
    "generic": Software(8080, "active-active", config_files=_APP_FILES),
    "nginx": Software(
        80,
        "active-passive",
        (80, 443),
        packages=("nginx",),
        config_files=("/etc/nginx/nginx.conf",),
        configured="full",
    ),
    "haproxy": Software(80, "active-passive", (80, 443), packages=("haproxy",)),
    "envoy": Software(8080, "active-active", (80, 443), config_files=_APP_FILES),
    "toro-integrate": Software(8080, "active-active", packages=(JAVA,), config_files=_APP_FILES),
    "tomcat": Software(8080, "active-active", packages=(JAVA,), config_files=_APP_FILES),
    "nodejs": Software(3000, "active-active", packages=("nodejs",), config_files=_APP_FILES),
    "zookeeper": Software(
        2181,
        "quorum",
        peers=(
            PeerPort(2888, 2888, "ZooKeeper followers to the leader"),
            PeerPort(3888, 3888, "ZooKeeper leader election"),
        ),
        packages=(JAVA,),
        download=ZOOKEEPER,
        user=SystemUser("zookeeper", 881),
        config_files=("/etc/zookeeper/zoo.cfg", "/var/lib/zookeeper/myid"),
        configured="full",
    ),
    "etcd": Software(
        2379,
        "quorum",
        peers=(PeerPort(2380, 2380, "etcd peer traffic (raft)"),),
        config_files=_APP_FILES,
    ),
    "consul": Software(
        8500,
        "quorum",
        peers=(
            PeerPort(8300, 8300, "Consul server RPC (raft)"),
            PeerPort(8301, 8302, "Consul serf gossip (LAN, WAN)"),
            PeerPort(8301, 8302, "Consul serf gossip (LAN, WAN)", "udp"),
        ),
        config_files=_APP_FILES,
    ),
    "solr": Software(
        8983,
        "active-active",
        peers=(PeerPort(8983, 8983, "SolrCloud replication and distributed queries"),),
        packages=(JAVA, "lsof"),
        download=SOLR,
        user=SystemUser("solr", 882),
        config_files=("/etc/default/solr.in.sh",),
        configured="full",
    ),
    "elasticsearch": Software(
        9200,
        "active-active",
        peers=(PeerPort(9300, 9300, "Elasticsearch transport between nodes"),),
        config_files=_APP_FILES,
    ),
    "activemq": Software(
        61616,
        "active-passive",
        # Shared-file-system master/slave: the brokers coordinate through the lock of the
        # KahaDB directory on the shared mount, not over the network; no peer port.
        packages=(JAVA,),
        download=ACTIVEMQ,
        user=SystemUser("activemq", 883),
        config_files=("/etc/activemq/activemq.xml",),
        configured="full",
    ),
    "rabbitmq": Software(
        5672,
        "active-active",
        peers=(
            PeerPort(4369, 4369, "RabbitMQ peer discovery (epmd)"),
            PeerPort(25672, 25672, "RabbitMQ inter-node and CLI traffic"),
        ),
        config_files=_APP_FILES,
    ),
    "kafka": Software(
        9092,
        "active-active",
        peers=(PeerPort(9092, 9092, "Kafka replication between brokers"),),
        packages=(JAVA,),
        config_files=_APP_FILES,
    ),
    "redis": Software(
        6379,
        "active-passive",
        peers=(
            PeerPort(6379, 6379, "Redis replication"),
            PeerPort(26379, 26379, "Redis Sentinel"),
        ),
        config_files=_APP_FILES,
    ),
    "memcached": Software(11211, "active-active", config_files=_APP_FILES),
    "postgres": Software(
        5432,
        "primary-standby",
        peers=(PeerPort(5432, 5432, "PostgreSQL streaming replication"),),
        config_files=_APP_FILES,
    ),
    "mysql": Software(
        3306,
        "primary-standby",
        peers=(PeerPort(3306, 3306, "MySQL replication"),),
        config_files=_APP_FILES,
    ),
}

#: Database engines of a managed ``kind: database`` service and their ports.
ENGINE_PORTS: dict[str, int] = {"postgres": 5432, "mysql": 3306, "mariadb": 3306}

#: The port of the NFS protocol a managed file system is reached on.
NFS_PORT = 2049


def software(name: str) -> Software:
    """The catalogue entry of ``name`` (``generic`` for software it does not list)."""
    return SOFTWARE.get(name, SOFTWARE["generic"])


def survivors_needed(failover: str, count: int, min_healthy: int) -> int:
    """Replicas that must survive for a service in ``failover`` mode to stay up."""
    if failover == "active-active":
        return min_healthy
    if failover == "quorum":
        return count // 2 + 1
    if failover == "none":
        return count
    return 1
