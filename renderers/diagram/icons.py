"""Icon selection: which picture of the ``diagrams`` package stands for which node.

Icons are named relative to the ``resources`` folder shipped inside the ``diagrams``
package, so the DOT text never holds a machine-specific path: graphviz finds them through
its ``imagepath`` attribute, and SVG output embeds them as data URIs.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

from tiered.placement.plan import DatabaseService, FilesystemService, Plan, ServicePlan

#: Icons of the software a compute service runs (diagrams' on-premises set mostly).
SOFTWARE_ICONS: dict[str, str] = {
    "nginx": "onprem/network/nginx.png",
    "haproxy": "onprem/network/haproxy.png",
    "envoy": "onprem/network/envoy.png",
    "tomcat": "onprem/network/tomcat.png",
    "nodejs": "programming/language/nodejs.png",
    "zookeeper": "onprem/network/zookeeper.png",
    "etcd": "onprem/network/etcd.png",
    "consul": "onprem/network/consul.png",
    "solr": "onprem/search/solr.png",
    "elasticsearch": "elastic/elasticsearch/elasticsearch.png",
    "activemq": "onprem/queue/activemq.png",
    "rabbitmq": "onprem/queue/rabbitmq.png",
    "kafka": "onprem/queue/kafka.png",
    "redis": "onprem/inmemory/redis.png",
    "memcached": "onprem/inmemory/memcached.png",
    "postgres": "onprem/database/postgresql.png",
    "mysql": "onprem/database/mysql.png",
}

#: Managed databases (RDS) by engine.
ENGINE_ICONS: dict[str, str] = {
    "postgres": "aws/database/rds-postgresql-instance.png",
    "mysql": "aws/database/rds-mysql-instance.png",
    "mariadb": "aws/database/rds-mariadb-instance.png",
}

GENERIC_AWS = "aws/compute/ec2.png"
GENERIC_ONPREM = "onprem/compute/server.png"
FILESYSTEM = "aws/storage/elastic-file-system-efs-file-system.png"
USERS = "onprem/client/users.png"
ROUTE53 = "aws/network/route-53.png"
NAT_GATEWAY = "aws/network/nat-gateway.png"
VIP = "onprem/network/internet.png"

ALL_ICONS: tuple[str, ...] = (
    *SOFTWARE_ICONS.values(),
    *ENGINE_ICONS.values(),
    GENERIC_AWS,
    GENERIC_ONPREM,
    FILESYSTEM,
    USERS,
    ROUTE53,
    NAT_GATEWAY,
    VIP,
)


def service_icon(plan: Plan, service: ServicePlan) -> str:
    """The icon of every node of ``service``: its software, RDS engine, EFS or a server."""
    if isinstance(service, DatabaseService):
        return ENGINE_ICONS.get(service.engine or "", "aws/database/rds.png")
    if isinstance(service, FilesystemService):
        return FILESYSTEM
    if service.software in SOFTWARE_ICONS:
        return SOFTWARE_ICONS[service.software]
    return GENERIC_AWS if plan.provider == "aws" else GENERIC_ONPREM


class IconsMissing(Exception):
    """The ``diagrams`` package (which ships the icons) is not installed."""


@cache
def resources_dir() -> Path:
    """The icon folder inside the installed ``diagrams`` package (found without importing it)."""
    spec = importlib.util.find_spec("diagrams")
    if spec is None or spec.origin is None:
        raise IconsMissing("the 'diagrams' package is not installed")
    folder = Path(spec.origin).parent.parent / "resources"
    if not folder.is_dir():
        raise IconsMissing(f"the 'diagrams' package has no icon folder at {folder}")
    return folder
