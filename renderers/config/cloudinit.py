"""An instance's boot as a ``#cloud-config`` document (the user data of its EC2 instance).

``write_files`` carries every file of the instance and its boot script (deferred: written
late, so that no package the script installs overwrites them), ``mounts`` the fstab lines of
its file systems, and ``runcmd`` runs the boot script once.

The boot script is the one frame around the steps of ``renderers.config.services``:

* in a CloudFormation stack (``signal``) it first installs the signalling tool
  (``cfn-signal``, package aws-cfn-bootstrap, not on the Amazon Linux 2023 image), retried,
  before anything that can fail; then a trap reports every failure to the stack's
  ``CreationPolicy`` with its reason: the step that failed and its last line of output;
* it installs the packages (dnf, retried), runs each step, each announced by name (its
  first comment line) so that a failure names it;
* it reports success only once the service's health probe passes, polled with a bound.

File contents are YAML literal blocks; every other value is a double-quoted JSON string,
which YAML reads as the same string. The script writes no ``${...}``: in the stack's user
data, that is CloudFormation's substitution syntax.
"""

from __future__ import annotations

import base64
import gzip
import json
import re

from tiered.renderers.config.endpoints import mount_point
from tiered.renderers.config.model import BOOT_SCRIPT, File, InstanceBoot
from tiered.renderers.config.services import EFS_OPTIONS

#: Where the boot script's output goes on the instance (TIERED_BOOT_LOG overrides it).
BOOT_LOG = "/var/log/tiered-boot.log"
#: Where the CloudFormation helper scripts are on Amazon Linux 2023 (package aws-cfn-bootstrap).
CFN_BIN = "/opt/aws/bin"
SIGNAL_PACKAGE = "aws-cfn-bootstrap"
#: The signalling tool's install: 5 tries, 15 s apart (dnf retries each download itself).
TOOL_ATTEMPTS, TOOL_PAUSE = 5, 15
#: dnf's own retries of a download and its timeout (seconds) per mirror.
DNF = "dnf install -y --setopt=retries=10 --setopt=timeout=30"
#: The longest a failure reason may be (the rest of the log is on the instance).
REASON_LENGTH = 240
#: EC2's limit on user data (bytes, before base64). Past it, large files without
#: placeholders are carried gzip-compressed (write_files ``encoding: gz+b64``).
MAX_USER_DATA = 16384
COMPRESS_FROM = 2048
_UNSAFE = re.compile(r"[^A-Za-z0-9 .,:;/_+=()@%<>'-]")


def boot_script(boot: InstanceBoot, signal: str | None = None) -> str:
    """The shell script that installs and starts the instance's software.

    ``signal``: the logical id of the instance in its CloudFormation stack; the script then
    reports its outcome with cfn-signal (success only once the health probe passes).
    """
    instance = boot.instance
    parts = [
        "#!/bin/sh\n"
        f"# First boot of {instance.name} ({instance.service}, {instance.zone}, "
        f"{instance.ip}): installs and starts\n"
        "# its software. Written by `tiered render config`; run once by cloud-init.\n"
        "set -eu\n"
        'log() { echo "tiered-boot: $*"; }\n'
        'current="starting"\n'
        'step() { current="$*"; log "step: $*"; }\n'
        "# downloads and secrets in transit go to a private folder, removed on exit\n"
        "work=$(mktemp -d)\n"
        f"boot_log=$(printenv TIERED_BOOT_LOG || echo {BOOT_LOG})\n"
    ]
    if signal is None:
        parts.append("trap 'rm -rf \"$work\"' EXIT\n")
    else:
        parts.append(_signalling(boot, signal))
    if boot.packages:
        names = " ".join(boot.packages)
        parts.append(f'step "installing packages: {_label(names)}"\n{DNF} {names}\n')
    for body in boot.steps:
        parts.append(f'step "{_label(_title(body))}"\n{body}\n')
    if boot.probe is not None:
        probe = boot.probe
        parts.append(
            f'step "waiting for {_label(probe.what)} (up to {probe.seconds} s)"\n'
            "n=0\n"
            # the probe fails by design while the service starts: its errors are not logged
            f"until {{ {probe.check}; }} 2>/dev/null; do\n"
            "  n=$((n + 1))\n"
            f'  [ "$n" -lt {probe.attempts} ] || {{ log "no answer after {probe.seconds} s"; '
            "exit 1; }\n"
            f"  sleep {probe.pause}\n"
            "done\n"
        )
    if signal is not None:
        what = f"healthy: {boot.probe.what}" if boot.probe else "configured"
        parts.append(f'signal 0 "{instance.name} {_label(what)}"\n')
    parts.append("log done\n")
    return "\n".join(parts)


