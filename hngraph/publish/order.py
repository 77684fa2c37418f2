"""The one display order of pages: natural sort, so that task 2 comes before task 10."""

from __future__ import annotations

import re

_RUNS = re.compile(r"(\d+)")

NaturalKey = tuple[tuple[tuple[int, int, str], ...], str]


def natural_key(text: str) -> NaturalKey:
    """Sort key of a text with its digit runs compared as numbers (``task/2`` < ``task/10``).

    Other runs compare case-folded; ties are broken by the text as written, so the order is total
    and does not depend on the input order. A digit run sorts before other text at the same place.
    """
    parts = []
    for index, run in enumerate(_RUNS.split(text)):
        if not run:
            continue
        if index % 2:  # the split keeps digit runs at odd places
            parts.append((0, int(run), ""))
        else:
            parts.append((1, 0, run.casefold()))
    return tuple(parts), text


def display_key(term: object) -> tuple[NaturalKey, str]:
    """Display order of RDF terms (pyoxigraph): natural order of the IRI or lexical form, then
    the term's N-Triples text, so equal texts of different kinds still sort the same way."""
    return natural_key(getattr(term, "value", str(term))), str(term)
