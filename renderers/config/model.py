"""What one instance needs at boot: files, packages, mounts and the steps of its boot script."""

from __future__ import annotations

from dataclasses import dataclass, field

from tiered.placement.plan import Instance
from tiered.software.delivery import File
from tiered.software.stack import StackValue

__all__ = ["BOOT_SCRIPT", "File", "InstanceBoot", "Mount"]

#: Where the boot script lives on the instance (cloud-init runs it once, at first boot).
BOOT_SCRIPT = "/usr/local/sbin/tiered-boot"


@dataclass(frozen=True, slots=True)
class Mount:
    """A file system service mounted at ``point`` (EFS: TLS, ``_netdev``, in fstab)."""

    filesystem: str
    point: str
    stack_value: StackValue


@dataclass(frozen=True, slots=True)
class Probe:
    """A shell condition that holds once the service answers, polled with a bound."""

    what: str
    check: str
    attempts: int
    pause: int

    @property
    def seconds(self) -> int:
        """The longest the boot waits for it."""
        return self.attempts * self.pause


@dataclass
class InstanceBoot:
    """Everything ``instance`` needs; ``steps`` are shell fragments run in order at boot.

    ``software``: what the instance is configured as (its kind's name, or ``hook``).
    ``probe``: what the boot waits for before it reports success; ``waits``: the seconds
    its steps may take at most besides installing packages (downloads, mounts, waiting
    for other services), from which the stack's wait for its signal is derived.
    """

    instance: Instance
    software: str
    files: list[File] = field(default_factory=list)
    packages: list[str] = field(default_factory=list)
    mounts: list[Mount] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    stack_values: dict[str, StackValue] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    probe: Probe | None = None
    waits: int = 0

    def add_file(self, path: str, content: str, mode: str = "0644") -> None:
        self.files.append(File(path, content, mode))

    def add_packages(self, *names: str) -> None:
        self.packages.extend(name for name in names if name not in self.packages)

    def use(self, *values: StackValue) -> None:
        """Record the stack values the instance's files refer to."""
        for value in values:
            self.stack_values[value.name] = value
