"""The imported topology as a commented YAML file.

Each service says which resources it came from; every inferred value carries an
``# inferred: ...`` comment; the assumptions are listed at the top and the resources
that were not mapped, with the reason, at the end. The text is deterministic.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tiered.importers.cloudformation.assemble import Imported
from tiered.importers.cloudformation.drafts import Draft

_PLAIN = re.compile(r"^[A-Za-z0-9/][A-Za-z0-9_./-]*$")
_RESERVED = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}


def scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _RESERVED and not _numeric(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value)


def _shown(file: str, template: str) -> str:
    """A template's path as the written file names it: relative to the root template's
    folder (``services/web/service.yaml``), its name when outside it."""
    folder = Path(template).resolve().parent
    path = Path(file).resolve()
    return str(path.relative_to(folder)) if path.is_relative_to(folder) else path.name


def _comment(text: str, indent: str) -> list[str]:
    return [f"{indent}# {line}".rstrip() for line in text.splitlines() or [""]]


def write_topology(imported: Imported) -> str:
    """The commented topology text of a successful import."""
    data = imported.data
    assert data is not None
    template = Path(imported.template).name
    lines = [
        f"# Imported from {template} by `tiered import cloudformation`.",
        "# Each service names the resources it came from. Values marked `inferred` are not",
        "# in the template: review them (tags tiered:software and tiered:failover on a",
        "# resource say what runs there and how it fails over).",
    ]
    if imported.report.notes:
        lines.append("#")
        lines.append("# Assumed or unresolved:")
        for note in imported.report.notes:
            where = f"{_shown(note.location.file, imported.template)}:{note.location.line}"
            lines.append(f"#   {where}: {note.message}")
    lines.append("")
    for key in ("version", "name", "description", "provider", "region"):
        if key not in data:
            continue
        line = f"{key}: {scalar(data[key])}"
        if key in imported.inferred:
            line += f"  # inferred: {imported.inferred[key]}"
        lines.append(line)
    zones = f"zones: {flow(data['zones'])}"
    if "zones" in imported.inferred:
        zones += f"  # inferred: {imported.inferred['zones']}"
    lines.append(zones)
    lines.append("network:")
    network = data["network"]
    cidr = f"  cidr: {scalar(network['cidr'])}"
    if "network" in imported.inferred:
        cidr += f"  # inferred: {imported.inferred['network']}"
    lines.append(cidr)
    if "nat" in network:
        lines.append(
            f"  nat: {network['nat']}  # one NAT gateway serves the private subnets of every zone"
        )
    if "entry" in data:
        lines.append("entry:  # from the Route 53 failover records")
        for key, value in data["entry"].items():
            lines.append(f"  {key}: {scalar(value)}")
    lines.append("tiers:")
    drafts = {d.name: d for d in imported.drafts}
    for tier, body in data["tiers"].items():
        lines.append(f"  {tier}:")
        lines.append(f"    role: {body['role']}")
        if body.get("public"):
            lines.append("    public: true")
        lines.append("    services:")
        for name, fields in body["services"].items():
            lines.extend(_service(name, fields, drafts[name]))
    if imported.report.unmapped:
        lines.append("")
        lines.append(f"# Not mapped ({len(imported.report.unmapped)} resources):")
        for item in imported.report.unmapped:
            lines.append(f"#   {item.logical} ({item.type}): {item.reason}")
    return "\n".join(lines) + "\n"


def _service(name: str, fields: dict[str, Any], draft: Draft) -> list[str]:
    ids = ", ".join(dict.fromkeys("/".join(filter(None, k)) for k in draft.keys))
    lines = _comment(f"{draft.comment}: {ids}", "      ")
    lines.append(f"      {name}:")
    for key, value in fields.items():
        if key == "accept":
            lines.append("        accept:")
            for item in value:
                lines.append(f"          - rule: {item['rule']}")
                lines.append(f"            reason: {scalar(item['reason'])}")
            continue
        line = f"        {key}: {flow(value)}"
        if key in draft.inferred:
            line += f"  # inferred: {draft.inferred[key]}"
        elif key == "zones" or key == "placement":
            line += "  # from the subnets of its resources"
        lines.append(line)
    return lines
