"""Software kinds: the registry, the floor they sit on, what each declares and delivers, a
kind added in code, and the health probes run by a real POSIX sh against real sockets."""

from __future__ import annotations

import ast
import http.server
import socket
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tiered.exporters.base import ExportOptions
from tiered.loading.loader import load_bytes
from tiered.pipeline import Result, check_loaded, plan_file
from tiered.renderers.config import ConfigRenderer, boots
from tiered.renderers.diagram.icons import service_icon
from tiered.software import SOFTWARE, Kind, PeerPort, registry, software
from tiered.software.base import FailoverDelivery
from tiered.software.context import InstanceContext
from tiered.software.delivery import Delivery

from .conftest import ROOT

PACKAGE = ROOT / "tiered" / "software"


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


# --- the registry ----------------------------------------------------------------------------


def test_built_in_kinds_are_registered_in_pyproject_exactly() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["entry-points"][registry.GROUP] == registry.BUILT_IN


def test_every_built_in_kind_loads_under_its_name_from_its_own_module() -> None:
    required = {"nginx", "zookeeper", "solr", "activemq", "redis", "kafka", "etcd"}
    assert required | {"rabbitmq", "postgres", "generic"} <= set(registry.BUILT_IN)
    modules = {value.partition(":")[0] for value in registry.BUILT_IN.values()}
    assert len(modules) == len(registry.BUILT_IN)  # one module per kind
    for name in registry.BUILT_IN:
        kind = SOFTWARE[name]
        assert kind.name == name and name in SOFTWARE
        assert kind.supports(kind.failover), name  # its default mode is one it runs in


def test_unknown_software_resolves_to_generic_and_is_not_known() -> None:
    assert software("no-such-software") is software("generic")
    assert "no-such-software" not in SOFTWARE
    with pytest.raises(KeyError):
        SOFTWARE["no-such-software"]


def test_a_failover_mode_is_delivered_or_explicitly_assumed() -> None:
    assert software("zookeeper").delivers("quorum")
    assert software("solr").delivers("active-active")
    assert software("activemq").delivers("active-passive")
    # Redis active-passive: Sentinel moves the primary, from three members on.
    assert software("redis").delivers("active-passive")
    redis = software("redis").delivery("active-passive")
    assert redis is not None and redis.min_members == 3
    assert not software("kafka").supports("quorum")
    assert not software("postgres").delivers("primary-standby")
    assert not software("zookeeper").supports("active-active")
    assert not software("zookeeper").delivers("active-active")
    quorum = software("zookeeper").delivery("quorum")
    assert quorum is not None and "zookeeper" in quorum.units
    assert quorum.downloads[0].checksum == software("zookeeper").download.checksum  # type: ignore[union-attr]


# --- the floor -------------------------------------------------------------------------------


def test_kinds_import_only_the_model_the_software_base_and_the_standard_library() -> None:
    allowed_third_party = {"jinja2"}
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for module in _imports(path):
            top = module.split(".")[0]
            if module == "tiered.model" or module.startswith("tiered.software"):
                continue
            if top in sys.stdlib_module_names or top in allowed_third_party or top == "__future__":
                continue
            offenders[str(path.relative_to(ROOT))] = module
    assert offenders == {}


def test_kind_modules_do_not_import_one_another() -> None:
    for path in sorted((PACKAGE / "kinds").glob("*.py")):
        kinds = {m for m in _imports(path) if m.startswith("tiered.software.kinds")}
        assert not kinds, f"{path.name} imports {kinds}"


def _house() -> list[Path]:
    """Every module of tiered and of the renderers, each once."""
    link = ROOT / "tiered" / "renderers"
    ours = [p for p in (ROOT / "tiered").rglob("*.py") if not p.is_relative_to(link)]
    return sorted([*ours, *(ROOT / "renderers").rglob("*.py")])


def test_zookeeper_ports_are_declared_in_its_module_only() -> None:
    declared = [
        str(path.relative_to(ROOT))
        for path in _house()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and node.value in (2181, 2888, 3888)
    ]
    assert set(declared) == {"tiered/software/kinds/zookeeper.py"}


def test_no_module_outside_the_kinds_compares_software_with_nginx() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in _house()
        if not path.is_relative_to(PACKAGE)
        and (
            'software == "nginx"' in (text := path.read_text(encoding="utf-8"))
            or 'software != "nginx"' in text
        )
    ]
    assert offenders == []


# --- what a kind delivers, against what it declares ------------------------------------------


@pytest.mark.parametrize(
    "path", ["topology.yaml", "examples/onprem-generic.yaml", "examples/reference-three-zones.yaml"]
)
def test_a_delivered_mode_is_what_the_instances_get(path: str) -> None:
    plan = plan_file(str(ROOT / path))
    for boot in boots(plan):
        service = plan.services[boot.instance.service]
        kind = software(service.software)
        delivery = kind.delivery(service.failover)
        if delivery is None or not delivery.delivered or boot.software != kind.name:
            continue
        paths = {file.path for file in boot.files}
        if kind.holds_vip and plan.provider == "aws":
            continue  # on aws the entry pair fails over through Route 53, not its files
        assert set(delivery.files) <= paths, (boot.instance.name, delivery.files)
        if plan.provider == "aws":
            assert set(delivery.packages) <= set(boot.packages)
            assert {f"/etc/systemd/system/{unit}.service" for unit in delivery.units} <= paths
            for download in delivery.downloads:
                assert any(download.checksum in step for step in boot.steps)


