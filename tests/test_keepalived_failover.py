"""The on-premises entry pair fails over as rendered: real keepalived, real nginx, namespaces.

The lab is built from the plan of ``examples/onprem-generic.yaml``:

* the entry segment (``dmz-lb-segment``) is a bridge in a router namespace, holding the
  segment's gateway address; lb-1 and lb-2 are namespaces on it (``eth0`` with their
  planned addresses, default route through the gateway);
* the application subnets the routes lead to (app-rack-a, -b, -c) are a second link of
  the router to a backend namespace holding the planned addresses of billing and reports,
  where a stub backend answers with the address of the load balancer that proxied;
* the client is a namespace on a third link of the router, outside the network.

Each load balancer runs the rendered ``keepalived.conf`` byte for byte (only its pid
files are given on the command line, so that two keepalived can run on one machine) and
the rendered ``nginx.conf`` with only its file paths moved into the test's folder (pid,
logs, certificate and key) and ``daemon off`` given on the command line.

Three scenarios on the master: keepalived stopped (SIGTERM), keepalived killed (SIGKILL),
nginx killed (SIGKILL). In each, the client sends a request to the virtual IP every
100 ms; the virtual IP must move to lb-2 and lb-2 must answer within the takeover time the
configuration states (plus the probe's own granularity), and after the master is restored
it must take the virtual IP back by priority. Failed requests and times are printed and
recorded as test properties.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.conftest import ROOT
from tests.netns_lab import Lab, unavailable, wait_for
from tests.nginx_support import NGINX, make_certificate
from tiered.analysis.vrrp_timing import Takeover
from tiered.exporters.base import ExportOptions
from tiered.model import Vrrp
from tiered.pipeline import Result, plan_file
from tiered.placement.plan import Instance, Plan
from tiered.renderers.keepalived import KeepalivedRenderer
from tiered.renderers.nginx import NginxRenderer

pytestmark = pytest.mark.slow

EXAMPLE = ROOT / "examples" / "onprem-generic.yaml"
AGENTS = str(ROOT / "tests" / "vrrp_agents.py")
KEEPALIVED = shutil.which("keepalived") or "/usr/sbin/keepalived"
#: The client's link to the router: a documentation range, outside the topology's network.
CLIENT_NET = ("198.51.100.1", "198.51.100.2", 24)
#: What a measurement may add to a stated takeover time: the probe's 100 ms slots, the
#: request's own time, and keepalived's checks and adverts running late on a busy machine
#: (the stated times are keepalived's own timers).
PROBE_SLACK = 1.0
#: Answers in a row from one load balancer that count as "it serves now".
STEADY = 5

SKIP = unavailable()


@dataclass
class Measure:
    scenario: str
    stated: float
    takeover: float
    failed: int
    give_back: float
    failed_give_back: int

    def line(self) -> str:
        return (
            f"{self.scenario}: lb-2 answered {self.takeover:.2f} s after the fault (stated "
            f"worst case {self.stated:.1f} s), {self.failed} failed requests; lb-1 took the "
            f"VIP back {self.give_back:.2f} s after its restore, {self.failed_give_back} failed"
        )


class Pair:
    """The lab of the onprem example with its processes, and ways to break and mend lb-1."""

    def __init__(self, lab: Lab, plan: Plan, folder: Path) -> None:
        self.lab, self.plan, self.folder = lab, plan, folder
        segment = plan.entry_segment
        assert segment is not None and plan.entry is not None and plan.entry.vip is not None
        self.segment = segment
        self.vip = plan.entry.vip
        self.lbs: list[Instance] = plan.instances_of("lb")
        self.ns = {lb.name: lab.namespace(lb.name) for lb in self.lbs}
        self.router = lab.namespace("router")
        self.app = lab.namespace("app")
        self.client = lab.namespace("client")
        self.keepalived: dict[str, subprocess.Popen[bytes]] = {}
        self.nginx: dict[str, subprocess.Popen[bytes]] = {}
        result = Result.of_plan(plan)
        self.keepalived_conf = KeepalivedRenderer().export(result, ExportOptions())
        self.nginx_conf = NginxRenderer().export(result, ExportOptions())
        self._wire()

    # -- the network, as the plan describes it -------------------------------------------

    def _wire(self) -> None:
        lab, rt, prefix = self.lab, self.router, self.segment.cidr.prefixlen
        gateway = str(self.segment.cidr.network_address + 1)
        lab.ip("link", "add", "seg", "type", "bridge", ns=rt)
        lab.ip("addr", "add", f"{gateway}/{prefix}", "dev", "seg", ns=rt)
        lab.ip("link", "set", "seg", "up", ns=rt)
        for index, lb in enumerate(self.lbs, start=1):
            ns = self.ns[lb.name]
            lab.veth(rt, f"seg{index}", ns, "eth0")
            lab.ip("link", "set", f"seg{index}", "master", "seg", ns=rt)
            lab.ip("addr", "add", f"{lb.ip}/{prefix}", "dev", "eth0", ns=ns)
            lab.ip("route", "add", "default", "via", gateway, ns=ns)
        lab.veth(rt, "app", self.app, "eth0")
        backends = [
            i for route in self.plan.services["lb"].routes for i in self.plan.instances_of(route.to)
        ]
        subnets = {s.name: s for s in self.plan.subnets}
        gateways: list[str] = []
        for backend in backends:
            cidr = subnets[backend.subnet].cidr
            lab.ip("addr", "add", f"{backend.ip}/{cidr.prefixlen}", "dev", "eth0", ns=self.app)
            gateway_of = f"{cidr.network_address + 1}/{cidr.prefixlen}"
            if gateway_of not in gateways:
                gateways.append(gateway_of)
                lab.ip("addr", "add", gateway_of, "dev", "app", ns=rt)
        lab.ip("route", "add", "default", "via", gateways[0].split("/")[0], ns=self.app)
        router_ip, client_ip, client_prefix = CLIENT_NET
        lab.veth(rt, "client", self.client, "eth0")
        lab.ip("addr", "add", f"{router_ip}/{client_prefix}", "dev", "client", ns=rt)
        lab.ip("addr", "add", f"{client_ip}/{client_prefix}", "dev", "eth0", ns=self.client)
        lab.ip("route", "add", "default", "via", router_ip, ns=self.client)
        done = lab.run(rt, "sysctl", "-qw", "net.ipv4.ip_forward=1")
        assert done.returncode == 0, done.stderr

    # -- processes -----------------------------------------------------------------------

    def start_backend(self) -> None:
        ports = sorted(
            {str(self.plan.services[r.to].port) for r in self.plan.services["lb"].routes}
        )
        log = self.folder / "backend.log"
        self.lab.start(self.app, [sys.executable, AGENTS, "serve", *ports], log)
        wait_for("the stub backend", lambda: "ready" in log.read_text(), 15)

    def start_nginx(self, lb: str) -> None:
        prefix = self.folder / lb
        if not (prefix / "nginx.conf").exists():
            prefix.mkdir()
            text = str(self.nginx_conf[f"nginx/{lb}/nginx.conf"])
            (prefix / "nginx.conf").write_text(sandboxed_nginx(text, prefix))
            make_certificate(prefix, "tls.crt", "tls.key")
        argv = [NGINX, "-p", str(prefix), "-c", "nginx.conf", "-e", str(prefix / "error.log")]
        self.nginx[lb] = self.lab.start(
            self.ns[lb], [*argv, "-g", "daemon off;"], prefix / "out.log"
        )
        wait_for(f"nginx on {lb}", lambda: self._healthy(lb), 15, 0.1)

    def _healthy(self, lb: str) -> bool:
        url = "http://127.0.0.1:80/healthz"
        return (
            self.lab.run(
                self.ns[lb], "curl", "-fsS", "-o", "/dev/null", "--max-time", "1", url
            ).returncode
            == 0
        )

    def start_keepalived(self, lb: str) -> None:
        folder = self.folder / lb
        conf = folder / "keepalived.conf"
        rendered = str(self.keepalived_conf[f"keepalived/{lb}/keepalived.conf"])
        conf.write_text(rendered)  # byte for byte as rendered
        argv = [
            KEEPALIVED,
            "--dont-fork",
            "--log-console",
            "--log-detail",
            "--vrrp",
            "--use-file",
            str(conf),
            "--pid",
            str(folder / "keepalived.pid"),
            "--vrrp_pid",
            str(folder / "vrrp.pid"),
        ]
        self.keepalived[lb] = self.lab.start(self.ns[lb], argv, folder / "keepalived.log")

    def holders(self) -> set[str]:
        """The load balancers whose eth0 holds the virtual IP."""
        return {
            lb
            for lb, ns in self.ns.items()
            if f" {self.vip}/" in self.lab.ip("-o", "addr", "show", "dev", "eth0", ns=ns)
        }

    def stop(self, what: str, lb: str, sig: signal.Signals) -> None:
        table = self.keepalived if what == "keepalived" else self.nginx
        self.lab.stop(table.pop(lb), sig)


def sandboxed_nginx(text: str, prefix: Path) -> str:
    """The rendered nginx.conf with its machine paths moved into ``prefix``; nothing else."""
    moves = {
        "pid /run/nginx.pid;": f"pid {prefix}/nginx.pid;",
        "error_log /var/log/nginx/error.log warn;": f"error_log {prefix}/error.log warn;",
        "access_log /var/log/nginx/access.log upstream;": (
            f"access_log {prefix}/access.log upstream;"
        ),
        "ssl_certificate /etc/nginx/tls/billing.crt;": f"ssl_certificate {prefix}/tls.crt;",
        "ssl_certificate_key /etc/nginx/tls/billing.key;": (
            f"ssl_certificate_key {prefix}/tls.key;"
        ),
    }
    for old, new in moves.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


class Answer(NamedTuple):
    """One probe request: when it left and ended (time.monotonic), and who answered."""

    t: float
    end: float
    ok: bool
    by: str


def records(path: Path) -> list[Answer]:
    """The probe's answers so far, by sending time (a line being written waits)."""
    if not path.exists():
        return []
    answers = []
    for line in path.read_text().splitlines():
        if line.endswith("}"):
            raw = json.loads(line)
            answers.append(Answer(raw["t"], raw["end"], raw["ok"], raw.get("by", "")))
    return sorted(answers)  # in the order they were sent


