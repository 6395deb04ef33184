"""A service as the import sees it, before it becomes topology data.

A draft records which resources it came from, the zone of every replica, the topology
fields found in the template (with where each was found) and the fields inferred (with
the reason, which the written file shows as a comment).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tiered.findings import Location
from tiered.importers.cloudformation.stack import Key
from tiered.model import NAME_PATTERN
from tiered.software import SOFTWARE

#: Tags a resource may carry to say what the template cannot show.
SOFTWARE_TAG, FAILOVER_TAG = "tiered:software", "tiered:failover"
SERVICE_TAG, TIER_TAG, TIER_ROLE_TAG = "tiered:service", "tiered:tier", "tiered:tier-role"
MIN_HEALTHY_TAG, HEALTH_TAG, ROUTES_TAG, ACCEPT_TAG = (
    "tiered:min-healthy",
    "tiered:health-check",
    "tiered:routes",
    "tiered:accept",
)
#: Written by tiered's renderer so that a round trip keeps the topology's order.
DEPENDS_TAG = "tiered:depends-on"
PORT_TAG, BALANCE_TAG = "tiered:port", "tiered:balance"
BALANCES = ("round-robin", "least-conn", "ip-hash")
FAILOVERS = ("active-active", "active-passive", "quorum", "primary-standby", "none")
_NAME = re.compile(NAME_PATTERN)


@dataclass(slots=True)
class Draft:
    """One service to be: its resources, replicas' zones, fields and inferred fields."""

    name: str
    kind: str
    role: str
    keys: list[Key]
    location: Location
    zones: list[str]
    fields: dict[str, Any] = field(default_factory=dict)
    inferred: dict[str, str] = field(default_factory=dict)
    where: dict[str, Location] = field(default_factory=dict)
    groups: set[Key] = field(default_factory=set)
    tier: str | None = None
    public: bool = False
    routes: list[tuple[str, Key]] = field(default_factory=list)
    depends: list[str] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)
    comment: str = ""

    def set(self, name: str, value: Any, where: Location | None = None) -> None:
        self.fields[name] = value
        if where is not None:
            self.where[name] = where

    def infer(self, name: str, value: Any, reason: str) -> None:
        self.fields[name] = value
        self.inferred[name] = reason


def kebab(text: str) -> str:
    """``WebServerGroup`` → ``web-server-group``; ``Zookeeper1`` → ``zookeeper1``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "-", text)
    cleaned = re.sub(r"[^a-z0-9]+", "-", spaced.lower()).strip("-")
    if not cleaned or not cleaned[0].isalpha():
        cleaned = "s-" + cleaned if cleaned else "service"
    return cleaned[:63].rstrip("-")


def valid_name(text: str) -> bool:
    return bool(_NAME.match(text))


def software_from(tags: dict[str, str], *names: str) -> tuple[str | None, str]:
    """The software a service runs: its tag, else a known name in its ids; and how known."""
    tagged = tags.get(SOFTWARE_TAG)
    if tagged and tagged in SOFTWARE:
        return tagged, ""
    words = " ".join(names).lower()
    for software in sorted(SOFTWARE, key=len, reverse=True):
        if software == "generic":
            continue
        tokens = [software, *(t for t in software.split("-") if len(t) >= 5)]
        if any(token in words for token in tokens):
            return software, f"from the name ({software}); review"
    return None, "the template does not show what runs there; review"


def failover_from(tags: dict[str, str]) -> str | None:
    value = tags.get(FAILOVER_TAG)
    return value if value in FAILOVERS else None


def restore_order(drafts: list[Draft], order: list[str]) -> None:
    """Services in ``order`` (the services a rendered template's Metadata lists; those it
    does not list after, in template order); ``depends_on`` in the order of
    ``tiered:depends-on``; the port (``tiered:port``: a service nobody calls has no rule
    that shows it) and the balancing of a proxy (``tiered:balance``)."""
    rank = {name: number for number, name in enumerate(order)}
    drafts.sort(key=lambda draft: rank.get(draft.name, len(order)))
    for draft in drafts:
        port = draft.tags.get(PORT_TAG, "")
        if port.isdigit() and 1 <= int(port) <= 65535:
            draft.set("port", int(port))
        if draft.tags.get(BALANCE_TAG) in BALANCES:
            draft.set("balance", draft.tags[BALANCE_TAG])
        order = draft.tags.get(DEPENDS_TAG, "").split()
        if order:
            rank = {name: number for number, name in enumerate(order)}
            draft.depends.sort(key=lambda name: rank.get(name, len(order)))
