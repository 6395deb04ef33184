"""Address blocks: where each compute service's replicas live inside its tier's subnets.

A service's position must not depend on the services declared before it, or adding one
early in a tier would shift every later address (and a changed ``PrivateIpAddress``
replaces an EC2 instance). So each compute service reserves one *block* per tier: an
aligned run of 2^k addresses, big enough for its busiest zone plus at least one more
replica (four at the least), at the same offset in every zone's subnet of the tier.

* **Home.** The block's home is the aligned block containing ``hash(name) mod size``
  of the subnet (BLAKE2b: stable across runs and machines). It depends on the service's
  name, its block size and the subnet size only.
* **Collisions** are resolved deterministically: blocks are placed largest first, then
  by name; a block whose home is taken (or overlaps the reserved bottom or the managed
  area at the top) takes the next free aligned block, wrapping around. Only a service
  that collides with another can be displaced by it.
* **Growth.** Replica ``j`` of a zone (0-based) gets ``anchor XOR j``, where the anchor is
  the service's home address. For every block size the first 2^k replicas fill exactly
  the aligned 2^k block around the anchor, so a block that doubles keeps every existing
  replica at its address.

Placing whole aligned blocks largest first never fails while the subnet holds the sum of
the blocks plus the reserved areas (see ``demand``): every free region left is then a
union of aligned blocks of the size being placed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import NamedTuple

#: The smallest block: room for three replicas per zone before the block has to grow.
MIN_BLOCK = 4
#: The smallest managed area at the top of a subnet (reserved address, NAT, mount targets).
MIN_TOP = 8


class Placed(NamedTuple):
    """A service's block inside a subnet, as offsets from the subnet's first address."""

    base: int  # the block's first address
    size: int  # the block's size, a power of two
    anchor: int  # the address of the first replica; replica j is at anchor XOR j


def block_size(busiest_zone: int) -> int:
    """The block of a service with ``busiest_zone`` replicas in a zone: room for one more."""
    return max(MIN_BLOCK, 1 << busiest_zone.bit_length())


def top_size(addresses: int) -> int:
    """The managed area at the top of a subnet holding ``addresses`` (reserved ones included)."""
    return max(MIN_TOP, 1 << max(addresses - 1, 0).bit_length())


def demand(blocks: Iterable[int], top: int) -> int:
    """Addresses a subnet needs so that ``blocks`` always fit beside the reserved areas."""
    sizes = list(blocks)
    return footprint(sum(sizes), max(sizes, default=MIN_BLOCK), top)


def footprint(total: int, largest: int, top: int) -> int:
    """``demand`` from the sum and the largest of the block sizes.

    The bottom reserved addresses spoil at most one block of the largest size, and a top
    area smaller than a block spoils one more.
    """
    return total + max(top, largest) + largest


def home(name: str, subnet_size: int) -> int:
    """The offset a service's name hashes to inside a subnet of ``subnet_size`` addresses."""
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % subnet_size


def allocate(blocks: dict[str, int], subnet_size: int, top: int) -> dict[str, Placed]:
    """Place every service's block (name → size) in a subnet; raises ValueError when full.

    ``top`` addresses at the end and ``MIN_BLOCK`` at the start are never given out.
    """
    unit = MIN_BLOCK
    taken = bytearray(subnet_size // unit)
    taken[0] = 1  # the provider's reserved addresses at the bottom
    taken[(subnet_size - top) // unit :] = b"\x01" * (top // unit)
    placed: dict[str, Placed] = {}
    for name, size in sorted(blocks.items(), key=lambda item: (-item[1], item[0])):
        hashed = home(name, subnet_size)
        start = hashed & ~(size - 1)
        units = size // unit
        for step in range(subnet_size // size):
            base = (start + step * size) % subnet_size
            if taken.find(1, base // unit, base // unit + units) == -1:
                break
        else:
            raise ValueError(f"no free block of {size} addresses for {name}")
        taken[base // unit : base // unit + units] = b"\x01" * units
        placed[name] = Placed(base, size, base | (hashed & (size - 1) & ~(unit - 1)))
    return placed
