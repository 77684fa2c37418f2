"""The project's SPARQL prefixes for people: declared for them, and used to print IRIs back.

- ``declare(text)``: the query with every prefix of ``hngraph.vocab.SPARQL_PREFIXES`` that it does
  not declare itself put in front, on its first line (so error line numbers stay the user's).
- ``shorten(iri)``: the IRI as a valid SPARQL prefixed name (``hnorg:hunan-finance-department``),
  or as ``<IRI>`` when no prefix gives a valid local name; either pastes back into a query and
  into ``--param``.
- ``expand(name)``: the inverse, for parameter values (also reads ``<IRI>`` and ``hnid:org/x``).
"""

from __future__ import annotations

import re

from hngraph.sparql.text import expand_escapes, tokens
from hngraph.vocab import SPARQL_PREFIXES

# A conservative PN_LOCAL (SPARQL 1.1 grammar [169]): ASCII letters, digits, '_' and '-'. No '.':
# the grammar allows it inside a local name, but pyoxigraph 0.5 reads hn:0.2.0 as hn:0.2 and .0.
LOCAL = r"[A-Za-z0-9_][A-Za-z0-9_\-]*"
PREFIXED = r"([A-Za-z][A-Za-z0-9_\-]*)?:(.*)"


def declared(text: str) -> set[str]:
    """Prefix names that ``text`` declares (``PREFIX name: <...>``)."""
    names: set[str] = set()
    significant = [t for t in tokens(expand_escapes(text)) if t.kind not in ("space", "comment")]
    for index, token in enumerate(significant[:-1]):
        if token.kind == "word" and token.text.upper() == "PREFIX":
            following = significant[index + 1].text
            if following.endswith(":"):
                names.add(following[:-1])
    return names


def declare(text: str) -> str:
    """``text`` with the project's prefixes that it does not declare, on one line in front."""
    mine = declared(text)
    missing = [
        f"PREFIX {name}: <{iri}>" for name, iri in SPARQL_PREFIXES.items() if name not in mine
    ]
    return " ".join(missing) + " " + text if missing else text


def shorten(iri: str) -> str:
    """A valid prefixed name for ``iri`` (the longest namespace that gives one), else ``<iri>``."""
    best = ""
    for name, namespace in SPARQL_PREFIXES.items():
        longer = len(namespace) > len(SPARQL_PREFIXES.get(best, ""))
        if longer and iri.startswith(namespace) and re.fullmatch(LOCAL, iri[len(namespace) :]):
            best = name
    if best:
        return f"{best}:{iri[len(SPARQL_PREFIXES[best]) :]}"
    return f"<{iri}>"


def expand(value: str) -> str | None:
    """The IRI that ``value`` writes as ``<IRI>`` or a project prefixed name, else None.

    ``hnid:org/x`` and ``hnid:org\\/x`` (Turtle's escape) are read too, as people copy them.
    """
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1].strip()
    match = re.fullmatch(PREFIXED, text)
    if match and (match.group(1) or "") in SPARQL_PREFIXES:
        local = match.group(2).replace("\\", "")
        return SPARQL_PREFIXES[match.group(1) or ""] + local
    return None
