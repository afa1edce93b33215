"""The clinical core: scoring, red-flag triage, stratification, care pathway and progress.

Pure Python: no Django, no web, database or PDF library, no clock and no I/O beyond reading
its own packaged data files (an import-linter contract keeps it so). Every decision returns
the rules that fired with their citation ids and the rule-set version.
"""
