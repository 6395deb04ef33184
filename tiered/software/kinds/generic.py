"""generic: software tiered knows nothing about; it gets the install hook."""

from __future__ import annotations

from tiered.software.base import Kind, assumed

_NOTE = "tiered cannot know how unknown software fails over: the mode is assumed"


class Generic(Kind):
    name = "generic"
    port = 8080
    failover = "active-active"
    modes = (
        assumed("active-active", _NOTE),
        assumed("active-passive", _NOTE),
        assumed("primary-standby", _NOTE),
        assumed("quorum", _NOTE),
        assumed("none", "no failover: nothing to deliver"),
    )
