"""Regenerate tiered/validation/ec2_instance_types.txt from cfn-lint's data.

cfn-lint (a test dependency, pinned) ships the EC2 instance types each region offers, taken
from the AWS pricing API; tiered ships the same facts compactly so that `tiered validate`
refuses a type that does not exist, or that the topology's region does not offer, before
cfn-lint (E3628) or CloudFormation would. A test holds the two equal: after upgrading
cfn-lint, run `python scripts/ec2-instance-types.py` and commit the result.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import cfnlint.data.schemas.extensions.aws_ec2_instance as source

TARGET = Path(__file__).resolve().parent.parent / "tiered" / "validation" / "ec2_instance_types.txt"


def offered() -> dict[str, set[str]]:
    """Region → the instance types cfn-lint knows it offers."""
    data = json.loads((Path(source.__file__).parent / "instancetype_enum.json").read_text())
    return {
        region: set(entry["enum"])
        for region, entry in data.items()
        if isinstance(entry, dict) and region != "all" and entry.get("enum")
    }


def table(by_region: dict[str, set[str]]) -> str:
    """The file's text: the regions in order, then one line per type with a hexadecimal
    mask of the regions offering it (bit i: the i-th region of the first line)."""
    regions = sorted(by_region)
    types = sorted(set().union(*by_region.values()))
    lines = [
        "# EC2 instance types and the regions offering them, from cfn-lint's pricing data.",
        "# Regenerate with scripts/ec2-instance-types.py; bit i of a mask = region i below.",
        "regions " + " ".join(regions),
    ]
    for name in types:
        mask = sum(1 << i for i, region in enumerate(regions) if name in by_region[region])
        lines.append(f"{name} {mask:x}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    TARGET.write_text(table(offered()), encoding="utf-8")
    sys.stdout.write(f"wrote {TARGET.name}\n")
