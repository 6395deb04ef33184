"""Ports of the managed services: databases by engine, and NFS for file systems.

They are not software kinds: tiered runs nothing on them, the provider does.
"""

from __future__ import annotations

#: Database engines of a managed ``kind: database`` service and their ports.
ENGINE_PORTS: dict[str, int] = {"postgres": 5432, "mysql": 3306, "mariadb": 3306}

#: The port of the NFS protocol a managed file system is reached on.
NFS_PORT = 2049
