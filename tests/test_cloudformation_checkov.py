"""checkov (framework cloudformation) fails nothing in the rendered templates; each skipped check
is skipped in the resource's Metadata with a written reason.

checkov pins ``networkx<2.7``, so it runs from its own virtualenv (``make checkov-env``,
created here on demand when missing).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.test_cloudformation_helpers import RENDERABLE, large_topology, plan_of, render
from tiered.exporters.writer import write_files
from tiered.pipeline import plan_file

pytestmark = pytest.mark.slow

CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"


@pytest.fixture(scope="module")
def checkov() -> Path:
    if not CHECKOV.exists():
        subprocess.run(["make", "-s", "checkov-env"], cwd=ROOT, check=True, timeout=1200)
    return CHECKOV


def scan(checkov: Path, folder: Path) -> dict[str, Any]:
    result = subprocess.run(
        [
            str(checkov),
            "--directory",
            str(folder),
            "--framework",
            "cloudformation",
            "--output",
            "json",
            "--skip-download",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr[-2000:]
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def test_rendered_templates_fail_no_checkov_check(checkov: Path, tmp_path: Path) -> None:
    for path in RENDERABLE:
        write_files(tmp_path / path.stem, render(plan_file(str(path))))
    write_files(tmp_path / "large", render(plan_of(large_topology())))
    report = scan(checkov, tmp_path)
    summary = report["summary"]
    failed = [
        f"{c['check_id']} {c['resource']} ({c['file_path']})"
        for c in report["results"]["failed_checks"]
    ]
    assert failed == []
    assert summary["parsing_errors"] == 0
    scanned = {Path(c["file_path"]).name for c in report["results"]["passed_checks"]}
    assert len(scanned) == len(RENDERABLE) + len(render(plan_of(large_topology())))
    assert summary["passed"] > 100
    for skipped in report["results"]["skipped_checks"]:
        reason = skipped["check_result"].get("suppress_comment", "")
        assert len(reason) > 40, skipped["check_id"]
        assert skipped["check_id"] in {"CKV_AWS_260", "CKV_AWS_157"}
