"""Benchmark of the CloudFormation renderer (timings printed, never asserted).

    .venv/bin/python benchmarks/cloudformation.py [--runs 7] [--troposphere-python PY]

Measures, as whole processes on this machine (median of ``--runs``, peak RSS):

* ``tiered render cloudformation topology.yaml`` next to the hand-written troposphere peer
  (``../shared/peers/troposphere_reference.py``, run by ``--troposphere-python``, a Python
  with troposphere installed, e.g. a throwaway virtualenv outside the repository);
* the largest example rendered, next to ``cfn-lint`` on its output;

and in process, stage by stage (load + validate + plan, build, nesting + serialization), a
generated topology past CloudFormation's limits (nested stacks).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate  # noqa: E402

PYTHON = sys.executable
BIN = Path(PYTHON).parent
PEER = ROOT.parent / "shared" / "peers" / "troposphere_reference.py"


def whole_process(argv: list[str], runs: int) -> tuple[float, float]:
    """Median wall time (s) and peak RSS (MB) of ``argv`` over ``runs`` runs."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(argv, capture_output=True, check=False, cwd=ROOT)
        times.append(time.perf_counter() - start)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed:\n{proc.stderr.decode()[-2000:]}")
    probe = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], capture_output=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    rss = subprocess.run([PYTHON, "-c", probe, *argv], capture_output=True, text=True, cwd=ROOT)
    return statistics.median(times), int(rss.stdout.strip() or 0) / 1024


def row(label: str, seconds: float, megabytes: float) -> None:
    print(f"  {label:<64} {seconds * 1000:8.0f} ms {megabytes:7.0f} MB")


def in_process(path: Path) -> None:
    from tiered.pipeline import plan_file
    from tiered.renderers.cloudformation.build import build
    from tiered.renderers.cloudformation.nesting import package

    gc.disable()
    start = time.perf_counter()
    plan = plan_file(str(path))
    planned = time.perf_counter()
    template = build(plan)
    built = time.perf_counter()
    files = package(template, plan, "yaml")
    done = time.perf_counter()
    gc.enable()
    size = sum(len(text.encode()) for text in files.values())
    print(
        f"  {len(plan.instances):,} instances, {len(template.resources):,} resources → "
        f"{len(files)} templates, {size / 2**20:.1f} MB"
    )
    print(f"  load + validate + plan   {1000 * (planned - start):8.0f} ms")
    print(f"  build the template       {1000 * (built - planned):8.0f} ms")
    print(f"  nest + serialize (YAML)  {1000 * (done - built):8.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--troposphere-python", help="a Python with troposphere installed")
    # at most 10 services per tier (40 over the generator's 4 tiers): names like api-1 and
    # api-11 would otherwise give instances api-1-11 and api-11-1, one logical id (refused)
    parser.add_argument("--services", type=int, default=40, help="generated topology size")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch)
        tiered = str(BIN / "tiered")
        print(f"Whole processes (median of {args.runs} runs, peak RSS):")
        row(
            "tiered render cloudformation topology.yaml",
            *whole_process(
                [tiered, "render", "cloudformation", "topology.yaml", "--out", scratch], args.runs
            ),
        )
        if args.troposphere_python:
            row(
                "python troposphere_reference.py (peer)",
                *whole_process([args.troposphere_python, str(PEER)], args.runs),
            )
        floor = "from tiered.pipeline import check; check('topology.yaml')"
        row(
            "load + validate + plan only (python -c, no CLI, no renderer)",
            *whole_process([PYTHON, "-c", floor], args.runs),
        )
        row(
            "python -c pass (interpreter start-up)",
            *whole_process([PYTHON, "-c", "pass"], args.runs),
        )

        largest = max(
            (ROOT / "examples").glob("*.yaml"),
            key=lambda p: (
                len(yaml.safe_load(p.read_text()).get("tiers", {})) * 1000 + p.stat().st_size
            ),
        )
        name = yaml.safe_load(largest.read_text())["name"]
        rel = str(largest.relative_to(ROOT))
        row(
            f"tiered render cloudformation {rel}",
            *whole_process([tiered, "render", "cloudformation", rel, "--out", scratch], args.runs),
        )
        rendered = out / "cloudformation" / f"{name}.yaml"
        row(
            f"cfn-lint on its output ({rendered.stat().st_size // 1024} KB)",
            *whole_process([str(BIN / "cfn-lint"), str(rendered)], max(3, args.runs // 2)),
        )

        big = out / "big.yaml"
        big.write_text(yaml.safe_dump(generate(services=args.services, zones=3), sort_keys=False))
        print("\nIn process, topology.yaml:")
        in_process(ROOT / "topology.yaml")
        print(f"\nGenerated topology ({args.services} services, 3 zones), whole process:")
        row(
            f"tiered render cloudformation big.yaml ({args.services} services)",
            *whole_process([tiered, "render", "cloudformation", str(big), "--out", scratch], 3),
        )
        print("and in process:")
        in_process(big)


if __name__ == "__main__":
    main()
