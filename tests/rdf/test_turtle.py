"""The Turtle writer (escaping, names, order, both parsers agree) and the atomic/comparing sinks."""

from __future__ import annotations

import io
import os
import random
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from hngraph.errors import HngraphError
from hngraph.rdf.files import ComparingSink, atomic_stream
from hngraph.rdf.turtle import TurtleWriter, natural_key, turtle_bytes

EX = "https://example.org/ns/"
PREFIXES = {"ex": EX, "rdf": str(RDF), "rdfs": str(RDFS), "xsd": str(XSD)}
S = URIRef(EX + "s")
P = URIRef(EX + "p")

AWKWARD_LITERALS = [
    Literal("plain"),
    Literal("quote \" and backslash \\ and apostrophe '"),
    Literal("new\nline, carriage\rreturn, tab\t, bell\x07, escape\x1b, delete\x7f, form\x0c"),
    Literal("中文文本；带全角标点。"),
    Literal("ends with a backslash \\"),
    Literal("emoji 😀 and a line separator \u2028"),
    Literal(""),
    Literal("zh", lang="zh"),
    Literal("Hans", lang="zh-Hans"),
    Literal("English", lang="en"),
    Literal("typed string", datatype=XSD.string),
    Literal(7),
    Literal(-12),
    Literal(0),
    Literal("007", datatype=XSD.integer, normalize=False),
    Literal("+5", datatype=XSD.integer, normalize=False),
    Literal("not a number", datatype=XSD.integer, normalize=False),
    Literal(True),
    Literal("8206", datatype=XSD.nonNegativeInteger),
    Literal("2.50", datatype=XSD.decimal, normalize=False),
    Literal("1.0E3", datatype=XSD.double, normalize=False),
    Literal("2021-05-10", datatype=XSD.date),
    Literal("2022", datatype=XSD.gYear),
    Literal("x", datatype=URIRef("https://example.org/other/type")),
]

IRIS = [
    URIRef(EX + "simple"),
    URIRef(EX + "with-dash_and.dot"),
    URIRef(EX + "ends.with.dot."),
    URIRef(EX + "9starts-with-digit"),
    URIRef(EX + "path/with/slashes/7"),
    URIRef(EX + "percent%20encoded"),
    URIRef(EX + "中文"),
    URIRef(EX + "query?x=1"),
    URIRef(EX + "frag#part"),
    URIRef(EX),
    URIRef("https://example.org/unprefixed"),
    URIRef("urn:isbn:0451450523"),
]


def _graph() -> Graph:
    graph = Graph()
    for number, value in enumerate(AWKWARD_LITERALS):
        graph.add((S, URIRef(f"{EX}literal{number}"), value))
    for iri in IRIS:
        graph.add((iri, RDF.type, URIRef(EX + "Thing")))
        graph.add((S, P, iri))
    graph.add((S, RDFS.label, Literal("label", lang="en")))
    return graph


def _plain(graph: Graph) -> set:
    """Triples with an explicit ``xsd:string`` dropped: RDF 1.1 makes it the default."""
    return {
        (s, p, Literal(str(o)) if isinstance(o, Literal) and o.datatype == XSD.string else o)
        for s, p, o in graph
    }


def _normalised(graph: Graph) -> set:
    """Typed literals as rdflib's parser makes them (it normalises lexical forms: 007 → 7)."""
    return {
        (s, p, Literal(str(o), datatype=o.datatype) if isinstance(o, Literal) and o.datatype else o)
        for s, p, o in graph
    }


def _from_oxigraph(data: bytes) -> set:
    """Parse with pyoxigraph and turn the triples into rdflib terms."""
    result = set()
    for triple in ox.parse(data, format=ox.RdfFormat.TURTLE):
        terms = []
        for term in (triple.subject, triple.predicate, triple.object):
            if isinstance(term, ox.NamedNode):
                terms.append(URIRef(term.value))
            elif isinstance(term, ox.Literal):
                if term.language:
                    terms.append(Literal(term.value, lang=term.language))
                elif term.datatype.value == str(XSD.string):
                    terms.append(Literal(term.value))
                else:
                    terms.append(Literal(term.value, datatype=term.datatype.value, normalize=False))
            else:
                raise AssertionError(f"unexpected term {term!r}")
        result.add(tuple(terms))
    return result


def test_rdflib_and_pyoxigraph_read_back_the_same_triples() -> None:
    graph = _graph()
    data = turtle_bytes(graph, "a header", PREFIXES)
    assert _normalised(Graph().parse(data=data, format="turtle")) == _normalised(graph)
    assert _from_oxigraph(data) == _plain(graph)  # pyoxigraph keeps lexical forms as written


