"""Formatters of analysis results: text (rich), markdown, html, json, sarif, mef; one file each.

Each formatter returns a string; the command line prints it or writes it through
``tiered.writer``. Optional heavy imports (rich) stay inside the formatter that needs them.
"""
