"""`python -m tiered`: the same entry as the `tiered` console script."""

from tiered.cli.entry import run

run()
