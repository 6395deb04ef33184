"""Benchmark of `tiered diff` (timings printed, never asserted).

    .venv/bin/python benchmarks/diff.py [--services 2000] [--zones 6] [--runs 7]

Generates a 2,000-service topology (``benchmarks/generate.py``) and a changed copy, as a
pull request would change it: a service added first in the ``api`` tier (every later
address of that tier moves) and two more replicas for the first ``front`` service. Then, as whole
processes (median of ``--runs``, runs of the two commands alternated):

* ``tiered diff base.yaml head.yaml`` against one ``tiered validate base.yaml``, with and
  without ``--no-cloudformation``;
* ``tiered diff topology.yaml examples/reference-three-zones.yaml`` (CloudFormation
  rendered and compared on both sides) against ``tiered validate topology.yaml``;

and, in process, the time of each stage of the large diff.
"""

from __future__ import annotations

import argparse
import copy
import gc
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate  # noqa: E402

TIERED = str(Path(sys.executable).with_name("tiered"))


def changed(topology: dict[str, Any]) -> dict[str, Any]:
    """The topology after a typical change: a service first in a tier, a pool grown."""
    head = copy.deepcopy(topology)
    tiers = head["tiers"]
    api = tiers["api"]["services"]
    first = next(iter(api.values()))
    tiers["api"]["services"] = {"api-new": copy.deepcopy(first), **api}
    first_front = next(iter(tiers["front"]["services"]))
    tiers["front"]["services"][first_front]["count"] += 2
    return head


def alternated(a: list[str], b: list[str], runs: int) -> tuple[float, float, float]:
    """Median wall seconds of A and of B, and the median of the pairwise ratios A/B."""
    times_a, times_b, ratios = [], [], []
    for _ in range(runs):
        pair = []
        for argv in (a, b):
            start = time.perf_counter()
            done = subprocess.run(argv, capture_output=True, check=False, cwd=ROOT)
            pair.append(time.perf_counter() - start)
            if done.returncode not in (0, 1):
                raise SystemExit(f"{' '.join(argv)} failed:\n{done.stderr.decode()[-2000:]}")
        times_a.append(pair[0])
        times_b.append(pair[1])
        ratios.append(pair[0] / pair[1])
    return statistics.median(times_a), statistics.median(times_b), statistics.median(ratios)


def stages(base: Path, head: Path) -> dict[str, float]:
    """Seconds of each stage of the diff, in process (CPU time, garbage collector off)."""
    from tiered.changes import load_sides
    from tiered.changes.cloudformation import template_changes
    from tiered.changes.findings import match
    from tiered.changes.measures import measure
    from tiered.changes.placement import compare_plans
    from tiered.renderers.cloudformation import rendered as render_cloudformation

    gc.disable()
    clock = time.process_time
    marks = {"start": clock()}
    old, new = load_sides(str(base), str(head))
    marks["load and validate both"] = clock()
    match(old.result.findings, new.result.findings)
    marks["findings, matched"] = clock()
    measure(old.result.analysis, new.result.analysis)
    marks["tolerance, availability, zones, margins"] = clock()
    plan = compare_plans(old.plan, new.plan)
    marks["plan changes"] = clock()
    cfn = template_changes(old.plan, new.plan, render_cloudformation)
    marks["CloudFormation"] = clock()
    gc.enable()
    names = list(marks)
    result = {names[i]: marks[names[i]] - marks[names[i - 1]] for i in range(1, len(names))}
    result["moved instances"] = len(plan.instances_moved)
    print(f"  CloudFormation: {'compared' if cfn.compared else cfn.note}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=2000)
    parser.add_argument("--zones", type=int, default=6)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        topology = generate(args.services, args.zones)
        base, head = Path(folder) / "base.yaml", Path(folder) / "head.yaml"
        base.write_text(yaml.safe_dump(topology, sort_keys=False))
        head.write_text(yaml.safe_dump(changed(topology), sort_keys=False))
        print(f"In process, {args.services} services over {args.zones} zones:")
        for name, value in stages(base, head).items():
            print(f"  {name}: {value:.3f} s" if isinstance(value, float) else f"  {name}: {value}")
        rows = {
            f"diff of two {args.services}-service topologies / validate of one": (
                [TIERED, "diff", str(base), str(head)],
                [TIERED, "validate", str(base)],
            ),
            "the same, --no-cloudformation / validate of one": (
                [TIERED, "diff", str(base), str(head), "--no-cloudformation"],
                [TIERED, "validate", str(base)],
            ),
            "diff topology.yaml → three zones / validate topology.yaml": (
                [TIERED, "diff", "topology.yaml", "examples/reference-three-zones.yaml"],
                [TIERED, "validate", "topology.yaml"],
            ),
        }
        print(f"Whole processes, median of {args.runs} alternated runs:")
        for title, (a, b) in rows.items():
            diff_s, validate_s, ratio = alternated(a, b, args.runs)
            print(f"  {title}: {diff_s:.3f} s / {validate_s:.3f} s = {ratio:.2f}x")


if __name__ == "__main__":
    main()
