"""JVM heaps sized from the instance type's memory, not the JVM's default.

Half of the instance's memory goes to the heap (the rest to the JVM's own memory, the page
cache and the system), at least 128 MiB and at most 31 GiB (compressed object pointers).
Memory per type is EC2's published figure: the burstable types by size, the others by
family (general purpose: 4 GiB per vCPU, compute: 2, memory: 8) and size (vCPUs).
"""

from __future__ import annotations

import re

#: The instance type a service without `instance_type` runs on (the template's and the heap's).
DEFAULT_INSTANCE_TYPE = "t3.micro"
MIB_PER_GIB = 1024
SHARE = 0.5
MIN_HEAP_MIB, MAX_HEAP_MIB = 128, 31 * MIB_PER_GIB
#: Heap of a type this table does not know: what a 1 GiB instance gets.
UNKNOWN_HEAP_MIB = 512

#: t2, t3, t3a, t4g: memory (GiB) by size.
BURSTABLE_GIB = {
    "nano": 0.5,
    "micro": 1,
    "small": 2,
    "medium": 4,
    "large": 8,
    "xlarge": 16,
    "2xlarge": 32,
}
#: GiB per vCPU of the fixed-performance families, by their class letter.
GIB_PER_VCPU = {"m": 4, "c": 2, "r": 8}
#: vCPUs by size of the fixed-performance families.
VCPUS = {"medium": 1, "large": 2, "xlarge": 4}
_BURSTABLE = re.compile(r"^t[234][ag]?$")
_FIXED = re.compile(r"^([mcr])[5-8][a-z]*$")
_MULTIPLE = re.compile(r"^([0-9]+)xlarge$")


def memory_gib(instance_type: str) -> float | None:
    """The memory of ``instance_type`` in GiB, when this table knows it."""
    family, _, size = instance_type.partition(".")
    if _BURSTABLE.match(family):
        return BURSTABLE_GIB.get(size)
    fixed = _FIXED.match(family)
    if fixed is None:
        return None
    multiple = _MULTIPLE.match(size)
    vcpus = 4 * int(multiple.group(1)) if multiple else VCPUS.get(size)
    return None if vcpus is None else float(vcpus * GIB_PER_VCPU[fixed.group(1)])


def heap_mib(instance_type: str) -> int:
    """The heap (MiB) of the one JVM a ``instance_type`` instance runs."""
    memory = memory_gib(instance_type)
    if memory is None:
        return UNKNOWN_HEAP_MIB
    return max(MIN_HEAP_MIB, min(MAX_HEAP_MIB, int(memory * MIB_PER_GIB * SHARE)))
