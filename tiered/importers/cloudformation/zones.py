"""The availability zones each AWS region has, so that an import never names one that
does not exist.

Zone names are what ``aws ec2 describe-availability-zones`` lists in the region (each
account maps the letters to physical zones its own way: a name says which zone of *this*
account, nothing more). A region missing here is treated as having zones ``a`` to ``c``,
the least every region has.
"""

from __future__ import annotations

#: Zone letters of each region (availability zones, not Local Zones or Wavelength).
ZONE_LETTERS: dict[str, str] = {
    "us-east-1": "abcdef",
    "us-west-2": "abcd",
    "ap-northeast-1": "acd",
    "ap-northeast-2": "abcd",
    "ca-central-1": "abd",
    "cn-north-1": "abd",
}
_LEAST = "abc"


def region_zone_names(region: str) -> list[str]:
    """The zone names of ``region`` (``us-east-1a`` … ``us-east-1f``)."""
    letters = ZONE_LETTERS.get(region, _LEAST)
    return [region + letter for letter in letters]
