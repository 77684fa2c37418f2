"""Every conversion between term kinds, in one place: pyoxigraph, rdflib, SPARQL JSON, values.

The project's own value terms (``hngraph.rdf.terms``: what every store returns) come from
pyoxigraph terms, rdflib nodes or SPARQL 1.1 JSON results; rdflib and pyoxigraph terms convert into
each other. rdflib is imported only by the functions that need it (it takes ~100 ms to import).
``"x"^^xsd:string`` becomes the plain ``"x"`` on the way into rdflib, as pySHACL reports it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from hngraph.errors import HngraphError
from hngraph.rdf.terms import IRI, XSD_STRING, BlankNode, Literal, Term, literal

if TYPE_CHECKING:
    from rdflib.term import Identifier, Node


class TermError(HngraphError):
    """A term that cannot be converted (an RDF-star triple term, a malformed JSON binding)."""


def to_rdflib(term: object) -> Identifier:
    """A pyoxigraph term or a value term as an rdflib term."""
    from rdflib import BNode, URIRef
    from rdflib import Literal as RdfLiteral

    if isinstance(term, ox.NamedNode | IRI):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode | BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        language, datatype = term.language, term.datatype.value
    elif isinstance(term, Literal):
        language, datatype = term.language, term.datatype
    else:
        raise TermError(f"cannot convert {term!r} to an rdflib term")
    if language:
        return RdfLiteral(term.value, lang=language)
    if datatype == XSD_STRING:
        return RdfLiteral(term.value)
    return RdfLiteral(term.value, datatype=URIRef(datatype))


def to_oxigraph(term: object) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as a pyoxigraph term (a pyoxigraph term is returned as it is)."""
    from rdflib import BNode, URIRef
    from rdflib import Literal as RdfLiteral

    if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal):
        return term
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if not isinstance(term, RdfLiteral):
        raise TermError(f"cannot convert {term!r} to a pyoxigraph term")
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD_STRING)))


def from_oxigraph(node: object) -> Term | None:
    """A value term from a pyoxigraph term (``None`` stays ``None``)."""
    if node is None:
        return None
    if isinstance(node, ox.NamedNode):
        return IRI(node.value)
    if isinstance(node, ox.BlankNode):
        return BlankNode(node.value)
    if isinstance(node, ox.Literal):
        return literal(node.value, node.datatype.value, node.language)
    raise TermError(f"unsupported term in a result: {node!r}")


def from_rdflib(node: Node | None) -> Term | None:
    """A value term from an rdflib node (``None`` stays ``None``)."""
    from rdflib import BNode, URIRef
    from rdflib import Literal as RdfLiteral

    if node is None:
        return None
    if isinstance(node, URIRef):
        return IRI(str(node))
    if isinstance(node, BNode):
        return BlankNode(str(node))
    if isinstance(node, RdfLiteral):
        datatype = str(node.datatype) if node.datatype is not None else None
        return literal(str(node), datatype, node.language)
    raise TermError(f"unsupported term in a result: {node!r}")


def from_sparql_json(value: Any) -> Term | None:
    """A value term from one binding of a SPARQL 1.1 JSON result (``None`` when unbound)."""
    if value is None:
        return None
    kind = value.get("type") if isinstance(value, dict) else None
    text = value.get("value") if isinstance(value, dict) else None
    if not isinstance(text, str):
        raise TermError(f"bad term in the answer: {value!r}")
    if kind == "uri":
        return IRI(text)
    if kind == "bnode":
        return BlankNode(text)
    if kind in ("literal", "typed-literal"):
        return literal(text, value.get("datatype"), value.get("xml:lang"))
    raise TermError(f"unsupported term type {kind!r}")


_KINDS: dict[type, int] = {
    ox.NamedNode: 0,
    IRI: 0,
    ox.BlankNode: 1,
    BlankNode: 1,
    ox.Literal: 2,
    Literal: 2,
}


def term_key(term: object) -> tuple[int, str, str, str]:
    """A total, deterministic order on pyoxigraph and value terms alike: IRIs, then blank
    nodes, then literals (by lexical form, datatype, language), then anything else (an
    unbound value, the default graph)."""
    kind = _KINDS.get(type(term), 3)
    if kind < 2:
        return (kind, term.value, "", "")  # type: ignore[attr-defined]
    if kind == 2:
        datatype = term.datatype  # type: ignore[attr-defined]
        return (
            2,
            term.value,  # type: ignore[attr-defined]
            datatype if isinstance(datatype, str) else datatype.value,
            term.language or "",  # type: ignore[attr-defined]
        )
    return (3, "" if term is None else str(term), "", "")
