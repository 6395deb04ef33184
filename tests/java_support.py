"""Run the Debian ZooKeeper and ActiveMQ servers from rendered files, on loopback addresses.

The servers are started with ``java`` directly (the Debian classpath), never as system
services; every process is stopped by its PID, and every wait is bounded.
"""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ZOOKEEPER_CLASSPATH = "/usr/share/java/zookeeper.jar:/etc/zookeeper/conf"
ACTIVEMQ_HOME = Path("/usr/share/activemq")
JAVA = "java"
HEAP = "-Xmx160m"


def loopback(ip: str, network: int, number: int) -> str:
    """A loopback address standing in for a planned one (127.<network>.0.<number>)."""
    del ip
    return f"127.{network}.0.{number}"


def replace_address(text: str, old: str, new: str) -> str:
    """``old`` replaced by ``new`` as a whole address (10.0.2.5 is not inside 10.0.2.50)."""
    return re.sub(rf"(?<![\d.]){re.escape(old)}(?![\d])", new, text)


def free_port(hosts: list[str]) -> int:
    """A TCP port free on every one of ``hosts``."""
    for _ in range(200):
        with socket.socket() as probe:
            probe.bind((hosts[0], 0))
            port = int(probe.getsockname()[1])
        try:
            for host in hosts[1:]:
                with socket.socket() as other:
                    other.bind((host, port))
        except OSError:
            continue
        return port
    raise RuntimeError("no free port")


def wait_until(condition: Callable[[], bool], timeout: float, step: float = 0.5) -> bool:
    """Poll ``condition`` until it holds or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


class Processes:
    """The servers a test started, by name; stopped by PID."""

    def __init__(self) -> None:
        self.running: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, command: list[str], cwd: Path) -> None:
        log = (cwd / f"{name}.log").open("wb")
        self.running[name] = subprocess.Popen(
            command, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()

    def kill(self, name: str) -> None:
        process = self.running.pop(name)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)

    def stop_all(self) -> None:
        for name in list(self.running):
            self.kill(name)


@contextmanager
def processes() -> Iterator[Processes]:
    started = Processes()
    try:
        yield started
    finally:
        started.stop_all()


def zookeeper_command(config: Path) -> list[str]:
    return [
        JAVA,
        HEAP,
        f"-Dzookeeper.log.dir={config.parent}",
        "-cp",
        ZOOKEEPER_CLASSPATH,
        "org.apache.zookeeper.server.quorum.QuorumPeerMain",
        str(config),
    ]


def activemq_command(config: Path, base: Path) -> list[str]:
    return [
        JAVA,
        HEAP,
        f"-Dactivemq.home={ACTIVEMQ_HOME}",
        f"-Dactivemq.base={base}",
        f"-Dactivemq.conf={base}",
        f"-Dactivemq.data={base}",
        "-jar",
        str(ACTIVEMQ_HOME / "bin" / "activemq.jar"),
        "start",
        f"xbean:file:{config}",
    ]


def four_letter(host: str, port: int, command: bytes = b"srvr") -> str:
    """A ZooKeeper four-letter command's answer ('' when the server does not answer)."""
    try:
        with socket.create_connection((host, port), timeout=2) as connection:
            connection.sendall(command)
            chunks = []
            while chunk := connection.recv(4096):
                chunks.append(chunk)
    except OSError:
        return ""
    return b"".join(chunks).decode(errors="replace")


def serving(host: str, port: int) -> bool:
    """Whether the ZooKeeper server is part of a working quorum (leader or follower)."""
    answer = four_letter(host, port)
    return "Mode: leader" in answer or "Mode: follower" in answer


def openwire_greeting(host: str, port: int) -> bytes:
    """The first bytes an ActiveMQ broker sends a client (its WireFormatInfo), or b''."""
    try:
        with socket.create_connection((host, port), timeout=2) as connection:
            connection.settimeout(5)
            return connection.recv(64)
    except OSError:
        return b""
