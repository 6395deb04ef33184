"""Benchmark of the FIS renderer (timings printed, never asserted).

    .venv/bin/python benchmarks/fis.py [--runs 5] [--services 40]

Measures:

* whole processes (median of ``--runs``, peak RSS): ``tiered render fis topology.yaml`` and
  ``tiered render fis`` on a generated topology (``--services`` services over 3 zones, the
  size the CloudFormation benchmark renders: at most 10 services per generated tier, so no
  two instance names meet in one logical id);
* in process, on that topology: load + validate + plan, choosing the experiments (one
  prediction each), building and serializing the template;
* in process, the experiments of the 2,000-service / 6-zone topology of the analysis
  benchmark: what ``tiered report`` adds for its "How to test this" section.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.cloudformation import BIN, row, whole_process  # noqa: E402
from benchmarks.generate import generate  # noqa: E402


def in_process(path: Path) -> None:
    from tiered.analysis.experiments import experiments
    from tiered.pipeline import plan_file
    from tiered.renderers.cloudformation.serialize import dump
    from tiered.renderers.fis.build import build

    gc.disable()
    start = time.perf_counter()
    plan = plan_file(str(path))
    planned = time.perf_counter()
    found = experiments(plan)
    chosen = time.perf_counter()
    template = build(plan)  # chooses them again: the renderer's whole path
    text = dump(template.to_dict(), "yaml")
    done = time.perf_counter()
    gc.enable()
    print(
        f"  {plan.instance_count:,} instances → {len(found)} experiments, "
        f"{len(template.resources)} resources, {len(text.encode()) / 1024:.0f} KB"
    )
    print(f"  load + validate + plan        {1000 * (planned - start):8.0f} ms")
    print(f"  choose experiments + predict  {1000 * (chosen - planned):8.0f} ms")
    print(f"  build + serialize (YAML)      {1000 * (done - chosen):8.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--services", type=int, default=40, help="generated topology size")
    args = parser.parse_args()
    tiered = str(BIN / "tiered")
    with tempfile.TemporaryDirectory() as scratch:
        big = Path(scratch) / "big.yaml"
        big.write_text(yaml.safe_dump(generate(services=args.services, zones=3), sort_keys=False))
        print(f"Whole processes (median of {args.runs} runs, peak RSS):")
        row(
            "tiered render fis topology.yaml",
            *whole_process([tiered, "render", "fis", "topology.yaml", "--out", scratch], args.runs),
        )
        row(
            f"tiered render fis big.yaml ({args.services} services, 3 zones)",
            *whole_process([tiered, "render", "fis", str(big), "--out", scratch], args.runs),
        )
        print(f"\nIn process, big.yaml ({args.services} services, 3 zones):")
        in_process(big)

        from tiered.analysis.experiments import experiments
        from tiered.pipeline import plan_file

        huge = Path(scratch) / "huge.yaml"
        huge.write_text(yaml.safe_dump(generate(services=2000, zones=6), sort_keys=False))
        plan = plan_file(str(huge))
        gc.disable()
        start = time.perf_counter()
        found = experiments(plan)
        seconds = time.perf_counter() - start
        gc.enable()
        print(
            f"\nIn process, the report's experiments of 2,000 services / 6 zones "
            f"({plan.instance_count:,} instances): {len(found)} experiments in "
            f"{1000 * seconds:.0f} ms"
        )


if __name__ == "__main__":
    main()
