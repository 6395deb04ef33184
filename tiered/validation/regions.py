"""AWS region codes tiered accepts for ``region`` (commercial, GovCloud and China), and the
availability zones each has."""

AWS_REGIONS: tuple[str, ...] = (
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "cn-north-1",
    "cn-northwest-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-gov-east-1",
    "us-gov-west-1",
    "us-west-1",
    "us-west-2",
)


def is_zone_of(zone: str, region: str) -> bool:
    """Whether ``zone`` is written as an availability zone of ``region`` (region + a letter)."""
    return zone.startswith(region) and len(zone) == len(region) + 1 and zone[-1].isalpha()


#: Zone letters of the regions that do not have exactly ``a`` to ``c``: the availability
#: zones ``aws ec2 describe-availability-zones`` lists (not Local Zones or Wavelength).
#: Accounts map the letters to physical zones each their own way.
ZONE_LETTERS: dict[str, str] = {
    "us-east-1": "abcdef",
    "us-west-2": "abcd",
    "ap-northeast-1": "acd",
    "ap-northeast-2": "abcd",
    "ca-central-1": "abd",
    "cn-north-1": "abd",
}


def region_zone_names(region: str) -> list[str]:
    """The availability zones of ``region`` (``us-east-1a`` … ``us-east-1f``); ``a`` to ``c``
    for a region not listed in ``ZONE_LETTERS``, the least every region has."""
    return [region + letter for letter in ZONE_LETTERS.get(region, "abc")]
