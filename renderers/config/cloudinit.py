"""An instance's boot as a ``#cloud-config`` document (the user data of its EC2 instance).

``write_files`` carries every file of the instance (deferred: written after the packages,
so a package never overwrites them), ``packages`` the distribution's packages, ``mounts``
the fstab lines of its file systems, and ``runcmd`` the boot script followed, when the
instance belongs to a CloudFormation stack, by ``cfn-signal`` with the script's exit code:
the stack's ``CreationPolicy`` waits for it, so the stack completes only once every
instance is configured, and fails when one cannot be.

File contents are YAML literal blocks; every other value is a double-quoted JSON string,
which YAML reads as the same string.
"""

from __future__ import annotations

import base64
import gzip
import json

from tiered.renderers.config.endpoints import mount_point
from tiered.renderers.config.model import BOOT_SCRIPT, File, InstanceBoot
from tiered.renderers.config.services import EFS_OPTIONS

#: Where the boot script's output goes on the instance.
BOOT_LOG = "/var/log/tiered-boot.log"
#: The CloudFormation helper scripts on Amazon Linux 2023 (package aws-cfn-bootstrap).
CFN_SIGNAL = "/opt/aws/bin/cfn-signal"
#: EC2's limit on user data (bytes, before base64). Past it, large files without
#: placeholders are carried gzip-compressed (write_files ``encoding: gz+b64``).
MAX_USER_DATA = 16384
COMPRESS_FROM = 2048


def boot_script(boot: InstanceBoot) -> str:
    """The shell script that installs and starts the instance's software."""
    instance = boot.instance
    head = (
        "#!/bin/sh\n"
        f"# First boot of {instance.name} ({instance.service}, {instance.zone}, "
        f"{instance.ip}): installs and starts\n"
        "# its software. Written by `tiered render config`; run once by cloud-init.\n"
        "set -eu\n"
        'log() { echo "tiered-boot: $*"; }\n'
        "# downloads and secrets in transit go to a private folder, removed on exit\n"
        "work=$(mktemp -d)\n"
        "trap 'rm -rf \"$work\"' EXIT\n"
    )
    body = "\n\n".join(boot.steps)
    return f"{head}\n{body}\n\nlog done\n" if body else f"{head}\nlog done\n"


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
    if boot.packages:
        lines.append("packages:")
        lines += [f"  - {_quote(name)}" for name in boot.packages]
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
    for file in [*files, _script_file(boot)]:
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
    if signal is not None:
        command += (
            f"; {CFN_SIGNAL} --exit-code $? --stack '${{AWS::StackName}}' "
            f"--resource {signal} --region '${{AWS::Region}}'"
        )
    lines += ["runcmd:", f'  - ["sh", "-c", {_quote(command)}]']
    return "\n".join(lines) + "\n"


def _script_file(boot: InstanceBoot) -> File:
    return File(BOOT_SCRIPT, boot_script(boot), "0755")


def _quote(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)
