"""The redundancy report: its data (``report_data``), one module per format, and the
exporters (``exporters``) that ``tiered report --format`` picks from the registry.

Each formatter returns a string; the one writer (``tiered.exporters.writer``) or the
command line puts it where it goes. Optional heavy imports (rich) stay inside the
formatter that needs them.
"""
