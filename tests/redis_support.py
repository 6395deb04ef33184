"""A minimal Redis client for the live tests (RESP over a socket; no client library)."""

from __future__ import annotations

import socket

Reply = str | int | list["Reply"] | None


class RedisError(Exception):
    """An error reply (``-ERR …``)."""


def _encode(args: tuple[str, ...]) -> bytes:
    parts = [f"*{len(args)}\r\n".encode()]
    for arg in args:
        data = arg.encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(parts)


def _read(stream: socket.SocketIO) -> Reply:
    line = b""
    while not line.endswith(b"\r\n"):
        chunk = stream.read(1)
        if not chunk:
            raise ConnectionError("connection closed mid-reply")
        line += chunk
    kind, body = line[:1], line[1:-2].decode()
    if kind == b"+":
        return body
    if kind == b"-":
        raise RedisError(body)
    if kind == b":":
        return int(body)
    if kind == b"$":
        if int(body) < 0:
            return None
        data = b""
        while len(data) < int(body) + 2:
            chunk = stream.read(int(body) + 2 - len(data))
            if not chunk:
                raise ConnectionError("connection closed mid-reply")
            data += chunk
        return data[:-2].decode()
    if kind == b"*":
        return None if int(body) < 0 else [_read(stream) for _ in range(int(body))]
    raise ConnectionError(f"unexpected reply {line!r}")


def command(host: str, port: int, *args: str, timeout: float = 3.0) -> Reply:
    """Send one command, return its reply; raises OSError when nothing answers."""
    with socket.create_connection((host, port), timeout=timeout) as conn:
        conn.sendall(_encode(args))
        return _read(socket.SocketIO(conn, "rb"))


def answers(host: str, port: int, *args: str) -> Reply | None:
    """The reply, or None when the server does not answer or answers an error."""
    try:
        return command(host, port, *args)
    except (OSError, ConnectionError, RedisError):
        return None
