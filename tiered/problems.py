"""The registry of problem codes: every reason a file can be refused, with a stable id.

A Problem carries its code (a short slug such as ``duplicate-key``); this registry gives
each code a stable id, like cfn-lint's E0000 family, and a one-line explanation that
``tiered explain`` prints. Families: E01xx the file and its YAML, E02xx the schema,
E03xx references and fields that depend on each other, E04xx the network and placement,
E05xx importing a CloudFormation template.
Ids stay stable once published; a test holds this list equal to the codes in the code.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ProblemCode:
    """One kind of problem: its stable id, its code and what it means."""

    id: str
    code: str
    summary: str


_TABLE = (
    # E01xx: the file and its YAML
    ("E0101", "file-not-found", "the file does not exist"),
    ("E0102", "file-unreadable", "the file cannot be read (permissions, a folder, I/O error)"),
    ("E0103", "file-too-large", "the file is larger than tiered reads (a guard against abuse)"),
    ("E0104", "not-utf8", "the file is not UTF-8 text"),
    ("E0105", "not-text", "the file holds NUL bytes or other binary content"),
    ("E0106", "empty-file", "the file holds no YAML document"),
    ("E0107", "yaml-syntax", "the YAML cannot be parsed"),
    ("E0108", "too-deep", "the YAML nests deeper than any topology needs"),
    ("E0109", "alias-bomb", "aliases expand to more nodes than the limit (a billion-laughs file)"),
    ("E0110", "recursive-alias", "an alias refers to the node that contains it"),
    ("E0111", "duplicate-key", "a mapping repeats a key: YAML would keep only the last"),
    ("E0112", "bad-merge", "a merge key (<<) names something that is not a mapping"),
    ("E0113", "bad-key", "a key is not a plain string (a list, a mapping, a number)"),
    ("E0114", "string-too-long", "a string is longer than the limit"),
    ("E0115", "unsafe-tag", "a YAML tag that could construct objects (e.g. !!python/...)"),
    ("E0116", "not-a-revision", "a side of `tiered diff` is neither a file nor a git revision"),
    # E02xx: the schema
    ("E0201", "not-a-mapping", "the document is not a mapping of keys"),
    ("E0202", "unsupported-version", "`version` is missing or not a version tiered knows"),
    ("E0203", "unknown-key", "a key the format does not have (usually a typo)"),
    ("E0204", "missing-key", "a required key is missing"),
    ("E0205", "wrong-type", "a value has the wrong type (a list where a number belongs)"),
    ("E0206", "bad-value", "a value is not one of the allowed choices"),
    ("E0207", "bad-format", "a value does not have the required form (a name, a path, a host)"),
    ("E0208", "out-of-range", "a number is outside its allowed range"),
    ("E0209", "empty", "a list or a string that must not be empty is"),
    ("E0210", "too-long", "a list or a string is longer than allowed"),
    ("E0211", "bad-name", "a tier, service or zone name is not a lowercase identifier"),
    ("E0212", "invalid", "a value is invalid for another reason (the message says which)"),
    ("E0213", "misplaced-key", "a service setting indented as a service (or a tier) of its own"),
    # E03xx: references and fields that depend on each other
    ("E0301", "duplicate-name", "two tiers or services share a name"),
    ("E0302", "duplicate-zone", "a zone is listed twice"),
    ("E0303", "unknown-zone", "a zone that is not in the topology's `zones`"),
    ("E0304", "unknown-service", "a reference to a service that does not exist"),
    ("E0305", "self-reference", "a service depends on or routes to itself"),
    ("E0306", "duplicate-reference", "the same service is named twice in one list"),
    ("E0307", "dependency-cycle", "services depend on each other in a cycle"),
    ("E0308", "route-to-managed", "a proxy route leads to a managed database or file system"),
    ("E0309", "duplicate-route", "two routes of a proxy share a path"),
    ("E0310", "backup-with-hash", "ip-hash balancing towards a target that needs backup servers"),
    ("E0311", "unknown-software", "a `software` value tiered does not know"),
    ("E0312", "not-applicable", "a field that does not apply to this kind of service"),
    ("E0313", "bad-count", "a count that does not fit the failover mode"),
    ("E0314", "bad-failover", "a failover mode that does not fit the kind of service"),
    ("E0315", "standby-needs-zone", "a primary-standby database without a second zone"),
    ("E0316", "min-healthy-above-count", "`min_healthy` is larger than `count`"),
    ("E0317", "placement-count", "`placement` does not add up to `count`"),
    ("E0318", "duplicate-port", "a port is listed twice"),
    ("E0319", "bad-health-check", "health-check timings that cannot work (timeout ≥ interval)"),
    ("E0320", "unknown-rule", "an `accept` entry names a rule that does not exist"),
    ("E0321", "empty-reason", "an `accept` entry without a reason"),
    ("E0322", "bad-instance-type", "an `instance_type` that is not an EC2 type, on provider aws"),
    ("E0323", "name-clash", "a zone or service named like another failure domain (an instance)"),
    # E04xx: provider, region, network and placement
    ("E0401", "unknown-region", "`region` is not an AWS region code"),
    ("E0402", "zone-not-in-region", "a zone is not an availability zone of the region"),
    ("E0403", "region-not-applicable", "`region` on a provider that has none"),
    ("E0404", "bad-cidr", "a network that is not a valid private IPv4 CIDR"),
    ("E0405", "network-too-small", "the subnets and addresses do not fit the network"),
    ("E0406", "bad-vip", "a virtual IP that is not an address of the network"),
    ("E0407", "vip-in-use", "the virtual IP is an address the plan gives to something else"),
    ("E0408", "vip-not-applicable", "`vip` on AWS, where Route 53 failover does the job"),
    (
        "E0409",
        "hosted-zone-not-applicable",
        "`hosted_zone` on premises, where there is no Route 53",
    ),
    ("E0410", "dns-outside-zone", "the entry's DNS name is not inside its hosted zone"),
    (
        "E0411",
        "vip-outside-segment",
        "the virtual IP is not a free host address of the VRRP pair's entry segment",
    ),
    ("E0412", "vrrp-not-applicable", "`vrrp` timing on AWS, where there is no keepalived"),
    ("E0413", "vrrp-without-vip", "`vrrp` timing without the `vip` it would move"),
    (
        "E0414",
        "vip-without-pair",
        "a virtual IP with no active-passive NGINX entry pair for keepalived to move it",
    ),
    (
        "E0415",
        "instance-type-not-in-region",
        "an `instance_type` the topology's region does not offer",
    ),
    # E043x: what a backend would refuse to render (tiered.placement.renderable)
    ("E0430", "entry-listens-nowhere", "an entry proxy with `listen: []`: no port for clients"),
    ("E0431", "route-on-health-path", "a proxy route on /healthz, which NGINX answers itself"),
    (
        "E0432",
        "no-shared-storage",
        "ActiveMQ brokers that are more than one with no shared file system for their messages",
    ),
    # E05xx: importing a CloudFormation template
    ("E0501", "cfn-no-resources", "a template without a Resources section (or not a template)"),
    ("E0502", "cfn-bad-resource", "a resource without a Type"),
    ("E0503", "cfn-missing-reference", "a Ref, GetAtt, condition or mapping names nothing"),
    ("E0504", "cfn-circular-dependency", "resources depend on each other in a cycle"),
    ("E0505", "cfn-no-services", "a template with nothing to judge (network resources only)"),
    ("E0506", "bad-parameters-file", "a parameters file in none of CloudFormation's formats"),
    ("E0507", "import-invalid", "the imported topology did not validate (a bug of the import)"),
    ("E0508", "cfn-preprocessor-tag", "a pre-processor's tag (Rain's): expand the template first"),
    ("E0509", "cfn-bad-tag", "a tiered:* tag whose value tiered does not know"),
    ("E0510", "cfn-circular-nesting", "a nested stack nests a template that holds it"),
    ("E0520", "bad-exports-file", "an exports file not in `aws cloudformation list-exports` form"),
    (
        "E0521",
        "cfn-unknown-zone",
        "--strict: a zone the template does not determine changes the verdict",
    ),
)

PROBLEM_CODES: dict[str, ProblemCode] = {code: ProblemCode(id_, code, s) for id_, code, s in _TABLE}
BY_ID: dict[str, ProblemCode] = {p.id: p for p in PROBLEM_CODES.values()}


def problem_id(code: str) -> str:
    """The stable id of ``code`` (``E0000`` for a code missing from the registry)."""
    known = PROBLEM_CODES.get(code)
    return known.id if known else "E0000"
