"""Benchmark of tiered's stages on a generated large topology.

Run `python benchmarks/bench.py` (or `make bench`). It generates a 2,000-service, 6-zone
topology (about 45,000 instances), then reports:

* in-process stage times (load, schema + cross-checks, planning) and peak memory, with the
  garbage collector off as in the command line;
* whole processes side by side, median of several runs: `tiered validate BIG.yaml` against
  a bare `yaml.load` of the same file with the same imports, and `tiered validate
  topology.yaml` against the imports alone.

Timings are printed, never asserted: this machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate  # noqa: E402

PYTHON = sys.executable
TIERED = str(Path(PYTHON).with_name("tiered"))
IMPORTS = "import pydantic, networkx, yaml, typer"


def whole_process(argv: list[str], runs: int) -> tuple[float, float]:
    """Median wall time (s) and peak RSS (MB) of a command over ``runs`` runs."""
    times, peaks = [], []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(argv, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(argv)} failed:\n{proc.stderr.decode()}")
        peaks.append(_peak_rss_mb(argv))
    return statistics.median(times), max(peaks)


def _peak_rss_mb(argv: list[str]) -> float:
    probe = [
        PYTHON,
        "-c",
        (
            "import resource, subprocess, sys; subprocess.run(sys.argv[1:], capture_output=True);"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
        ),
        *argv,
    ]
    out = subprocess.run(probe, capture_output=True, text=True, check=False).stdout.strip()
    return int(out or 0) / 1024


def timed(stage: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    value = stage()
    return value, time.perf_counter() - start


def stages(path: Path) -> dict[str, float]:
    """In-process times of each stage of `tiered validate` on ``path``, then peak memory."""
    from tiered.loading.loader import load_file
    from tiered.pipeline import check_loaded
    from tiered.placement.planner import build_plan
    from tiered.validation.validator import validate

    gc.disable()
    loaded, t_load = timed(lambda: load_file(str(path)))
    validated, t_validate = timed(lambda: validate(loaded))
    assert validated.topology is not None and not validated.problems, validated.problems[:3]
    plan, t_plan = timed(lambda: build_plan(validated.topology))
    tracemalloc.start()
    check_loaded(load_file(str(path)))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    gc.enable()
    return {
        "load_s": t_load,
        "validate_s": t_validate,
        "plan_s": t_plan,
        "instances": len(plan.instances),
        "services": len(plan.services),
        "traced_peak_mb": peak / 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=2000)
    parser.add_argument("--zones", type=int, default=6)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print results as JSON")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder) / "big.yaml"
        big.write_text(yaml.safe_dump(generate(args.services, args.zones), sort_keys=False))
        results: dict[str, Any] = {"file_kb": big.stat().st_size // 1024}
        results.update(stages(big))
        load_cmd = f"{IMPORTS}; yaml.load(open({str(big)!r}), Loader=yaml.CSafeLoader)"
        pairs = {
            "validate_big": ([TIERED, "validate", str(big)], [PYTHON, "-c", load_cmd]),
            # Memory: the report (analysis computed once, lazily) against validate's peak.
            "report_big": (
                [TIERED, "report", str(big), "--output", str(Path(folder) / "report.txt")],
                [TIERED, "validate", str(big), "--fail-on", "never"],
            ),
            "validate_reference": (
                [TIERED, "validate", str(ROOT / "topology.yaml"), "--fail-on", "never"]
                if _has_fail_on()
                else [TIERED, "validate", str(ROOT / "topology.yaml")],
                [PYTHON, "-c", IMPORTS],
            ),
        }
        for name, (ours, baseline) in pairs.items():
            ours_s, ours_mb = whole_process(ours, args.runs)
            base_s, base_mb = whole_process(baseline, args.runs)
            results[name] = {
                "tiered_s": ours_s,
                "tiered_peak_mb": ours_mb,
                "baseline_s": base_s,
                "baseline_peak_mb": base_mb,
                "ratio": ours_s / base_s,
            }
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(
        f"generated: {results['services']} services, {results['instances']:,} instances, "
        f"{results['file_kb']:,} KiB of YAML"
    )
    print(
        f"in process: load {results['load_s']:.3f} s, validate {results['validate_s']:.3f} s "
        f"(schema, cross-checks and plan; the plan alone {results['plan_s']:.3f} s), "
        f"peak traced memory {results['traced_peak_mb']:.0f} MB"
    )
    for name in ("validate_big", "validate_reference"):
        r = results[name]
        print(
            f"{name}: tiered {r['tiered_s']:.3f} s / {r['tiered_peak_mb']:.0f} MB vs baseline "
            f"{r['baseline_s']:.3f} s / {r['baseline_peak_mb']:.0f} MB -> {r['ratio']:.2f}x"
        )
    r = results["report_big"]
    print(
        f"report_big: {r['tiered_s']:.3f} s, peak {r['tiered_peak_mb']:.0f} MB vs validate's "
        f"{r['baseline_peak_mb']:.0f} MB -> {r['tiered_peak_mb'] / r['baseline_peak_mb']:.2f}x "
        "the memory (budget: 2x)"
    )


def _has_fail_on() -> bool:
    out = subprocess.run(
        [TIERED, "validate", "--help"], capture_output=True, text=True, check=False
    ).stdout
    return "--fail-on" in out


if __name__ == "__main__":
    main()
