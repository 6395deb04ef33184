"""A tiny HTTP backend for the live NGINX tests, run as its own process.

``python tests/nginx_backend.py NAME`` binds 127.0.0.1 on a free port (or ``--port``), prints
``PORT`` on stdout once it listens, and answers every GET/POST/HEAD with 200 and its NAME
as the body (HTTP/1.1 with keepalive, so nginx's upstream keepalive is exercised). A
``delay=SECONDS`` query parameter makes it answer that much later (a slow but healthy
request; requests are served in threads, so others are not held up). The
tests kill, stop and restart these processes by PID; ``start_backend`` and ``Backend``
wrap that with bounded waits.

Each response leaves in one write. A backend killed between the write of its headers and
that of its body would truncate a response nginx has already started to forward, which no
proxy can retry (nginx retries only before it sends anything to the client); the tests
prove that a replica dying between requests, or hanging, costs the client nothing.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

HERE = Path(__file__).resolve()


def serve(name: str, port: int) -> None:
    body = name.encode()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def _answer(self, with_body: bool = True) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            delay = parse_qs(urlsplit(self.path).query).get("delay", ["0"])[0]
            time.sleep(min(float(delay), 60.0))
            head = (
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                f"Content-Length: {len(body)}\r\nX-Backend: {name}\r\n\r\n"
            ).encode()
            # One write per response: a kill lands between responses, never inside one.
            self.wfile.write(head + body if with_body else head)

        def do_GET(self) -> None:
            self._answer()

        def do_POST(self) -> None:
            self._answer()

        def do_HEAD(self) -> None:
            self._answer(with_body=False)

        def log_message(self, format: str, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        allow_reuse_address = True
        request_queue_size = 128

    server = Server(("127.0.0.1", port), Handler)
    sys.stdout.write(f"{server.server_address[1]}\n")
    sys.stdout.flush()
    server.serve_forever()


@dataclass
class Backend:
    """A running backend process: its name, port and process."""

    name: str
    port: int
    process: subprocess.Popen[str]

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)

    def cont(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)


def start_backend(name: str, port: int = 0, timeout: float = 10) -> Backend:
    """Start a backend and wait (bounded) until it listens; returns it."""
    process = subprocess.Popen(
        [sys.executable, str(HERE), name, "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    deadline = time.monotonic() + timeout
    try:
        assert process.stdout is not None
        os.set_blocking(process.stdout.fileno(), False)
        line = ""
        while not line.endswith("\n"):
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"backend {name} did not start")
            line += process.stdout.readline() or ""
            time.sleep(0.01)
        return Backend(name, int(line), process)
    except BaseException:
        process.kill()
        process.wait(timeout=10)
        raise


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("name")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    serve(args.name, args.port)


if __name__ == "__main__":
    main()
