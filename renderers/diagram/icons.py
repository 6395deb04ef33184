"""Icon selection: which picture of the ``diagrams`` package stands for which node.

A compute service shows its software kind's ``icon`` (``tiered.software``); managed
services, clients and the network have fixed pictures here.

Icons are named relative to the ``resources`` folder shipped inside the ``diagrams``
package, so the DOT text never holds a machine-specific path: graphviz finds them through
its ``imagepath`` attribute, and SVG output embeds them as data URIs.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

from tiered.placement.plan import DatabaseService, FilesystemService, Plan, ServicePlan
from tiered.software import SOFTWARE, software

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


FIXED_ICONS: tuple[str, ...] = (
    *ENGINE_ICONS.values(),
    GENERIC_AWS,
    GENERIC_ONPREM,
    FILESYSTEM,
    USERS,
    ROUTE53,
    NAT_GATEWAY,
    VIP,
)


def all_icons() -> tuple[str, ...]:
    """Every icon a diagram may use: the installed software kinds' and the fixed ones."""
    kinds = (kind.icon for kind in SOFTWARE.values())
    return (*(icon for icon in kinds if icon), *FIXED_ICONS)


def service_icon(plan: Plan, service: ServicePlan) -> str:
    """The icon of every node of ``service``: its software, RDS engine, EFS or a server."""
    if isinstance(service, DatabaseService):
        return ENGINE_ICONS.get(service.engine or "", "aws/database/rds.png")
    if isinstance(service, FilesystemService):
        return FILESYSTEM
    icon = software(service.software).icon  # a compute service: its software kind's picture
    if icon is not None:
        return icon
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