def _signalling(boot: InstanceBoot, signal: str) -> str:
    """The signalling tool first, then a trap that reports any failure with its reason."""
    name = boot.instance.name
    return (
        f"# the signalling tool first, before anything that can fail ({SIGNAL_PACKAGE})\n"
        f"PATH={CFN_BIN}:$PATH\n"
        'step "installing the signalling tool"\n'
        "n=0\n"
        "until command -v cfn-signal >/dev/null 2>&1; do\n"
        "  n=$((n + 1))\n"
        f'  [ "$n" -le {TOOL_ATTEMPTS} ] || {{ log "cannot install {SIGNAL_PACKAGE}: '
        'nothing can signal"; exit 1; }\n'
        f"  {DNF} {SIGNAL_PACKAGE} || sleep {TOOL_PAUSE}\n"
        "done\n"
        "signal() {\n"
        '  cfn-signal --exit-code "$1" --reason "$2" --stack \'${AWS::StackName}\' \\\n'
        f"    --resource {signal} --region '${{AWS::Region}}'\n"
        "}\n"
        "# any failure from here on is reported: the step, and its last line of output\n"
        "finish() {\n"
        "  code=$?\n"
        '  rm -rf "$work"\n'
        '  [ "$code" -ne 0 ] || return 0\n'
        '  last=$(tail -n 1 "$boot_log" 2>/dev/null | tr -d \'"\\\\$`\' || true)\n'
        f'  reason=$(printf "%s" "{name}: $current failed (exit $code): $last" | '
        f"cut -c1-{REASON_LENGTH})\n"
        '  signal "$code" "$reason" || log "could not signal the failure"\n'
        "}\n"
        "trap finish EXIT\n"
        "trap 'exit 143' TERM INT\n"
    )


def _title(body: str) -> str:
    """A step's name: the first clause of its leading comment, else its first command."""
    lines = body.strip().split("\n")
    comment = []
    for line in lines:
        if not line.startswith("#"):
            break
        comment.append(line.lstrip("#").strip())
    if not comment:
        return lines[0]
    text = " ".join(comment)
    return re.split(r"[.;] ", text, maxsplit=1)[0].rstrip(".")


def _label(text: str) -> str:
    """``text`` safe inside a double-quoted shell string (and free of ``${``)."""
    return _UNSAFE.sub("", text)


def cloud_config(boot: InstanceBoot, signal: str | None) -> str:
    """The ``#cloud-config`` text; ``signal``: the logical id cfn-signal reports for.

    Files are written as plain text; when that passes EC2's user-data limit, the large
    files that hold no placeholder are compressed (deterministically: no timestamp).
    """
    text = _cloud_config(boot, signal, compress=False)
    if len(text.encode()) > MAX_USER_DATA:
        text = _cloud_config(boot, signal, compress=True)
    return text


def _cloud_config(boot: InstanceBoot, signal: str | None, compress: bool) -> str:
    instance = boot.instance
    lines = [
        "#cloud-config",
        f"# {instance.name}: {instance.service} ({boot.software}) in {instance.zone} at "
        f"{instance.ip}. Written by tiered.",
    ]
    if boot.mounts:
        lines.append("mounts:")
        for mount in boot.mounts:
            fields = [
                f"${{{mount.stack_value.name}}}:/",
                mount_point(mount.filesystem),
                "efs",
                EFS_OPTIONS,
                "0",
                "0",
            ]
            lines.append(f"  - [{', '.join(_quote(f) for f in fields)}]")
    lines.append("write_files:")
    files = [*boot.files]
    for file in [*files, File(BOOT_SCRIPT, boot_script(boot, signal), "0755")]:
        lines += [
            f"  - path: {_quote(file.path)}",
            f"    permissions: {_quote(file.mode)}",
            '    owner: "root:root"',
            "    defer: true",
        ]
        data = file.content.encode()
        if compress and len(data) >= COMPRESS_FROM and b"${" not in data:
            packed = base64.b64encode(gzip.compress(data, mtime=0)).decode()
            lines += ['    encoding: "gz+b64"', f"    content: {_quote(packed)}"]
            continue
        lines.append("    content: |")
        lines += [f"      {line}" if line else "" for line in file.content.rstrip("\n").split("\n")]
    command = f"{BOOT_SCRIPT} > {BOOT_LOG} 2>&1"
    lines += ["runcmd:", f'  - ["sh", "-c", {_quote(command)}]']
    return "\n".join(lines) + "\n"


def _quote(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)