def steady(answers: list[Answer], by: str, since: float) -> Answer | None:
    """The first of ``STEADY`` answers in a row from ``by`` sent after ``since``, if any."""
    run: list[Answer] = []
    for answer in answers:
        if answer.t < since:
            continue
        if answer.ok and answer.by == by:
            run.append(answer)
            if len(run) == STEADY:
                return run[0]
        else:
            run = []
    return None


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[Pair]:
    if SKIP:
        pytest.skip(SKIP)
    lab = Lab(f"tv{os.getpid() % 100000}", tmp_path)
    try:
        built = Pair(lab, plan_file(str(EXAMPLE)), tmp_path)
        built.start_backend()
        for lb in built.ns:
            built.start_nginx(lb)
        for lb in built.ns:
            built.start_keepalived(lb)
        yield built
    finally:
        lab.close()


def run_scenario(
    pair: Pair,
    name: str,
    stated: float,
    fault: Callable[[], None],
    restore: Callable[[], None],
    give_back_bound: float,
) -> Measure:
    master, backup = (str(lb.ip) for lb in pair.lbs)
    log = pair.folder / f"probe-{name}.jsonl"
    url = f"https://{pair.vip}/"
    probe = pair.lab.start(
        pair.client,
        [sys.executable, AGENTS, "probe", url, str(log), "--duration", "90"],
        log.with_suffix(".out"),
    )
    wait_for(f"{name}: lb-1 serving", lambda: steady(records(log), master, 0) is not None, 30)
    assert pair.holders() == {"lb-1"}

    fault_at = time.monotonic()
    fault()
    wait_for(
        f"{name}: lb-2 serving",
        lambda: steady(records(log), backup, fault_at) is not None,
        stated + 10,
    )
    answers = records(log)
    first = steady(answers, backup, fault_at)
    assert first is not None
    took = first.end - fault_at
    failed = sum(1 for a in answers if fault_at <= a.t < first.t and not a.ok)
    assert "lb-2" in pair.holders()

    restore_at = time.monotonic()
    restore()
    wait_for(
        f"{name}: lb-1 serving again",
        lambda: steady(records(log), master, restore_at) is not None,
        give_back_bound,
    )
    answers = records(log)
    back = steady(answers, master, restore_at)
    assert back is not None
    gave = back.end - restore_at
    wait_for(f"{name}: lb-2 releases the VIP", lambda: pair.holders() == {"lb-1"}, 10)
    pair.lab.stop(probe, signal.SIGTERM)
    failed_back = sum(1 for a in records(log) if a.t >= restore_at and not a.ok)
    measure = Measure(name, stated, took, failed, gave, failed_back)
    print(measure.line())
    return measure


