"""Software kinds: what a service inherits from the software it runs.

* ``base``: what a kind declares (``Kind``); ``context``: what it receives to render an
  instance; ``delivery``: what it returns; ``application``: the install hook of software
  tiered cannot configure; ``probes``, ``stack``, ``templating``: helpers of the kinds.
* ``kinds/``: one module per built-in kind. **To add a kind**, write one module there (a
  subclass of ``Kind``) and register it in pyproject.toml under
  ``[project.entry-points."tiered.software"]`` and in ``registry.BUILT_IN``; a third party
  registers it in its own package's entry points instead.
* ``registry``: finds kinds by name (``software("zookeeper")``).
"""

from __future__ import annotations

from tiered.software.application import ENV_FILE
from tiered.software.base import (
    JAVA,
    Download,
    FailoverDelivery,
    Kind,
    PeerPort,
    SystemUser,
    survivors_needed,
)
from tiered.software.managed import ENGINE_PORTS, NFS_PORT
from tiered.software.registry import SOFTWARE, software

__all__ = [
    "ENGINE_PORTS",
    "ENV_FILE",
    "JAVA",
    "NFS_PORT",
    "SOFTWARE",
    "Download",
    "FailoverDelivery",
    "Kind",
    "PeerPort",
    "SystemUser",
    "software",
    "survivors_needed",
]
