"""Health probes as POSIX sh commands: each exits 0 when the local service answers.

Kinds build theirs from these; a ``Readiness`` (``Kind.readiness``) is what a first boot
waits for. Socket probes run ``python3`` (present wherever cloud-init runs, Amazon Linux
2023 included); HTTP probes run ``curl``. Every probe gives up after ``TIMEOUT`` seconds.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

TIMEOUT = 5


def _python(address: str, port: int, body: str) -> str:
    code = (
        "import socket, sys; "
        f"s = socket.create_connection(({address!r}, {int(port)}), {TIMEOUT}); {body}"
    )
    return f"python3 -c {shlex.quote(code)}"


def tcp(address: str, port: int) -> str:
    """Exits 0 when ``address:port`` accepts a TCP connection."""
    return _python(address, port, "s.close()")


def exchange(address: str, port: int, send: bytes, expect: bytes, *, until_close: bool) -> str:
    """Sends ``send`` and exits 0 when the answer holds ``expect``; ``until_close``: read the
    answer until the server closes the connection (else one read)."""
    read = 's.makefile("rb").read()' if until_close else "s.recv(4096)"
    return _python(address, port, f"s.sendall({send!r}); sys.exit({expect!r} not in {read})")


def http(address: str, port: int, path: str, *, https: bool = False) -> str:
    """Exits 0 when ``GET path`` answers 2xx or 3xx (``https``: any certificate)."""
    scheme, insecure = ("https", " -k") if https else ("http", "")
    url = f"{scheme}://{address}:{int(port)}/{path.lstrip('/')}"
    return f"curl -fsS{insecure} -o /dev/null --max-time {TIMEOUT} {shlex.quote(url)}"


def zookeeper_serving(address: str, port: int) -> str:
    """Exits 0 when the ZooKeeper server at ``address:port`` serves: it answers ``srvr`` with
    its ``Mode:`` (leader, follower or standalone) only while it is part of a quorum."""
    return exchange(address, port, b"srvr", b"Mode: ", until_close=True)


@dataclass(frozen=True, slots=True)
class Readiness:
    """What a first boot waits for before it reports success: ``check`` (POSIX sh) exits 0
    once the service answers; ``what`` says so in words."""

    what: str
    check: str
