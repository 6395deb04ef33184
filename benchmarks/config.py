"""Benchmark of the config renderer (timings printed, never asserted).

    .venv/bin/python benchmarks/config.py [--services 2000] [--zones 6] [--runs 3]

Generates a topology (``benchmarks.generate``), plans it once, then times in process, best
of ``--runs``: what every instance needs (``renderers.config.boots``), the renderer's files
(``ConfigRenderer.export``), and the user data of every instance as the CloudFormation
renderer builds it (``renderers.cloudformation.boot``). Also ``tiered render config
topology.yaml`` as a whole process.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate  # noqa: E402


def best(runs: int, action: object) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--services", type=int, default=2000)
    parser.add_argument("--zones", type=int, default=6)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from tiered.exporters.base import ExportOptions
    from tiered.pipeline import Result, plan_file
    from tiered.renderers.cloudformation.boot import delivery
    from tiered.renderers.config import ConfigRenderer, boots

    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder) / "big.yaml"
        data = generate(services=args.services, zones=args.zones)
        big.write_text(yaml.safe_dump(data, sort_keys=False))
        plan = plan_file(str(big))
        instances = len(plan.instances)
        print(f"{args.services:,} services, {instances:,} instances over {args.zones} zones")
        seconds = best(args.runs, lambda: boots(plan))
        print(f"  boots (what every instance needs)   {seconds:8.2f} s")
        files: dict[str, object] = {}

        def render() -> None:
            files.clear()
            files.update(ConfigRenderer().export(Result.of_plan(plan), ExportOptions()))

        seconds = best(args.runs, render)
        size = sum(len(str(text)) for text in files.values())
        print(
            f"  render config ({len(files):,} files, {size / 1e6:.1f} MB)"
            f"  {seconds:8.2f} s  ({1e6 * seconds / instances:.0f} µs per instance)"
        )
        chosen = delivery(plan)

        def user_data() -> None:
            for instance in plan.instances:
                chosen.user_data(instance)

        seconds = best(args.runs, user_data)
        print(f"  user data of every instance         {seconds:8.2f} s")
        out = Path(folder) / "out"
        start = time.perf_counter()
        subprocess.run(
            [
                str(Path(sys.executable).parent / "tiered"),
                "render",
                "config",
                "topology.yaml",
                "--out",
                str(out),
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        print(f"`tiered render config topology.yaml`  {time.perf_counter() - start:8.2f} s")


if __name__ == "__main__":
    main()
