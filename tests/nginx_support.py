"""Helpers of the NGINX tests: a test certificate, free ports, and a real nginx process.

Everything binds 127.0.0.1, every wait is bounded, and ``NginxProcess.stop`` ends the
master and its workers by PID even when a test fails half-way.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    """A port that was free on 127.0.0.1 a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_certificate(folder: Path, certificate: str, key: str) -> None:
    """A self-signed certificate and key for localhost, written as folder/certificate, key."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-keyout",
            str(folder / key),
            "-out",
            str(folder / certificate),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )


def nginx_test(prefix: Path, conf: str = "nginx.conf") -> subprocess.CompletedProcess[str]:
    """``nginx -t`` of prefix/conf, run from the prefix."""
    return subprocess.run(
        [NGINX, "-t", "-p", str(prefix), "-c", conf, "-e", str(prefix / "error-t.log")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


class NginxProcess:
    """A real nginx master (``daemon off`` in the local config) running from a prefix."""

    def __init__(self, prefix: Path, health_port: int, timeout: float = 15) -> None:
        self.prefix = prefix
        self.process = subprocess.Popen(
            [NGINX, "-p", str(prefix), "-c", "nginx.conf", "-e", str(prefix / "error.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            self._wait_ready(health_port, timeout)
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self, port: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        url = f"http://127.0.0.1:{port}/healthz"
        while True:
            if self.process.poll() is not None:
                log = (self.prefix / "error.log").read_text(errors="replace")
                raise RuntimeError(f"nginx exited with {self.process.returncode}: {log}")
            with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=1) as answer:
                if answer.status == 200:
                    return
            if time.monotonic() > deadline:
                raise TimeoutError(f"nginx did not answer {url} within {timeout}s")
            time.sleep(0.05)

    def workers(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        with contextlib.suppress(OSError):
            return [int(pid) for pid in path.read_text().split()]
        return []

    def stop(self) -> None:
        """Fast shutdown of the master (it waits for its workers); SIGKILL if it lingers."""
        workers = self.workers()
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
            for pid in workers:  # orphaned workers of the killed master, still nginx
                with contextlib.suppress(OSError):
                    if b"nginx" in Path(f"/proc/{pid}/cmdline").read_bytes():
                        os.kill(pid, signal.SIGKILL)

    def access_log(self) -> list[str]:
        path = self.prefix / "access.log"
        return path.read_text().splitlines() if path.exists() else []
