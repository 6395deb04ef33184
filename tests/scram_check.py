"""Run SCRAM on tiered's Open-PSA export: its minimal cut sets and top-event probability."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from tiered.renderers.report.mef import TOP


def solve(model: str, workdir: Path) -> tuple[set[frozenset[str]], float]:
    """SCRAM's minimal cut sets (as MEF event ids) and the top event's probability."""
    source = workdir / "model.xml"
    report = workdir / "report.xml"
    source.write_text(model, encoding="utf-8")
    subprocess.run(
        ["scram", "--probability", "1", str(source), "-o", str(report)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    root = ET.parse(report).getroot()
    top = next(s for s in root.iter("sum-of-products") if s.get("name") == TOP)
    products = {
        frozenset(event.get("name", "") for event in product.iter("basic-event"))
        for product in top.iter("product")
    }
    return products, float(top.get("probability", "nan"))
