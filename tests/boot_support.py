"""Run an instance's rendered boot script for real, in a private mount namespace, as root.

What the script would change on an instance is kept in the namespace: folders it writes
(``/opt``, ``/etc/systemd/system``, the service's own) are bind-mounted over from a staging
folder holding the instance's rendered files (cloud-init's ``write_files``) and a copy of
what the host had there. Commands that only exist on Amazon Linux, or that would reach
outside the machine, are test doubles on ``PATH``, each a few lines:

* ``cfn-signal`` records its arguments (one JSON list a line): what CloudFormation receives;
* ``dnf`` records and succeeds (the software comes from Debian's packages, installed);
* ``systemctl`` starts a unit's ``ExecStart`` as its ``User`` with its ``Environment``
  (``nginx``: the distribution's ``nginx``), in the background, and answers ``is-active``;
* ``curl`` passes everything to the real curl except release downloads from the Apache
  archive, for which it writes the given bytes: a corrupted mirror;
* ``useradd`` records and succeeds (the Debian packages created the accounts).

The release archives are stood in for by small launchers of Debian's ZooKeeper and ActiveMQ
(``java`` with their jars), placed where the archive would be unpacked. Every process is
stopped by its PID (process group) when the context ends, even on failure.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

#: What the stack's Fn::Sub fills in for the boot scripts under test.
STACK, REGION = "life-test", "us-east-1"

_CFN_SIGNAL = """#!{python}
import json, os, sys
with open(os.environ["TIERED_TEST_SIGNALS"], "a") as out:
    out.write(json.dumps(sys.argv[1:]) + "\\n")
"""
_RECORD = """#!/bin/sh
echo "$(basename "$0") $*" >> "$TIERED_TEST_STATE/commands"
"""
_CURL = """#!/bin/sh
# a corrupted mirror: release archives come back with the wrong bytes
for arg in "$@"; do
  case "$arg" in
    https://archive.apache.org/*) archive=yes ;;
  esac
