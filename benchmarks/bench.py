"""Benchmark of tiered's stages on a generated large topology.

Run `python benchmarks/bench.py` (or `make bench`). It generates a 2,000-service, 6-zone
topology (about 45,000 instances), then reports:

* in-process stage times (load, schema + cross-checks, planning) and peak memory, with the
  garbage collector off as in the command line;
* whole processes side by side, median of several runs: `tiered validate BIG.yaml` against
  a bare `yaml.load` of the same file with the same imports, and `tiered validate
  topology.yaml` against the imports alone;
* for each shape of `benchmarks/generate.py` (`--shapes layered mesh`, both by default):
  `tiered report` against `tiered validate` on the same file, each process's own peak
  memory (ru_maxrss) and its wall and CPU seconds, against the budget of 2x the memory
  and 3x the time.

Timings are printed, never asserted: this machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
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

from benchmarks.generate import SHAPES, generate, generate_shape  # noqa: E402

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


#: Runs a command and prints its wall seconds, CPU seconds and peak RSS (KiB). A small
#: process of its own: a child's peak counts the memory of the process that forked it.
PROBE = (
    "import resource, subprocess, sys, time; start = time.perf_counter();"
    "code = subprocess.run(sys.argv[1:], capture_output=True).returncode;"
    "wall = time.perf_counter() - start; r = resource.getrusage(resource.RUSAGE_CHILDREN);"
    "print(code, wall, r.ru_utime + r.ru_stime, r.ru_maxrss)"
)


def usage(argv: list[str], runs: int) -> dict[str, float]:
    """Median wall and CPU seconds, and the largest peak RSS (MB), of ``runs`` runs."""
    walls, cpus, peaks = [], [], []
    for _ in range(runs):
        out = subprocess.run(
            [PYTHON, "-c", PROBE, *argv], capture_output=True, text=True, check=True
        ).stdout.split()
        if int(out[0]) not in (0, 1):
            raise SystemExit(f"{' '.join(argv)} exited with {out[0]}")
        walls.append(float(out[1]))
        cpus.append(float(out[2]))
        peaks.append(int(out[3]) / 1024)
    return {
        "wall_s": statistics.median(walls),
        "cpu_s": statistics.median(cpus),
        "peak_mb": max(peaks),
    }


def report_against_validate(path: Path, runs: int) -> dict[str, dict[str, float]]:
    """`tiered report` and `tiered validate` on ``path``, run in turn."""
    report = [TIERED, "report", str(path), "--output", os.devnull]
    validate = [TIERED, "validate", str(path), "--fail-on", "never"]
    runs_of: dict[str, list[dict[str, float]]] = {"report": [], "validate": []}
    for _ in range(runs):  # in turn: a drift of the machine's speed hits both
        runs_of["report"].append(usage(report, 1))
        runs_of["validate"].append(usage(validate, 1))
    return {
        name: {
            "wall_s": statistics.median(r["wall_s"] for r in measured),
            "cpu_s": statistics.median(r["cpu_s"] for r in measured),
            "peak_mb": max(r["peak_mb"] for r in measured),
        }
        for name, measured in runs_of.items()
    }


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
    parser.add_argument(
        "--shapes",
        nargs="*",
        choices=SHAPES,
        default=list(SHAPES),
        help="shapes of generated topology to time the report on (none: skip)",
    )
    parser.add_argument("--seed", type=int, default=19, help="the mesh shape's random seed")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder) / "big.yaml"
        big.write_text(yaml.safe_dump(generate(args.services, args.zones), sort_keys=False))
        results: dict[str, Any] = {"file_kb": big.stat().st_size // 1024}
        results.update(stages(big))
        load_cmd = f"{IMPORTS}; yaml.load(open({str(big)!r}), Loader=yaml.CSafeLoader)"
        pairs = {
            "validate_big": ([TIERED, "validate", str(big)], [PYTHON, "-c", load_cmd]),
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
        for shape in args.shapes:
            path = Path(folder) / f"{shape}.yaml"
            topology = generate_shape(shape, args.services, args.zones, args.seed)
            path.write_text(yaml.safe_dump(topology, sort_keys=False))
            results[f"report_{shape}"] = report_against_validate(path, args.runs)
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
    for shape in args.shapes:
        r, v = results[f"report_{shape}"]["report"], results[f"report_{shape}"]["validate"]
        print(
            f"report on the {shape} shape: {r['wall_s']:.3f} s wall, {r['cpu_s']:.3f} s CPU, "
            f"peak {r['peak_mb']:.0f} MB; validate {v['wall_s']:.3f} s wall, "
            f"{v['cpu_s']:.3f} s CPU, peak {v['peak_mb']:.0f} MB -> "
            f"{r['peak_mb'] / v['peak_mb']:.2f}x the memory (budget 2x), "
            f"{r['cpu_s'] / v['cpu_s']:.2f}x the CPU time (budget 3x)"
        )


def _has_fail_on() -> bool:
    out = subprocess.run(
        [TIERED, "validate", "--help"], capture_output=True, text=True, check=False
    ).stdout
    return "--fail-on" in out


if __name__ == "__main__":
    main()