def test_names_literals_and_layout() -> None:
    text = turtle_bytes(_graph(), "line one\n\nline three", PREFIXES).decode()
    assert text.startswith("# line one\n#\n# line three\n\nPREFIX ex: <https://example.org/ns/>\n")
    for expected in [
        "ex:simple",
        "ex:with-dash_and.dot",
        f"<{EX}ends.with.dot.>",
        f"<{EX}9starts-with-digit>",
        f"<{EX}path/with/slashes/7>",
        f"<{EX}percent%20encoded>",
        f"<{EX}中文>",
        " ex: ",
        "<urn:isbn:0451450523>",
        '"Hans"@zh-Hans',
        '"typed string"^^xsd:string',
        " 7 ;",
        " -12 ;",
        '"007"^^xsd:integer',
        '"+5"^^xsd:integer',
        " true ;",
        '"8206"^^xsd:nonNegativeInteger',
        '"2.50"^^xsd:decimal',
        '"x"^^<https://example.org/other/type>',
        r'"quote \" and backslash \\ and apostrophe ' + "'\"",
        r'"new\nline, carriage\rreturn, tab\t, bell\u0007, escape\u001B, delete\u007F, form\f"',
        '"中文文本；带全角标点。"',
    ]:
        assert expected in text, expected
    block = text[text.index("\nex:s\n") :]
    assert block.startswith('\nex:s\n    rdfs:label "label"@en ;\n    ex:literal0 ')
    assert "\n.\n" in block


def test_order_is_natural_and_independent_of_insertion() -> None:
    triples = [(URIRef(f"{EX}task/{n}"), RDF.type, URIRef(EX + "Task")) for n in (10, 2, 1)]
    triples += [(URIRef(EX + "list"), URIRef(EX + "hasTask"), t[0]) for t in triples]
    triples += [(URIRef(EX + "list"), RDFS.label, Literal(x, lang="en")) for x in ("b", "a")]
    triples += [(URIRef(EX + "list"), RDF.type, URIRef(EX + "List"))]
    outputs = set()
    for seed in range(5):
        random.Random(seed).shuffle(triples)
        graph = Graph()
        for triple in triples:
            graph.add(triple)
        outputs.add(turtle_bytes(graph, "h", PREFIXES))
    assert len(outputs) == 1
    text = outputs.pop().decode()
    assert text.index("<https://example.org/ns/task/2>\n") < text.index("ns/task/10>\n")
    assert (
        '\nex:list\n    a ex:List ;\n    rdfs:label\n        "a"@en ,\n        "b"@en ;\n'
        "    ex:hasTask\n        <https://example.org/ns/task/1> ,\n"
        "        <https://example.org/ns/task/2> ,\n        <https://example.org/ns/task/10> ;\n.\n"
    ) in text


def test_repeated_pairs_are_written_once() -> None:
    sink = io.BytesIO()
    writer = TurtleWriter(sink, PREFIXES, "h")
    writer.write_subjects({S: [(P, Literal("x")), (P, Literal("x")), (RDF.type, P)]})
    assert sink.getvalue().decode().endswith('\nex:s\n    a ex:p ;\n    ex:p "x" ;\n.\n')


def test_natural_key() -> None:
    names = ["task/10", "task/2", "task/1/measure/3", "task/1", "a01", "a1"]
    assert sorted(names, key=natural_key) == [
        "a01",
        "a1",
        "task/1",
        "task/1/measure/3",
        "task/2",
        "task/10",
    ]


@pytest.mark.parametrize(
    ("triple", "words"),
    [
        ((BNode(), P, Literal("x")), "blank node"),
        ((S, P, BNode()), "blank node"),
        ((URIRef(EX + "has space"), P, Literal("x")), "IRIs may not"),
        ((S, P, URIRef(EX + "a>b")), "IRIs may not"),
    ],
    ids=["blank-subject", "blank-object", "space-in-iri", "angle-in-iri"],
)
def test_what_turtle_cannot_hold_is_an_error(triple: tuple, words: str) -> None:
    sink = io.BytesIO()
    writer = TurtleWriter(sink, PREFIXES, "h")
    subject, predicate, value = triple
    with pytest.raises(HngraphError, match=words):
        writer.write_subjects({subject: [(predicate, value)]})


def test_atomic_stream_replaces_only_on_success(tmp_path: Path) -> None:
    target = tmp_path / "out" / "file.ttl"
    with atomic_stream(target) as stream:
        stream.write(b"first")
    assert target.read_bytes() == b"first"
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
    with pytest.raises(RuntimeError), atomic_stream(target) as stream:
        stream.write(b"half")
        raise RuntimeError("fails midway")
    assert target.read_bytes() == b"first"
    assert [p.name for p in target.parent.iterdir()] == ["file.ttl"]


def test_atomic_stream_failure_removes_the_folders_it_made(tmp_path: Path) -> None:
    target = tmp_path / "new" / "deeper" / "file.ttl"
    with pytest.raises(RuntimeError), atomic_stream(target) as stream:
        stream.write(b"half")
        raise RuntimeError("fails midway")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("existing", "same"),
    [(b"abcdef", True), (b"abcdeX", False), (b"abcde", False), (b"abcdefg", False), (None, False)],
    ids=["same", "differs", "shorter", "longer", "missing"],
)
def test_comparing_sink(tmp_path: Path, existing: bytes | None, same: bool) -> None:
    path = tmp_path / "file"
    if existing is not None:
        path.write_bytes(existing)
    with ComparingSink(path) as sink:
        for chunk in (b"ab", b"cd", b"ef"):
            sink.write(chunk)
    assert sink.same is same
