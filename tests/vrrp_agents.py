"""The two programs the keepalived failover test runs inside its network namespaces.

``python tests/vrrp_agents.py serve PORT...`` is the stub backend: it listens on every
address of its namespace (the namespace holds the planned addresses of the application
replicas) and answers every GET with 200 and, as the body, the address the request came
from: the load balancer that proxied it.

``python tests/vrrp_agents.py probe URL OUT --every 0.1 --timeout 0.5 --duration 60`` is
the client: one HTTPS request every ``every`` seconds, each on a new connection and in a
thread of its own (a request hanging on an address that is moving does not delay the next
ones), until ``duration`` has passed or it is terminated. Each result is appended to OUT
as one JSON line, in the order they end: ``t`` and ``end`` (time.monotonic when the
request left and when it ended: one clock for every process of the machine), ``ok`` and
``by`` (the body: which load balancer answered) or ``error``.
"""

from __future__ import annotations

import argparse
import json
import ssl
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import IO


def serve(ports: list[int]) -> None:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            body = self.client_address[0].encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        allow_reuse_address = True

    servers = [Server(("0.0.0.0", port), Handler) for port in ports]
    for server in servers[1:]:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    servers[0].serve_forever()


def probe(url: str, out: str, every: float, timeout: float, duration: float) -> None:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the test's self-signed certificate
    lock = threading.Lock()

    def request(log: IO[str]) -> None:
        record: dict[str, object] = {"t": time.monotonic()}
        try:
            with urllib.request.urlopen(url, timeout=timeout, context=context) as answer:
                record.update(ok=answer.status == 200, by=answer.read().decode())
        except Exception as error:
            record.update(ok=False, error=type(error).__name__)
        record["end"] = time.monotonic()
        with lock:
            log.write(json.dumps(record) + "\n")

    start = time.monotonic()
    with open(out, "a", buffering=1) as log:
        for slot in range(int(duration / every)):
            # One thread per slot: a request hanging on a moving address does not hold
            # back the next ones; at most timeout / every run at once.
            threading.Thread(target=request, args=(log,), daemon=True).start()
            time.sleep(max(0.0, start + (slot + 1) * every - time.monotonic()))
        time.sleep(timeout)  # let the last requests end


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve")
    serve_parser.add_argument("ports", type=int, nargs="+")
    probe_parser = commands.add_parser("probe")
    probe_parser.add_argument("url")
    probe_parser.add_argument("out")
    probe_parser.add_argument("--every", type=float, default=0.1)
    probe_parser.add_argument("--timeout", type=float, default=0.5)
    probe_parser.add_argument("--duration", type=float, default=60)
    args = parser.parse_args()
    if args.command == "serve":
        serve(args.ports)
    else:
        probe(args.url, args.out, args.every, args.timeout, args.duration)


if __name__ == "__main__":
    main()