def test_entry_pair_fails_over_as_rendered(
    pair: Pair, record_property: Callable[[str, object], None]
) -> None:
    assert pair.plan.entry is not None
    timing = Takeover(pair.plan.entry.vrrp or Vrrp())
    wait_for(
        "lb-1 elected master",
        lambda: pair.holders() == {"lb-1"},
        timing.worst + timing.give_back + 15,
    )
    bound = timing.give_back + timing.crashed + 15
    scenarios = [
        (
            "keepalived stopped",
            timing.stopped,
            lambda: pair.stop("keepalived", "lb-1", signal.SIGTERM),
            lambda: pair.start_keepalived("lb-1"),
        ),
        (
            "keepalived killed",
            timing.crashed,
            lambda: pair.stop("keepalived", "lb-1", signal.SIGKILL),
            lambda: pair.start_keepalived("lb-1"),
        ),
        (
            "nginx killed",
            timing.nginx_dead,
            lambda: pair.stop("nginx", "lb-1", signal.SIGKILL),
            lambda: pair.start_nginx("lb-1"),
        ),
    ]
    measures = [
        run_scenario(pair, name, stated, fault, restore, bound)
        for name, stated, fault, restore in scenarios
    ]
    for m in measures:
        record_property(m.scenario, m.line())
    for m in measures:
        assert m.takeover <= m.stated + PROBE_SLACK, m.line()
        assert m.give_back <= timing.give_back + PROBE_SLACK, m.line()
        # the move back costs at most a request in flight on lb-2 (measured: 0 or 1)
        assert m.failed_give_back <= 2, m.line()
