"""Zone slots: each zone's fixed place inside every tier's run of subnets.

A subnet's CIDR must depend only on its tier and its zone, or adding a zone would move the
subnets of the zones after it (and a subnet whose CIDR changes is replaced, with every
instance in it). So each tier reserves ``width`` subnets of its size, one per *slot*, and a
zone's subnet sits in the zone's slot:

* **AWS**: the zone's letter (``us-east-1a`` → 0, ``-1b`` → 1 …): the same in every topology
  of the region, whichever zones it lists.
* **On premises**: the ordinal a zone name ends in (``rack-a``, ``rack-1``, ``dc2``) when
  every zone has a different one, else the zone's position in the topology's order (then
  add zones at the end, and removing one moves the zones after it).

``width`` is ``FULL_WIDTH`` (room for zones not used yet) when the network has room, else the
fewest slots that cover the zones in use (``widths``); in a network too small even for that,
the zones are packed in their order (``layouts``), and the plan says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

#: Slots a tier reserves when the network has room: letters a-h on AWS, eight racks.
FULL_WIDTH = 8
#: Ordinals above this are not slots (``rack-100``): the zones are numbered by position.
MAX_ORDINAL = 31

_ORDINAL = re.compile(r"(?:(?<![a-z])([a-z])|(\d+))$")


def letter_slots(zones: Iterable[str], region: str) -> dict[str, int]:
    """AWS: each availability zone's letter after the region code, from 0 for ``a``."""
    found = {}
    for zone in zones:
        letter = zone.removeprefix(region)
        if len(letter) != 1 or not "a" <= letter <= "z":
            return ordinal_slots(list(dict.fromkeys(zones)))
        found[zone] = ord(letter) - ord("a")
    return found


def ordinal_slots(zones: Sequence[str]) -> dict[str, int]:
    """On premises: the ordinal each name ends in when they differ, else the position."""
    ordinals: dict[str, int] = {}
    for zone in zones:
        match = _ORDINAL.search(zone.lower())
        if match is None:
            break
        letter, number = match.groups()
        ordinal = ord(letter) - ord("a") if letter else int(number)
        if ordinal > MAX_ORDINAL or ordinal in ordinals.values():
            break
        ordinals[zone] = ordinal
    else:
        return ordinals
    return {zone: index for index, zone in enumerate(zones)}


def widths(slots: dict[str, int]) -> list[int]:
    """Slot counts to try, most room first: ``FULL_WIDTH`` (or more), then the fewest.

    Any count keeps every subnet aligned: runs are laid out largest subnets first, so each
    run starts at a multiple of its subnets' size.
    """
    fewest = max(slots.values(), default=0) + 1
    return list(dict.fromkeys([max(FULL_WIDTH, fewest), fewest]))


def layouts(slots: dict[str, int]) -> list[tuple[dict[str, int], int]]:
    """(slots, width) to try, most room first; last, the zones packed in their order (a
    network too small for anything else: then adding or removing a zone may move subnets)."""
    packed = {zone: index for index, zone in enumerate(slots)}
    tried = [(slots, width) for width in widths(slots)]
    if packed != slots:
        tried.append((packed, len(packed)))
    return tried
