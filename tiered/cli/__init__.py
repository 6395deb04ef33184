"""The command line: a thin typer layer over ``tiered.pipeline``. Kept light to start fast."""
