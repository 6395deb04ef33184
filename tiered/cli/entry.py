"""Console-script entry: a short-lived process needs no cyclic garbage collector.

Python's collector costs a large share of the time spent parsing a big topology (PyYAML
allocates many small objects); the process exits moments later, so it is switched off
before anything else is imported.
"""

from __future__ import annotations


def run() -> None:
    import gc

    gc.disable()
    from tiered.cli.main import main

    main()