def test_the_plan_has_no_string_keyed_cache_for_renderers() -> None:
    plan = plan_file(str(ROOT / "topology.yaml"))
    boots(plan)
    assert not hasattr(plan, "_cache")  # renderers keep their context themselves


# --- a kind added in code --------------------------------------------------------------------


class ToyKv(Kind):
    """A kind defined by a test: one module's worth of declarations and one rendered file."""

    name = "toy-kv"
    port = 7000
    failover = "quorum"
    peers = (PeerPort(7001, 7001, "toy-kv gossip"),)
    config_files = ("/etc/toy-kv/peers.conf",)
    configured = "full"
    modes = (FailoverDelivery("quorum", files=("/etc/toy-kv/peers.conf",)),)
    icon = "onprem/inmemory/redis.png"

    def endpoint_variables(self, members: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
        return (*super().endpoint_variables(members), ("SEEDS", " ".join(members)))

    def render(self, instance: InstanceContext) -> Delivery:
        delivery = Delivery(self.name)
        peers = [f"{m.ordinal} {m.address}:7001 {m.zone}" for m in instance.service.members]
        text = f"me {instance.ordinal} {instance.address}:{instance.service.port}\n"
        delivery.add_file("/etc/toy-kv/peers.conf", text + "\n".join(peers) + "\n")
        return delivery


TOY = """
version: 1
name: toy
provider: generic
zones: [room-1, room-2, room-3]
network: {cidr: 10.9.0.0/16}
tiers:
  app:
    role: application
    services:
      web: {software: generic, count: 2, depends_on: [kv]}
  data:
    role: data
    services:
      kv: {software: toy-kv, count: 3}
"""


def test_a_kind_registered_in_code_is_validated_planned_rendered_and_drawn() -> None:
    with registry.registered(ToyKv()):
        checked = check_loaded(load_bytes(TOY.encode(), "toy.yaml"))
        assert checked.problems == [], [str(p) for p in checked.problems]
        plan = checked.plan
        assert plan is not None
        kv = plan.services["kv"]
        assert (kv.port, kv.failover, kv.survivors_needed) == (7000, "quorum", 2)
        files = ConfigRenderer().export(Result.of_plan(plan), ExportOptions())
        assert service_icon(plan, kv) == "onprem/inmemory/redis.png"
    members = plan.instances_of("kv")
    for member in members:
        text = str(files[f"config/{member.name}/etc/toy-kv/peers.conf"])
        lines = text.splitlines()
        assert lines[0] == f"me {member.ordinal} {member.ip}:7000"
        assert lines[1:] == [f"{m.ordinal} {m.ip}:7001 {m.zone}" for m in members]
    env = str(files["config/web-1/etc/tiered/web.env"]).splitlines()
    assert f'KV_SEEDS="{" ".join(f"{m.ip}:7000" for m in members)}"' in env
    assert "toy-kv" not in SOFTWARE  # known only while registered


def test_an_unregistered_kind_is_refused_with_the_known_names() -> None:
    checked = check_loaded(load_bytes(TOY.encode(), "toy.yaml"))
    (problem,) = checked.problems
    assert "unknown software 'toy-kv'" in str(problem)


# --- health probes ---------------------------------------------------------------------------


def _sh(command: str) -> int:
    return subprocess.run(["sh", "-c", command], capture_output=True, timeout=30).returncode


@contextmanager
def _server(answer: bytes | None) -> Iterator[int]:
    """A loopback TCP server on a free port: answers every connection with ``answer`` after
    reading one request (None: accepts and closes)."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                if answer is not None:
                    connection.settimeout(5)
                    connection.recv(4096)
                    connection.sendall(answer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def _closed_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return int(probe.getsockname()[1])


def test_the_default_probe_connects_to_the_port() -> None:
    with _server(None) as port:
        assert _sh(software("generic").health_probe(port)) == 0
        assert _sh(software("postgres").health_probe(port)) == 0
    assert _sh(software("generic").health_probe(_closed_port())) != 0


def test_redis_and_zookeeper_probes_speak_their_protocol() -> None:
    with _server(b"+PONG\r\n") as port:
        assert _sh(software("redis").health_probe(port)) == 0
    with _server(b"-ERR unknown command\r\n") as port:
        assert _sh(software("redis").health_probe(port)) != 0
    with _server(b"Zookeeper version: 3.8.4\nMode: follower\nNode count: 5\n") as port:
        assert _sh(software("zookeeper").health_probe(port)) == 0
    with _server(b"This ZooKeeper instance is not currently serving requests\n") as port:
        assert _sh(software("zookeeper").health_probe(port)) != 0


class _Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path in ("/healthz", "/ready") else 404)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def health_server() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_http_probes_ask_the_declared_path(health_server: int) -> None:
    port = health_server
    assert _sh(software("nginx").health_probe(port)) == 0  # nginx's own /healthz
    assert _sh(software("generic").health_probe(port, "/ready")) == 0
    assert _sh(software("generic").health_probe(port, "/missing")) != 0
    assert _sh(software("solr").health_probe(port)) != 0  # no Solr there
