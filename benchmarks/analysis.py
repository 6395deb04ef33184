"""Benchmark of the resilience analysis on generated large topologies.

Run `python benchmarks/analysis.py`. It generates the 2,000-service / 6-zone topology of
`benchmarks/bench.py`, then reports:

* in-process stage times: load + validate + plan, the rules (what `tiered validate`
  adds), every single failure, fault tolerance, availability, every pair (`--depth 2`);
* whole processes side by side (median of several runs): `tiered validate BIG.yaml` with
  all rules against `python -c "import pydantic, networkx, yaml, typer; yaml.load(...)"`;
  doubling the services; ten times the replicas of every service (same services).

Timings are printed, never asserted: this machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench import IMPORTS, PYTHON, TIERED, whole_process  # noqa: E402
from benchmarks.generate import generate  # noqa: E402

ANALYSIS = ("findings", "scenarios", "fault_tolerance", "availability", "pairs")
STAGES = ("stages_tenfold", "stages_base")
REPEATS = 3


def write(folder: Path, name: str, topology: dict[str, Any]) -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(topology, sort_keys=False))
    return path


def stages(path: Path) -> dict[str, float]:
    """In-process seconds of each analysis stage on ``path`` (collector off, as the CLI)."""
    from tiered.analysis import analyze
    from tiered.pipeline import check
    from tiered.rules.runner import run_rules

    gc.disable()
    times: dict[str, float] = {}
    start = time.perf_counter()
    result = check(str(path))
    times["load_validate_plan"] = time.perf_counter() - start
    assert result.plan is not None, result.problems[:3]
    for _ in range(REPEATS):  # best of a few fresh analyses: the machine is shared
        analysis = analyze(result.plan, result.source, depth=2)
        for part in ("calls", "findings", "scenarios", "fault_tolerance", "availability", "pairs"):
            start = time.perf_counter()
            run_rules(analysis) if part == "findings" else getattr(analysis, part)
            spent = time.perf_counter() - start
            times[part] = min(times.get(part, spent), spent)
    times["instances"] = len(result.plan.instances)
    times["findings_count"] = len(run_rules(analysis))
    times["pairs_count"] = len(analysis.pairs)
    gc.enable()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=2000)
    parser.add_argument("--zones", type=int, default=6)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        big = write(folder, "big.yaml", generate(args.services, args.zones))
        # Doubling and 10x replicas need a /8: provider generic for the three compared files.
        base = write(folder, "base.yaml", generate(args.services, args.zones, 1, "generic"))
        double = write(folder, "double.yaml", generate(2 * args.services, args.zones, 1, "generic"))
        tenfold = write(folder, "tenfold.yaml", generate(args.services, args.zones, 10, "generic"))
        for label, path in (("big", big), ("base", base), ("double", double), ("tenfold", tenfold)):
            results[f"stages_{label}"] = stages(path)
        load = f"{IMPORTS}; yaml.load(open({str(big)!r}), Loader=yaml.CSafeLoader)"
        ours, _ = whole_process([TIERED, "validate", str(big)], args.runs)
        baseline, _ = whole_process([PYTHON, "-c", load], args.runs)
        results["validate_vs_load"] = {"tiered_s": ours, "baseline_s": baseline}
        for label, path in (("base", base), ("double", double), ("tenfold", tenfold)):
            results[f"validate_{label}_s"] = whole_process(
                [TIERED, "validate", str(path)], args.runs
            )[0]
        results["report_depth2_s"] = whole_process(
            [TIERED, "report", str(big), "--format", "json", "--depth", "2"], max(1, args.runs // 2)
        )[0]
    print(json.dumps(results, indent=2))
    s = results["stages_big"]
    print(
        f"\n{args.services} services, {int(s['instances']):,} instances, {args.zones} zones: "
        f"load+validate+plan {s['load_validate_plan']:.3f} s; rules {s['findings']:.3f} s; "
        f"single failures {s['scenarios']:.3f} s; fault tolerance {s['fault_tolerance']:.3f} s; "
        f"availability {s['availability']:.3f} s; pairs (depth 2) {s['pairs']:.3f} s"
    )
    v = results["validate_vs_load"]
    print(
        f"tiered validate BIG: {v['tiered_s']:.3f} s vs imports + CSafeLoader load "
        f"{v['baseline_s']:.3f} s -> {v['tiered_s'] / v['baseline_s']:.2f}x (target <= 2x)"
    )
    print(
        f"doubling the services: {results['validate_double_s']:.3f} s vs "
        f"{results['validate_base_s']:.3f} s -> "
        f"{results['validate_double_s'] / results['validate_base_s']:.2f}x (target <= 2.1x)"
    )
    print(
        f"10x replicas: {results['validate_tenfold_s']:.3f} s vs {results['validate_base_s']:.3f} s"
        f" -> {results['validate_tenfold_s'] / results['validate_base_s']:.2f}x (target <= 1.2x); "
        "analysis alone (rules + single failures + tolerance + availability + pairs): "
        + " vs ".join(f"{sum(results[k][p] for p in ANALYSIS):.3f} s" for k in STAGES)
    )
    print(f"tiered report --depth 2 --format json BIG: {results['report_depth2_s']:.3f} s")


if __name__ == "__main__":
    main()
