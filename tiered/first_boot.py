"""Whether a CloudFormation template can complete: each signalling instance can boot.

CloudFormation's own rules: a resource is created once every resource it names is complete
(``Ref``, ``Fn::GetAtt``, the ``${X}`` and ``${X.Attr}`` of ``Fn::Sub``, ``DependsOn``);
an instance with a ``CreationPolicy`` is complete only when it has signalled. So when an
instance boots, the resources that surely exist are the ones it depends on, directly or
not; anything else may still be missing (a race), and anything that depends on the
instance is created only after its signal (a deadlock, when the boot needs it).

What a boot needs, and is checked here: a way out to the internet (packages, downloads,
the CloudFormation endpoint the signal goes to). A subnet uses the route table of its
association (without one, the VPC's main table, which has no route out); the table's
default route goes to an internet gateway, attached to the VPC, or to a NAT gateway whose
own subnet has that. Behind an internet gateway the instance needs a public address at
launch: ``MapPublicIpOnLaunch``, ``AssociatePublicIpAddress``, or a network interface whose
Elastic IP association exists before it. It also needs, in its zone, a mount target of
every EFS file system it names. Databases it names are dependencies, hence there already.

``first_boot_problems`` takes a template as a plain dict (long-form intrinsics, as JSON or
a YAML loader with CloudFormation tags yields) and returns the problems by logical id.
Values the template does not hold (a subnet given as a parameter) are not guessed at.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

Template = Mapping[str, Any]

_SUB_NAME = re.compile(r"\$\{(?!!)([^}]+)\}")
DEFAULT_ROUTE = "0.0.0.0/0"


@dataclass(frozen=True, slots=True)
class BootProblem:
    """Why the instance ``resource`` cannot complete its first boot, and the fix."""

    resource: str
    message: str
    fix: str

    def __str__(self) -> str:
        return f"{self.resource}: {self.message}; {self.fix}"


def names_in(value: Any) -> set[str]:
    """Every name ``value`` refers to: Ref, Fn::GetAtt and the variables of Fn::Sub."""
    found: set[str] = set()
    if isinstance(value, list):
        for item in value:
            found |= names_in(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key == "Ref" and isinstance(item, str):
                found.add(item)
            elif key == "Fn::GetAtt":
                target = item[0] if isinstance(item, list) and item else str(item).split(".")[0]
                found.add(str(target))
            elif key == "Fn::Sub":
                parts = item if isinstance(item, list) else [item]
                text = parts[0] if parts else ""
                variables = parts[1] if len(parts) > 1 and isinstance(parts[1], dict) else {}
                found |= {
                    name.split(".", 1)[0]
                    for name in _SUB_NAME.findall(str(text))
                    if name.split(".", 1)[0] not in variables
                }
                found |= names_in(variables)
            else:
                found |= names_in(item)
    return found


def dependencies(template: Template) -> dict[str, set[str]]:
    """Each resource's direct dependencies (resources only: not parameters or AWS::*)."""
    resources = _resources(template)
    graph: dict[str, set[str]] = {}
    for logical, resource in resources.items():
        after = resource.get("DependsOn", [])
        listed = [after] if isinstance(after, str) else after if isinstance(after, list) else []
        named = names_in(resource.get("Properties", {})) | {str(a) for a in listed}
        graph[logical] = {name for name in named if name in resources and name != logical}
    return graph


