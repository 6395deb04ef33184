"""Per instance: the files its software kind delivers and, on AWS, the boot that installs it.

``configure`` asks the instance's software kind (``tiered.software``) to render it from its
context, then adds what every AWS instance of the kind gets, in this order: the packages
(the kind's packages, the EFS utilities; the boot frame installs the CloudFormation helper
itself, first), the kind's account
(a fixed uid on every member), the mounts of the file systems it depends on, the kind's
release (downloaded and checked against its pinned checksum before anything is
unpacked), then the kind's own steps and its systemd units. What each kind delivers is
documented in its module (``tiered/software/kinds/``); software tiered cannot configure
gets the install hook (``tiered.software.application``). Each boot ends waiting for the
kind's ``readiness`` (its health probe on the instance's own address); every wait is
bounded, and ``InstanceBoot.waits`` adds the bounds up for the stack's signal timeout.
"""

from __future__ import annotations

from tiered.exporters.base import ExportRefused
from tiered.placement.plan import Instance, Plan, ServicePlan
from tiered.renderers.config.context import Contexts
from tiered.renderers.config.endpoints import mount_point
from tiered.renderers.config.model import InstanceBoot, Mount, Probe
from tiered.software import Download, SystemUser, software, stack
from tiered.software.application import DOWNLOAD_SECONDS
from tiered.software.base import Refused

#: The package that mounts EFS.
EFS_PACKAGE = "amazon-efs-utils"
#: EFS mount options: TLS in transit, wait for the network, a fresh source port on reconnect.
EFS_OPTIONS = "_netdev,noresvport,tls"
#: Seconds a mount may take to come up (mount targets are created with the stack).
MOUNT_ATTEMPTS, MOUNT_PAUSE = 30, 10
#: How often and how long a boot polls its service: 60 tries, 5 s apart (JVMs start slowly).
PROBE_ATTEMPTS, PROBE_PAUSE = 60, 5


def configure(contexts: Contexts, instance: Instance) -> InstanceBoot:
    """The files of ``instance``, and on AWS its packages, mounts and boot steps."""
    plan = contexts.plan
    service = plan.services[instance.service]
    kind = software(service.software)
    context = contexts.instance(instance)
    try:
        delivery = kind.render(context)
        readiness = kind.readiness(context) if contexts.aws else None
    except Refused as refused:
        raise ExportRefused(refused.message, refused.hint) from None
    boot = InstanceBoot(instance=instance, software=delivery.label)
    if contexts.aws:
        boot.add_packages(*kind.packages)
        _user(boot, kind.user)
        _mounts(plan, service, boot)
        _download(boot, kind.download, service.software)
    boot.files += delivery.files
    boot.use(*delivery.stack_values)
    if contexts.aws:
        boot.steps += delivery.steps
        for unit in delivery.units:
            boot.add_file(unit.path, unit.text)
            boot.steps.append(unit.start)
        boot.waits += delivery.waits
    if readiness is not None:
        boot.probe = Probe(readiness.what, readiness.check, PROBE_ATTEMPTS, PROBE_PAUSE)
    return boot


def _user(boot: InstanceBoot, user: SystemUser | None) -> None:
    if user is None:
        return
    boot.steps.append(
        f"# the account {user.name} runs as (uid {user.uid} on every member: shared mounts "
        "agree on owners)\n"
        f"id -u {user.name} >/dev/null 2>&1 || useradd --system --uid {user.uid} "
        f"--user-group --no-create-home --shell /sbin/nologin {user.name}"
    )


def _mounts(plan: Plan, service: ServicePlan, boot: InstanceBoot) -> None:
    for name in service.depends_on:
        if plan.services[name].kind != "filesystem":
            continue
        value = stack.filesystem_id(name)
        point = mount_point(name)
        boot.use(value)
        boot.mounts.append(Mount(name, point, value))
        boot.add_packages(EFS_PACKAGE)
        boot.waits += MOUNT_ATTEMPTS * MOUNT_PAUSE
        boot.steps.append(
            f"# {name}: EFS over TLS at {point} (fstab, _netdev); mount targets may still be\n"
            f"# coming up, so retry for up to {MOUNT_ATTEMPTS * MOUNT_PAUSE} s\n"
            f"install -d {point}\n"
            "n=0\n"
            f"until mountpoint -q {point}; do\n"
            f"  mount {point} || true\n"
            "  n=$((n + 1))\n"
            f'  [ "$n" -lt {MOUNT_ATTEMPTS} ] || {{ log "cannot mount {point}"; exit 1; }}\n'
            f"  mountpoint -q {point} || sleep {MOUNT_PAUSE}\n"
            "done"
        )


def _download(boot: InstanceBoot, download: Download | None, name: str) -> None:
    if download is None:
        return
    home = f"/opt/{name}"
    boot.waits += DOWNLOAD_SECONDS
    boot.steps.append(
        f"# {name} {download.version}: the release archive, checked against its "
        f"published {download.algorithm}\n"
        f"if [ ! -d {home}/bin ]; then\n"
        f"  curl -fsSL --retry 5 --retry-delay 5 --max-time {DOWNLOAD_SECONDS} "
        f"-o $work/{name}.tgz \\\n"
        f"    {download.url}\n"
        f'  step "checking {name} {download.version} against its published '
        f'{download.algorithm} checksum"\n'
        f'  echo "{download.checksum}  $work/{name}.tgz" | '
        f"{download.algorithm}sum -c -\n"
        f"  install -d {home}\n"
        f"  tar -xzf $work/{name}.tgz -C {home} --strip-components=1\n"
        f"  rm -f $work/{name}.tgz\n"
        "fi"
    )
