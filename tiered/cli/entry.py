"""Console-script entry: start-up tuned for a short-lived process.

* Python's cyclic garbage collector costs a large share of the time spent parsing a big
  topology (PyYAML allocates many small objects); the process exits moments later, so it
  is switched off before anything else is imported.
* pydantic looks for plugins by scanning the entry points of every installed package the
  first time a model is built; tiered uses none, so the scan is skipped unless the
  environment already says otherwise (``PYDANTIC_DISABLE_PLUGINS``).
"""

from __future__ import annotations


def run() -> None:
    import gc
    import os

    gc.disable()
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from tiered.cli.main import main

    main()
