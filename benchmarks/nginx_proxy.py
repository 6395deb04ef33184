"""Requests per second through the rendered ``--local`` NGINX config vs the backends directly.

    .venv/bin/python benchmarks/nginx_proxy.py [--seconds 10] [--connections 32]

The reference example's entry config (examples/reference-three-zones.yaml) is rendered with
``--local``, its three ``integrate`` upstreams mapped to three loopback backends, and run by
the real nginx. Load comes from ``wrk`` when installed (``apt-get install wrk``), from a
Python keepalive client otherwise (much slower: it then measures itself more than nginx).

Backends: small nginx processes answering ``200`` from memory (``--backend nginx``, the
default, so the proxy's own cost shows), or tests/nginx_backend.py (``--backend python``).
Measured: one backend directly over HTTP; the proxy over HTTPS (TLS terminated, keepalive
from the client, as the rendered config runs); the proxy over plain HTTP (the same
topology with ``listen: [80]``), which isolates the proxying from TLS.
"""

from __future__ import annotations

import argparse
import http.client
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from tests.nginx_backend import Backend, start_backend  # noqa: E402
from tests.nginx_support import NGINX, NginxProcess, free_port, make_certificate  # noqa: E402
from tiered.exporters.base import ExportOptions  # noqa: E402
from tiered.loading.loader import load_bytes  # noqa: E402
from tiered.pipeline import Result, check_loaded  # noqa: E402
from tiered.renderers.nginx import NginxRenderer  # noqa: E402

EXAMPLE = ROOT / "examples" / "reference-three-zones.yaml"
BACKEND_CONF = """daemon off;
pid nginx.pid;
error_log error.log warn;
worker_processes 1;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path client_body_temp;
    proxy_temp_path proxy_temp;
    fastcgi_temp_path fastcgi_temp;
    uwsgi_temp_path uwsgi_temp;
    scgi_temp_path scgi_temp;
    server {{
        listen 127.0.0.1:{port};
        location / {{ return 200 "{name}\\n"; }}
    }}
}}
"""


class NginxBackend:
    """A tiny nginx answering from memory, as a stand-in for a fast application server."""

    def __init__(self, folder: Path, name: str) -> None:
        self.port = free_port()
        folder.mkdir(parents=True)
        (folder / "nginx.conf").write_text(BACKEND_CONF.format(port=self.port, name=name))
        self.process = subprocess.Popen(
            [NGINX, "-p", str(folder), "-c", "nginx.conf", "-e", str(folder / "error.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                conn.request("GET", "/")
                conn.getresponse().read()
                conn.close()
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.kill()
                    raise RuntimeError(f"backend nginx {name} did not start") from None
                time.sleep(0.05)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def wrk(url: str, seconds: int, connections: int) -> float:
    result = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", url],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    )
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)", result.stdout)
    if errors:
        print(f"  wrk reported: {errors.group(0)}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
    latency = re.search(r"Latency\s+(\S+)", result.stdout)
    assert match and latency, result.stdout
    print(f"  {url}: mean latency {latency.group(1)}")
    return float(match.group(1))


def python_load(url: str, seconds: int, connections: int) -> float:
    scheme, rest = url.split("://")
    host, _, path = rest.partition("/")
    address, port = host.split(":")
    count = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def run() -> None:
        if scheme == "https":
            context = ssl.create_default_context()
            context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                address, int(port), timeout=10, context=context
            )
        else:
            conn = http.client.HTTPConnection(address, int(port), timeout=10)
        done = 0
        while time.monotonic() < stop:
            conn.request("GET", "/" + path)
            answer = conn.getresponse()
            answer.read()
            assert answer.status == 200, answer.status
            done += 1
        with lock:
            count[0] += done

    threads = [threading.Thread(target=run) for _ in range(min(connections, 8))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 30)
    return count[0] / seconds


def proxy_config(listen: list[int], ports: dict[int, int], upstreams: dict[str, int]) -> str:
    data = yaml.safe_load(EXAMPLE.read_text())
    data["tiers"]["web"]["services"]["nginx"]["listen"] = listen
    result = check_loaded(load_bytes(yaml.safe_dump(data, sort_keys=False).encode(), EXAMPLE.name))
    assert result.plan is not None, [str(p) for p in result.problems]
    extra = {"ports": ports, "upstreams": upstreams}
    files = NginxRenderer().export(
        Result.of_plan(result.plan), ExportOptions(local=True, extra=extra)
    )
    return str(files["nginx/nginx-1/nginx.conf"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--backend", choices=["nginx", "python"], default="nginx")
    args = parser.parse_args()
    load = wrk if shutil.which("wrk") else python_load
    print(
        f"load: {load.__name__}, {args.connections} connections, {args.seconds}s each; "
        f"backends: {args.backend}"
    )
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        backends: list[NginxBackend | Backend] = []
        proxies: list[NginxProcess] = []
        try:
            for index in (1, 2, 3):
                name = f"integrate-{index}"
                if args.backend == "nginx":
                    backends.append(NginxBackend(folder / name, name))
                else:
                    backends.append(start_backend(name))
            upstreams = {f"integrate-{i}": b.port for i, b in enumerate(backends, start=1)}
            results = {}
            results["backend directly (http)"] = load(
                f"http://127.0.0.1:{backends[0].port}/", args.seconds, args.connections
            )
            for label, listen in (("proxy (https)", [80, 443]), ("proxy (http)", [80])):
                prefix = folder / label.replace(" ", "-").replace("(", "").replace(")", "")
                prefix.mkdir()
                http_port, https_port = free_port(), free_port()
                text = proxy_config(listen, {80: http_port, 443: https_port}, upstreams)
                (prefix / "nginx.conf").write_text(text)
                make_certificate(prefix / "tls", "server.crt", "server.key")
                proxy = NginxProcess(prefix, http_port)
                proxies.append(proxy)
                url = (
                    f"https://127.0.0.1:{https_port}/"
                    if 443 in listen
                    else f"http://127.0.0.1:{http_port}/"
                )
                results[label] = load(url, args.seconds, args.connections)
                proxy.stop()
        finally:
            for proxy in proxies:
                proxy.stop()
            for backend in backends:
                backend.kill()
    direct = results["backend directly (http)"]
    for label, rate in results.items():
        print(f"{label:28} {rate:10,.0f} req/s  ({rate / direct:.0%} of direct)")


if __name__ == "__main__":
    main()
