"""The pictures as a reader sees them in a browser (headless Chromium): readable labels, code
set as code, and a standalone SVG that fits a laptop's window."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tiered.pipeline import plan_file
from tiered.renderers.diagram.picture import ident

from .conftest import ALL_TOPOLOGIES, ROOT, run_tiered

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PROBE = (Path(__file__).parent / "browser" / "probe.js").read_text(encoding="utf-8")
#: A label smaller than this (its box in CSS pixels) is hard to read on a laptop screen.
READABLE_PX = 12


def _measure(page: Path, width: int, height: int = 900) -> dict[str, Any]:
    """What probe.js measures of ``page`` laid out in a window of ``width`` × ``height``."""
    text = page.read_text(encoding="utf-8")
    if page.suffix == ".svg":
        probed = text.replace("</svg>", f"<script><![CDATA[{PROBE}]]></script></svg>", 1)
    else:
        probed = text.replace("</body>", f"<script>{PROBE}</script></body>", 1)
    target = page.with_name(f"probed-{page.name}")
    target.write_text(probed, encoding="utf-8")
    done = subprocess.run(
        [
            CHROMIUM,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            f"--window-size={width},{height}",
            "--virtual-time-budget=5000",
            "--dump-dom",
            target.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    found = re.search(r'<pre id="probe">([^<]*)</pre>|data-probe="([^"]*)"', done.stdout)
    assert found, (done.returncode, done.stderr[-2000:])
    return json.loads(html.unescape(found[1] or found[2]))  # type: ignore[no-any-return]


def test_the_html_reports_diagram_has_labels_as_large_as_its_text(tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    done = run_tiered("report", str(ROOT / "topology.yaml"), "--format", "html", "-o", str(report))
    assert done.returncode in (0, 1), done.stderr
    seen = _measure(report, 1400)
    assert seen["labels"] > 50
    assert seen["smallest_label_px"] >= READABLE_PX, seen
    assert seen["backquotes"] == 0, "backquoted code shows as literal backquotes"
    assert "<code>accept: [{rule: TR011, reason: ...}]</code>" in report.read_text()


def test_the_standalone_svg_fits_a_laptops_window(tmp_path: Path) -> None:
    drawing = tmp_path / "architecture.svg"
    done = run_tiered("diagram", str(ROOT / "topology.yaml"), "-o", str(drawing))
    assert done.returncode == 0, done.stderr
    natural = float(re.search(r'width="([0-9.]+)pt"', drawing.read_text())[1])  # type: ignore[index]
    assert natural * 4 / 3 > 1366, "the drawing is no wider than the window: nothing to prove"
    seen = _measure(drawing, 1366, 768)
    assert seen["drawing_width_px"] <= seen["window_width_px"], seen


@pytest.mark.parametrize("path", ALL_TOPOLOGIES, ids=lambda p: p.stem)
def test_the_svg_shows_zones_in_the_declared_order_and_no_arrow_on_their_titles(
    path: Path, tmp_path: Path
) -> None:
    drawing = tmp_path / "architecture.svg"
    done = run_tiered("diagram", str(path), "-o", str(drawing))
    assert done.returncode == 0, done.stderr
    seen = _measure(drawing, 1366, 768)
    declared = [f"cluster_zone_{ident(zone)}" for zone in plan_file(str(path)).zones]
    assert seen["zones_top_to_bottom"] == declared, seen
    assert seen["arrows_across_zone_titles"] == [], seen


def test_the_html_reports_diagram_shows_zones_in_the_declared_order(tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    path = ROOT / "examples" / "onprem-generic.yaml"
    done = run_tiered("report", str(path), "--format", "html", "-o", str(report))
    assert done.returncode in (0, 1), done.stderr
    seen = _measure(report, 1400)
    assert seen["zones_top_to_bottom"] == [
        f"cluster_zone_{ident(zone)}" for zone in ("rack-a", "rack-b", "rack-c")
    ], seen
    assert seen["arrows_across_zone_titles"] == [], seen
