"""What the user tells an importer that the foreign file cannot: parameters, region, zones.

The command line builds one ``ImportOptions`` per invocation (``tiered --param K=V
validate stack.yaml``, or the options of ``tiered import cloudformation``) and passes it
down to the importer with the path; nothing is kept in the process between reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """Parameter values, region, zones of subnets, other stacks' exports and where nested
    templates are; which importer to force, and whether unknowns that matter stop the read."""

    parameters: dict[str, str] = field(default_factory=dict)
    region: str | None = None
    #: Zone of a subnet id, parameter value or export value (``--zone SUBNET=ZONE``).
    zones: dict[str, str] = field(default_factory=dict)
    template_dir: str | None = None
    #: The importer every file is read through (``--from NAME``); None: detected.
    source: str | None = None
    #: Values other stacks export (``--exports FILE``, ``--export NAME=VALUE``).
    exports: dict[str, str] = field(default_factory=dict)
    #: Stop (exit 2) when a value the file does not determine changes the verdict.
    strict: bool = False

    @property
    def forced(self) -> bool:
        """Whether the file is read as a foreign format even when it does not look like one."""
        return self.source is not None
