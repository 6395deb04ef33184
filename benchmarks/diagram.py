"""Benchmark of `tiered diagram` against bare graphviz on the DOT it produced.

Run `python benchmarks/diagram.py [--runs N] [--services N]`. For the reference topology,
the largest example and a generated topology (``benchmarks.generate``, collapsed into
"×N" nodes), it prints the median wall time of:

* `tiered diagram FILE -o x.png` and `-o x.svg` (whole process: start-up, validation, plan,
  analysis for the findings, DOT, graphviz, and for SVG the icon embedding);
* `tiered diagram FILE --format dot` (everything but graphviz);
* bare `dot -Tpng` / `dot -Tsvg` on the DOT text that command wrote;
* in process: picture + DOT text from a ready plan, and the SVG icon embedding.

The renderer's own overhead is the difference between the first and the bare dot runs.
Timings are printed, never asserted: the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate  # noqa: E402
from tiered.pipeline import plan_file  # noqa: E402
from tiered.renderers.diagram.dot import build_dot  # noqa: E402
from tiered.renderers.diagram.graphviz import run_dot  # noqa: E402
from tiered.renderers.diagram.icons import resources_dir  # noqa: E402
from tiered.renderers.diagram.picture import build  # noqa: E402
from tiered.renderers.diagram.svg import embed_icons  # noqa: E402

TIERED = str(Path(sys.executable).with_name("tiered"))


def median_time(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(argv: list[str]) -> None:
    done = subprocess.run(argv, capture_output=True, check=False, timeout=600)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{done.stderr.decode()}")


def measure(path: Path, work: Path, runs: int) -> dict[str, float]:
    dot_file = work / f"{path.stem}.dot"
    bare = ["dot", f"-Gimagepath={resources_dir()}"]
    result = {
        "tiered png": median_time(
            lambda: run([TIERED, "diagram", str(path), "-o", str(work / "x.png")]), runs
        ),
        "tiered svg": median_time(
            lambda: run([TIERED, "diagram", str(path), "-o", str(work / "x.svg")]), runs
        ),
        "tiered dot text": median_time(
            lambda: run([TIERED, "diagram", str(path), "-f", "dot", "-o", str(dot_file)]), runs
        ),
    }
    result["bare dot -Tpng"] = median_time(
        lambda: run([*bare, "-Tpng", "-o", str(work / "y.png"), str(dot_file)]), runs
    )
    result["bare dot -Tsvg"] = median_time(
        lambda: run([*bare, "-Tsvg", "-o", str(work / "y.svg"), str(dot_file)]), runs
    )
    plan = plan_file(str(path))
    result["in-process picture+DOT"] = median_time(lambda: build_dot(build(plan)), runs)
    raw_svg = run_dot(build_dot(build(plan)), "svg").decode()
    result["in-process SVG embed"] = median_time(
        lambda: embed_icons(raw_svg, resources_dir()), runs
    )
    result["instances"] = len(plan.instances)
    result["DOT nodes"] = len(build(plan).nodes)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--services", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        generated = work / "generated.yaml"
        generated.write_text(
            yaml.safe_dump(generate(services=args.services, zones=3), sort_keys=False)
        )
        inputs = [ROOT / "topology.yaml", ROOT / "examples" / "marketplace-large.yaml", generated]
        for path in inputs:
            found = measure(path, work, args.runs)
            name = path.name if path != generated else f"generated ({args.services} services)"
            print(
                f"{name}: {found.pop('instances'):.0f} instances, "
                f"{found.pop('DOT nodes'):.0f} nodes drawn"
            )
            for key, seconds in found.items():
                print(f"  {key:<24} {seconds * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
