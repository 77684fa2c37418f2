"""Incremental validation: the shared part and each task list apart, cached by content hash.

``engine.validate_incremental`` (``hngraph validate --incremental``) gives the fast engine's
report; ``parts`` splits the data, ``locality`` proves that lists can be validated apart,
``cache`` keeps each part's results, ``codec`` writes them. docs/validation.md, "Incremental
validation".
"""
