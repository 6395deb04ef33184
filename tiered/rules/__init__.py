"""Resilience rules: one small module per rule (``trNNN.py``), read from the analysis.

Where things are: ``catalogue`` lists the rules (the registry ``tiered rules`` shows),
``ids`` the published ids that validation needs without loading any rule, ``base`` what
every rule shares, ``runner`` runs the catalogue over an analysed plan. To add a rule:
write ``trNNN.py``, add it to ``catalogue`` and ``ids``, and give it fixtures under
``tests/rules/``. Rules read the analysis; the analysis never imports a rule.
"""
