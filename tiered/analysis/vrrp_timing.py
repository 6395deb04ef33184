"""How long the on-premises entry pair takes to move its virtual IP, from its VRRP settings.

keepalived runs VRRPv2 (RFC 3768). A backup whose master goes silent waits the master down
interval, ``3 x advert_interval + skew``, with ``skew = (256 - priority) / 256 x
advert_interval``, then takes the virtual IP and announces it with gratuitous ARP. A master
that gives the address up on purpose (keepalived stopped, or its nginx check failed and it
went to FAULT) sends an advert of priority 0 first, and the backup then waits only the
skew. Hence, per kind of failure, the worst case:

* keepalived stopped or the host shut down cleanly: ``skew``;
* nginx dead (connections refused): ``fall`` checks ``check_interval`` apart, the first
  up to one interval after the death, then ``skew``; a hung nginx adds ``check_timeout``;
* host, link or keepalived crashed (nothing is sent): ``3 x advert_interval + skew``.

The recovered master takes the address back (the backup lets go when it hears the higher
priority) at most ``rise`` checks, one advert timeout and ``preempt_delay`` after its
keepalived or nginx is back; a request in flight on the backup at that moment may fail.

These are the figures the keepalived configuration states in its comments and the report
gives as the expected takeover time; the namespace test
(tests/test_keepalived_failover.py) measures them with real keepalived.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from tiered.model import Vrrp

#: VRRP priority of the planned active node, and of the first backup (then 99, 98, ...).
MASTER_PRIORITY = 150
BACKUP_PRIORITY = 100


class TakeoverData(TypedDict):
    """Worst-case seconds per kind of failure, as JSON."""

    stopped: float
    nginx_dead: float
    nginx_hung: float
    crashed: float
    worst: float
    give_back: float


@dataclass(frozen=True, slots=True)
class Takeover:
    """Worst-case seconds until the backup holds the virtual IP, per kind of failure."""

    settings: Vrrp
    backup_priority: int = BACKUP_PRIORITY

    @property
    def skew(self) -> float:
        return (256 - self.backup_priority) / 256 * self.settings.advert_interval

    @property
    def stopped(self) -> float:
        """keepalived stopped, or the host shut down: the master sends priority 0."""
        return self.skew

    @property
    def nginx_dead(self) -> float:
        """nginx gone (refused connections): ``fall`` failed checks, then priority 0."""
        return self.settings.fall * self.settings.check_interval + self.skew

    @property
    def nginx_hung(self) -> float:
        """nginx accepting but not answering: each failed check also waits its timeout."""
        return self.nginx_dead + self.settings.check_timeout

    @property
    def crashed(self) -> float:
        """Host, link or keepalived crashed: the backup waits for three missed adverts."""
        return 3 * self.settings.advert_interval + self.skew

    @property
    def worst(self) -> float:
        return max(self.stopped, self.nginx_dead, self.nginx_hung, self.crashed)

    @property
    def give_back(self) -> float:
        """Recovered master to master again, at most: ``rise`` checks, the advert timeout
        it waits as a backup at start, then the preempt delay."""
        advert = self.settings.advert_interval
        master_skew = (256 - MASTER_PRIORITY) / 256 * advert
        return (
            self.settings.rise * self.settings.check_interval
            + 3 * advert
            + master_skew
            + self.settings.preempt_delay
        )

    def to_dict(self) -> TakeoverData:
        return {
            "stopped": round(self.stopped, 2),
            "nginx_dead": round(self.nginx_dead, 2),
            "nginx_hung": round(self.nginx_hung, 2),
            "crashed": round(self.crashed, 2),
            "worst": round(self.worst, 2),
            "give_back": round(self.give_back, 2),
        }


def figure(value: float) -> str:
    """'3.6', '2': seconds with one decimal, none when whole."""
    return f"{value:.1f}".removesuffix(".0")


def seconds(value: float) -> str:
    """'3.6 s', '2 s'."""
    return f"{figure(value)} s"
