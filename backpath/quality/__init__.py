"""The clinic's quality of care (issue #15): guideline adherence and outcomes for a period,
with the counts behind every figure (``measures.yaml`` says what each counts and its target;
``figures.py`` counts it)."""
