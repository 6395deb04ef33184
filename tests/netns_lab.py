"""Network namespaces, links and processes for tests, all removed again by ``Lab.close``.

Every namespace a lab creates is named with its prefix, every process it starts runs in a
session of its own (so a whole process tree, keepalived or nginx with its workers, is
signalled at once by process group) and every wait is bounded. ``close`` kills the
processes it started, by process group, then deletes the namespaces, which takes their
links with them; it runs in the fixture's ``finally`` whether the test passed or not.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

IP = shutil.which("ip") or "/usr/sbin/ip"


def unavailable() -> str | None:
    """Why network namespaces cannot be made here, or None when they can."""
    if os.geteuid() != 0:
        return "network namespaces need root (run the suite as root, as CI does)"
    if not Path(IP).exists():
        return "no `ip` command: install iproute2 (scripts/system-deps.sh does)"
    name = f"tiered-probe-{os.getpid()}"
    made = subprocess.run([IP, "netns", "add", name], capture_output=True, text=True, check=False)
    if made.returncode != 0:
        return f"`ip netns add` fails here: {made.stderr.strip()}"
    subprocess.run([IP, "netns", "del", name], capture_output=True, check=False)
    return None


def wait_for(what: str, condition: Callable[[], bool], timeout: float, step: float = 0.05) -> None:
    """Poll ``condition`` until it holds; TimeoutError naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout:g} s")
        time.sleep(step)


class Lab:
    """Namespaces, links and processes of one test."""

    def __init__(self, prefix: str, folder: Path) -> None:
        self.prefix = prefix
        self.folder = folder
        self.namespaces: list[str] = []
        self.processes: list[subprocess.Popen[bytes]] = []

    def ip(self, *args: str, ns: str | None = None) -> str:
        """Run ``ip`` (in namespace ``ns``); its output, or CalledProcessError with stderr."""
        command = [IP, *(["-n", ns] if ns else []), *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=20, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)}: {done.stderr.strip()}")
        return done.stdout

    def namespace(self, role: str) -> str:
        name = f"{self.prefix}-{role}"
        self.ip("netns", "add", name)
        self.namespaces.append(name)
        self.ip("link", "set", "lo", "up", ns=name)
        return name

    def veth(self, ns: str, name: str, peer_ns: str, peer_name: str) -> None:
        """A veth pair: ``name`` in ``ns``, ``peer_name`` in ``peer_ns``, both up."""
        self.ip(
            "link", "add", name, "type", "veth", "peer", "name", peer_name, "netns", peer_ns, ns=ns
        )
        self.ip("link", "set", name, "up", ns=ns)
        self.ip("link", "set", peer_name, "up", ns=peer_ns)

    def run(self, ns: str, *argv: str, timeout: float = 20) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [IP, "netns", "exec", ns, *argv],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def start(self, ns: str, argv: list[str], log: Path) -> subprocess.Popen[bytes]:
        """Start ``argv`` in ``ns`` in a session of its own, output to ``log``."""
        with log.open("ab") as sink:
            process = subprocess.Popen(
                [IP, "netns", "exec", ns, *argv],
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes.append(process)
        return process

    def signal(self, process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
        """Send ``sig`` to the process group of ``process`` (it and all its children)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)

    def stop(self, process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
        """Signal the group of ``process`` and reap it (SIGKILL if it lingers 10 s)."""
        self.signal(process, sig)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.signal(process, signal.SIGKILL)
            process.wait(timeout=10)
        if sig != signal.SIGKILL:  # children a clean stop left behind
            self.signal(process, signal.SIGKILL)

    def close(self) -> None:
        for process in reversed(self.processes):
            self.signal(process, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)
        for name in reversed(self.namespaces):
            subprocess.run([IP, "netns", "del", name], capture_output=True, check=False)
        self.processes.clear()
        self.namespaces.clear()