done
if [ "${archive:-}" = yes ]; then
  while [ $# -gt 0 ]; do
    if [ "$1" = -o ]; then printf 'not the release archive\\n' > "$2"; fi
    shift
  done
  exit 0
fi
exec /usr/bin/curl "$@"
"""
_SYSTEMCTL = """#!{python}
import os, shlex, subprocess, sys
state = os.environ["TIERED_TEST_STATE"]
args = [a for a in sys.argv[1:] if not a.startswith("--")]
with open(os.path.join(state, "commands"), "a") as out:
    out.write("systemctl " + " ".join(sys.argv[1:]) + "\\n")
if args[0] == "daemon-reload":
    sys.exit(0)
name = args[-1]
pid_file = os.path.join(state, name + ".pid")
if args[0] == "is-active":
    try:
        os.kill(int(open(pid_file).read()), 0)
    except (OSError, ValueError):
        sys.exit(3)
    sys.exit(0)
assert args[0] == "enable", sys.argv
unit = "/etc/systemd/system/%s.service" % name
env, user, folder, command = dict(os.environ), None, "/", None
if os.path.exists(unit):
    for line in open(unit):
        key, _, value = line.strip().partition("=")
        if key == "Environment":
            for pair in shlex.split(value):
                k, _, v = pair.partition("=")
                env[k] = v
        elif key == "User":
            user = value
        elif key == "WorkingDirectory":
            folder = value
        elif key == "ExecStart":
            command = shlex.split(value)
elif name == "nginx":
    command = ["nginx", "-g", "daemon off;"]
assert command, "no unit " + name
if user:
    command = ["setpriv", "--reuid", user, "--regid", user, "--init-groups", *command]
log = open(os.path.join(state, name + ".log"), "ab")
process = subprocess.Popen(command, env=env, cwd=folder, stdout=log, stderr=log,
                           start_new_session=True)
open(pid_file, "w").write(str(process.pid))
"""
_ZKSERVER = """#!/bin/sh
# stand-in for the release's bin/zkServer.sh start-foreground CONFIG: Debian's ZooKeeper
exec java -Xmx"$ZK_SERVER_HEAP"m -Dzookeeper.log.dir="$ZOO_LOG_DIR" \\
  -cp /usr/share/java/zookeeper.jar org.apache.zookeeper.server.quorum.QuorumPeerMain "$2"
"""
_ACTIVEMQ = """#!/bin/sh
# stand-in for the release's bin/activemq console CONFIG: Debian's ActiveMQ
exec java $ACTIVEMQ_OPTS -Dactivemq.home=/usr/share/activemq \\
  -Dactivemq.base="$ACTIVEMQ_DATA" -Dactivemq.conf="$ACTIVEMQ_DATA" \\
  -Dactivemq.data="$ACTIVEMQ_DATA" -jar /usr/share/activemq/bin/activemq.jar start "$2"
"""
#: Launchers standing in for each release archive, by where the archive would be unpacked.
STAND_INS = {
    "zookeeper": ("/opt/zookeeper/bin/zkServer.sh", _ZKSERVER),
    "activemq": ("/opt/activemq/bin/activemq", _ACTIVEMQ),
}


def fakes(folder: Path) -> Path:
    """The folder of test doubles, put first on the boot's PATH."""
    folder.mkdir(parents=True, exist_ok=True)
    python = sys.executable
    for name, text in {
        "cfn-signal": _CFN_SIGNAL.format(python=python),
        "dnf": _RECORD,
        "useradd": _RECORD,
        "curl": _CURL,
        "systemctl": _SYSTEMCTL.format(python=python),
    }.items():
        path = folder / name
        path.write_text(text)
        path.chmod(0o755)
    return folder


class Boot:
    """One instance's boot, running in its own mount namespace."""

    def __init__(self, name: str, folder: Path) -> None:
        self.name, self.folder = name, folder
        self.state = folder / "state"
        self.signals = folder / "signals"
        self.log = folder / "boot.log"
        self.process: subprocess.Popen[bytes] | None = None

    def sent(self) -> list[list[str]]:
        """The cfn-signal calls so far."""
        if not self.signals.exists():
            return []
        return [json.loads(line) for line in self.signals.read_text().splitlines()]

    def daemon_pid(self, unit: str) -> int | None:
        path = self.state / f"{unit}.pid"
        return int(path.read_text()) if path.exists() else None

    def stop(self) -> None:
        pids = [int(p.read_text()) for p in self.state.glob("*.pid")]
        if self.process is not None:
            pids.append(self.process.pid)
        for pid in pids:
            with suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
        if self.process is not None:
            self.process.wait(timeout=30)


def start_boot(
    name: str,
    folder: Path,
    script: str,
    files: dict[str, str],
    mounts: list[str],
    bin_folder: Path,
    *,
    copy: tuple[str, ...] = (),
    shared: dict[str, Path] | None = None,
    stand_in: str | None = None,
) -> Boot:
    """Stage ``files`` under ``mounts`` (folders bound over in the namespace: empty, or a copy
    of the host's for those in ``copy``), then run ``script`` as cloud-init would."""
    boot = Boot(name, folder)
    boot.state.mkdir(parents=True)
    root = folder / "root"
    for mount in mounts:
        target = root / mount.lstrip("/")
        if mount in copy:
            shutil.copytree(mount, target, symlinks=True)
        else:
            target.mkdir(parents=True)
    if stand_in is not None:
        path, text = STAND_INS[stand_in]
        files = {**files, path: text}
    for path, content in files.items():
        target = root / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content)
        target.chmod(0o755 if "/bin/" in path or path.endswith("sbin/tiered-boot") else 0o644)
    (folder / "tiered-boot").write_text(script)
    binds = [f"mount --bind {root / m.lstrip('/')} {m}" for m in mounts]
    for point, source in (shared or {}).items():
        binds.append(f"mkdir -p {point} && mount --bind {source} {point}")
    command = " && ".join([*binds, f"exec sh {folder / 'tiered-boot'}"])
    env = {
        **os.environ,
        "PATH": f"{bin_folder}:{os.environ['PATH']}",
        "TIERED_BOOT_LOG": str(boot.log),
        "TIERED_TEST_SIGNALS": str(boot.signals),
        "TIERED_TEST_STATE": str(boot.state),
    }
    with boot.log.open("wb") as log:
        boot.process = subprocess.Popen(
            ["unshare", "--mount", "--propagation", "private", "sh", "-c", command],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return boot


@contextmanager
def boots() -> Iterator[list[Boot]]:
    """The boots a test starts; every process stopped at the end, even on failure."""
    started: list[Boot] = []
    try:
        yield started
    finally:
        for boot in started:
            boot.stop()
