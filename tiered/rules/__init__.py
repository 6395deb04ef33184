"""Resilience rules: one small module per rule (``trNNN.py``), read from the analysis.

Where things are: ``catalogue`` loads the rules (the registry ``tiered rules`` shows) from
the published ids of ``tiered.rule_ids``, which validation reads without loading any rule;
``base`` is what every rule shares, ``runner`` runs the catalogue over an analysed plan.
To add a rule: write ``trNNN.py`` declaring ``ID = "TRNNN"``, publish the id in
``tiered/rule_ids.py``, and give it fixtures under ``tests/rules/``. Rules read the
analysis; the analysis never imports a rule.
"""