def creation_waves(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The resources in the order CloudFormation can create them, wave by wave.

    Resources left out of every wave are on a dependency cycle (CloudFormation refuses the
    template).
    """
    waves: list[list[str]] = []
    done: set[str] = set()
    pending = set(graph)
    while pending:
        wave = sorted(name for name in pending if graph[name] <= done)
        if not wave:
            break
        waves.append(wave)
        done |= set(wave)
        pending -= set(wave)
    return waves


def before(graph: Mapping[str, set[str]], logical: str) -> set[str]:
    """The resources complete before ``logical`` is created: its dependencies' closure."""
    seen: set[str] = set()
    pending = list(graph.get(logical, ()))
    while pending:
        name = pending.pop()
        if name not in seen:
            seen.add(name)
            pending.extend(graph.get(name, ()))
    return seen


def signals(resource: Mapping[str, Any]) -> bool:
    """Whether the resource completes only on a signal (a ``CreationPolicy`` count)."""
    policy = resource.get("CreationPolicy", {})
    signal = policy.get("ResourceSignal") if isinstance(policy, dict) else None
    if not isinstance(signal, dict):
        return False
    count = signal.get("Count", 1)  # a Ref or another expression: it may be awaited
    return not isinstance(count, int | str) or str(count).strip() != "0"


def first_boot_problems(template: Template) -> list[BootProblem]:
    """Every reason a signalling instance of ``template`` cannot boot, by logical id."""
    graph = dependencies(template)
    placed = {name for wave in creation_waves(graph) for name in wave}
    cycle = sorted(set(graph) - placed)
    if cycle:
        return [
            BootProblem(
                cycle[0],
                f"a dependency cycle among {', '.join(cycle)}: CloudFormation refuses it",
                "remove a Ref, Fn::GetAtt, Fn::Sub variable or DependsOn from the cycle",
            )
        ]
    resources = _resources(template)
    index = _Index(resources)
    problems: list[BootProblem] = []
    for logical, resource in resources.items():
        if resource.get("Type") == "AWS::EC2::Instance" and signals(resource):
            problems += _Boot(resources, graph, index, logical).problems()
    return problems


#: What the index files by which resource it names: (type, property).
_KEYS = (
    ("AWS::EC2::SubnetRouteTableAssociation", "SubnetId"),
    ("AWS::EC2::Route", "RouteTableId"),
    ("AWS::EC2::VPCGatewayAttachment", "InternetGatewayId"),
    ("AWS::EC2::EIPAssociation", "InstanceId"),
    ("AWS::EC2::EIPAssociation", "NetworkInterfaceId"),
    ("AWS::EC2::EIP", "InstanceId"),
    ("AWS::EFS::MountTarget", "FileSystemId"),
)


class _Index:
    """Resources by the resource they name in a property (built once per template)."""

    def __init__(self, resources: Mapping[str, Any]) -> None:
        self.by: dict[tuple[str, str, str], list[str]] = {}
        wanted = {kind for kind, _ in _KEYS}
        for logical, resource in resources.items():
            kind = resource.get("Type")
            if kind not in wanted:
                continue
            properties = resource.get("Properties", {})
            for key_kind, key in _KEYS:
                target = _ref(properties.get(key)) if key_kind == kind else None
                if target is not None:
                    self.by.setdefault((kind, key, target), []).append(logical)

    def naming(self, kind: str, key: str, target: str | None) -> list[str]:
        """The resources of type ``kind`` whose ``key`` is a Ref to ``target``."""
        return list(self.by.get((kind, key, target or ""), []))


class _Boot:
    """What one signalling instance finds when it boots."""

    def __init__(
        self,
        resources: Mapping[str, Any],
        graph: Mapping[str, set[str]],
        index: _Index,
        name: str,
    ):
        self.resources, self.graph, self.index, self.name = resources, graph, index, name
        self.exists = before(graph, name)
        self.properties: Mapping[str, Any] = resources[name].get("Properties", {})
        self.found: list[BootProblem] = []

    def problems(self) -> list[BootProblem]:
        subnet = self._subnet()
        if subnet is not None:
            self._egress(subnet, self.name)
            self._mount_targets(subnet)
        return self.found

    # --- what exists ---------------------------------------------------------------------

    def _properties(self, logical: str) -> Mapping[str, Any]:
        properties: Mapping[str, Any] = self.resources[logical].get("Properties", {})
        return properties

    def _require(self, what: str, candidates: list[str], missing: str, fix: str) -> str | None:
        """The first of ``candidates`` that exists at boot; a problem when none does.

        A candidate that comes too late is reported and still returned, so that what lies
        behind it is checked too; ``None`` when there is no candidate at all.
        """
        present = [c for c in candidates if c in self.exists]
        if present:
            return present[0]
        if not candidates:
            self._problem(missing, fix)
            return None
        late = candidates[0]
        if self.name in before(self.graph, late):
            self._problem(
                f"{what} ({late}) is created only after {self.name} completes, and "
                f"{self.name} completes only when its boot signals, which needs {late}: "
                "the stack deadlocks until the signal times out",
                f"create {late} before {self.name} (it must not depend on the instance)",
            )
        else:
            self._problem(
                f"{what} ({late}) may not exist yet when {self.name} boots (nothing orders it "
                "first): its boot races it",
                f"add {late} to the DependsOn of {self.name}",
            )
        return late

    def _problem(self, message: str, fix: str) -> None:
        self.found.append(BootProblem(self.name, message, fix))

    # --- where the instance is ---------------------------------------------------------------

    def _interface(self) -> Mapping[str, Any] | None:
        for interface in self.properties.get("NetworkInterfaces", []):
            if str(interface.get("DeviceIndex", "0")) == "0":
                return dict(interface)
        return None

    def _subnet(self) -> str | None:
        interface = self._interface() or {}
        chosen = self.properties.get("SubnetId", interface.get("SubnetId"))
        eni = _ref(interface.get("NetworkInterfaceId"))
        if chosen is None and eni is not None and eni in self.resources:
            chosen = self.resources[eni].get("Properties", {}).get("SubnetId")
        subnet = _ref(chosen)
        return subnet if subnet is not None and subnet in self.resources else None

    # --- the way out ---------------------------------------------------------------------------

    def _egress(self, subnet: str, user: str) -> None:
        """``user`` (the instance, or a NAT gateway on its path) reaches the internet."""
        associations = self.index.naming(
            "AWS::EC2::SubnetRouteTableAssociation", "SubnetId", subnet
        )
        whose = "its" if user == self.name else f"{user}'s"
        association = self._require(
            "the route table association of its subnet",
            associations,
            f"{subnet} ({whose} subnet) has no route "
            "table association: it uses the VPC's main route table, which has no route out",
            f"associate {subnet} with a route table whose default route leads out",
        )
        if association is None:
            return
        table = _ref(self.resources[association]["Properties"].get("RouteTableId"))
        routes = [
            logical
            for logical in self.index.naming("AWS::EC2::Route", "RouteTableId", table)
            if self._properties(logical).get("DestinationCidrBlock") == DEFAULT_ROUTE
        ]
        route = self._require(
            f"the default route of {table}",
            routes,
            f"route table {table} of {subnet} has no default route: the boot cannot reach "
            "packages, downloads or the CloudFormation endpoint",
            f"add a {DEFAULT_ROUTE} route to {table} (a NAT or an internet gateway)",
        )
        if route is None:
            return
        target: Mapping[str, Any] = self.resources[route]["Properties"]
        gateway, nat = _ref(target.get("GatewayId")), _ref(target.get("NatGatewayId"))
        kind = self.resources.get(gateway or "", {}).get("Type")
        if gateway is not None and kind == "AWS::EC2::InternetGateway":
            self._internet_gateway(gateway, subnet, user)
        elif nat is not None and nat in self.resources and nat != user:
            nat_subnet = _ref(self._properties(nat).get("SubnetId"))
            if nat_subnet is not None and nat_subnet in self.resources:
                self._egress(nat_subnet, nat)

    def _internet_gateway(self, gateway: str, subnet: str, user: str) -> None:
        attachments = self.index.naming(
            "AWS::EC2::VPCGatewayAttachment", "InternetGatewayId", gateway
        )
        self._require(
            f"the attachment of {gateway}",
            attachments,
            f"internet gateway {gateway} is not attached to any VPC",
            f"attach {gateway} with an AWS::EC2::VPCGatewayAttachment",
        )
        if user == self.name:
            self._public_address(subnet)

    def _public_address(self, subnet: str) -> None:
        subnet_properties = self.resources[subnet].get("Properties", {})
        interface = self._interface() or {}
        if interface.get("AssociatePublicIpAddress") in (True, "true"):
            return
        if subnet_properties.get("MapPublicIpOnLaunch") in (True, "true") and (
            interface.get("AssociatePublicIpAddress") not in (False, "false")
        ):
            return
        eni = _ref(interface.get("NetworkInterfaceId"))
        holders = {self.name} | ({eni} if eni else set())
        addresses = [
            logical
            for holder in sorted(holders)
            for kind, key in (
                ("AWS::EC2::EIPAssociation", "NetworkInterfaceId"),
                ("AWS::EC2::EIPAssociation", "InstanceId"),
                ("AWS::EC2::EIP", "InstanceId"),
            )
            for logical in self.index.naming(kind, key, holder)
        ]
        self._require(
            "its public address",
            addresses,
            f"it is in public subnet {subnet} with no public address at launch "
            "(MapPublicIpOnLaunch false, no AssociatePublicIpAddress, no Elastic IP on its "
            "network interface): its boot cannot reach the internet",
            "launch it on a network interface whose Elastic IP association exists first, "
            "or with AssociatePublicIpAddress",
        )

    # --- what its boot mounts ---------------------------------------------------------------------

    def _mount_targets(self, subnet: str) -> None:
        zone = _zone(self.resources, subnet)
        for filesystem in sorted(names_in(self.properties)):
            if self.resources.get(filesystem, {}).get("Type") != "AWS::EFS::FileSystem":
                continue
            targets = [
                logical
                for logical in self.index.naming(
                    "AWS::EFS::MountTarget", "FileSystemId", filesystem
                )
                if _zone(self.resources, _ref(self._properties(logical).get("SubnetId"))) == zone
            ]
            self._require(
                f"the mount target of {filesystem} in its zone",
                targets,
                f"file system {filesystem} has no mount target in its zone: its mount "
                "cannot succeed",
                f"add a mount target of {filesystem} in a subnet of the instance's zone",
            )


def _resources(template: Template) -> dict[str, Mapping[str, Any]]:
    """The template's resources that are mappings (an imported file may hold anything)."""
    found = template.get("Resources", {})
    if not isinstance(found, Mapping):
        return {}
    return {str(k): v for k, v in found.items() if isinstance(v, Mapping)}


def _ref(value: Any) -> str | None:
    if isinstance(value, dict) and isinstance(value.get("Ref"), str):
        return str(value["Ref"])
    return None


def _zone(resources: Mapping[str, Any], subnet: str | None) -> str:
    """A subnet's zone as written (a literal or an expression), for comparing subnets."""
    properties = resources.get(subnet or "", {}).get("Properties", {})
    return json.dumps(properties.get("AvailabilityZone"), sort_keys=True)
