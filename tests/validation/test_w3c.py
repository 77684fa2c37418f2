"""The W3C SHACL core test suite, on plain pySHACL and on the fast engine.

The cases are the data-shapes test suite's core folder, copied unchanged into
``tests/vendor/w3c-shacl-tests/`` (origin and licence in its README). For each case:

* plain pySHACL (rdflib graph, no inference, warnings not allowed: ``sh:conforms`` as the spec
  defines it) gives the manifest's expected report, except for the cases listed in
  ``PYSHACL_DEVIATIONS`` with what differs; the test fails if a listed case starts to match,
  so the list stays true;
* the fast engine (``hngraph.validation.fast.engine.validate_fast``, reading the case's file as
  ``hngraph validate`` does) gives exactly the results of plain pySHACL through
  ``hngraph.validation.validate(engine="rdflib")``, except for the cases listed in
  ``FAST_DEVIATIONS`` (three cases that pySHACL passes, not fixed yet: see there);
* so does ``validate(engine="oxigraph")``, except for ``OXIGRAPH_DEVIATIONS``.

Reports are compared as rows of ``hngraph.validation.compare`` (severity, focus node, path,
value with its lexical form, source shape, constraint component; blank nodes as ``_:``, full
IRIs), as multisets, plus ``sh:conforms``; messages are not compared (the suite leaves them open).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from hngraph.validation import validate
from hngraph.validation.compare import conforms, result_rows
from hngraph.validation.fast.engine import validate_fast

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "tests" / "vendor" / "w3c-shacl-tests"
SUITE = VENDOR / "core"
SPARQL_SUITE = VENDOR / "sparql"  # SHACL-SPARQL: plain pySHACL only (check 16 of docs/security.md)
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
SHT = "http://www.w3.org/ns/shacl-test#"
NO_PREFIXES: dict[str, str] = {}

#: Cases where plain pySHACL (0.40) gives another report than the manifest's, and how.
PYSHACL_DEVIATIONS: dict[str, str] = {
    "sparql/pre-binding/shapesGraph-001": (
        "the case expects $shapesGraph pre-bound; pySHACL does not bind it (SHACL leaves "
        "$shapesGraph optional for processors)"
    ),
    "property/uniqueLang-002": (
        'sh:uniqueLang "1"^^xsd:boolean (another lexical form of true): the manifest expects it '
        "to be ignored (conforms, no result); pySHACL applies it and reports a "
        "UniqueLangConstraintComponent result"
    ),
}

#: Cases where the fast engine differs from plain pySHACL. Not fixed yet, all three for one
#: reason: pyoxigraph 0.5 stores XSD literals in canonical form ("4.0"^^xsd:decimal as "4") and
#: every derived integer type, ill-typed or not, as xsd:integer ("300"^^xsd:byte as
#: "300"^^xsd:integer), so the suspects confirmed by pySHACL carry rewritten values (and an
#: ill-typed value may be missed). pySHACL passes these cases.
FAST_DEVIATIONS: dict[str, str] = {
    "node/maxExclusive-001": 'reports "4"^^xsd:decimal where the data has "4.0"',
    "node/minExclusive-001": 'reports "4"^^xsd:decimal where the data has "4.0"',
    "property/datatype-ill-formed": 'reports "300"^^xsd:integer where the data has "300"^^xsd:byte',
}


@dataclass(frozen=True)
class Case:
    """One ``sht:Validate`` entry: its file, data and shapes graphs, and expected report."""

    name: str  # folder/entry, e.g. "node/datatype-001"
    file: Path
    data: Path
    shapes: Path


def _path(iri: object) -> Path:
    text = str(iri)
    assert text.startswith("file://"), text
    return Path(text[len("file://") :].split("#")[0])


def _cases(suite: Path = SUITE, prefix: str = "") -> list[Case]:
    found = []
    for manifest in sorted(suite.glob("*/manifest.ttl")):
        graph = Graph().parse(manifest, publicID=manifest.as_uri())
        for include in sorted(graph.objects(None, URIRef(MF + "include")), key=str):
            file = _path(include)
            tests = Graph().parse(file, publicID=file.as_uri())
            for entries in tests.objects(None, URIRef(MF + "entries")):
                for entry in Collection(tests, entries):
                    if (entry, RDF.type, URIRef(SHT + "Validate")) not in tests:
                        continue
                    action = tests.value(entry, URIRef(MF + "action"))
                    data = tests.value(action, URIRef(SHT + "dataGraph"))
                    shapes = tests.value(action, URIRef(SHT + "shapesGraph"))
                    name = f"{prefix}{manifest.parent.name}/{str(entry).rsplit('/', 1)[-1]}"
                    found.append(Case(name, file, _path(data), _path(shapes)))
    return sorted(found, key=lambda case: case.name)


CASES = _cases()
SPARQL_CASES = _cases(SPARQL_SUITE, "sparql/")


def _graph(path: Path) -> Graph:
    return Graph().parse(path, publicID=path.as_uri())


def _rows(results_graph: Graph) -> tuple:
    return (conforms(results_graph), result_rows(results_graph, NO_PREFIXES))


def expected(case: Case) -> tuple:
    """``(conforms, rows)`` of the manifest's expected report."""
    tests = _graph(case.file)
    entry = URIRef(case.file.as_uri().rsplit("/", 1)[0] + "/" + case.name.rsplit("/", 1)[1])
    report = tests.value(entry, URIRef(MF + "result"))
    assert report is not None, case
    expected_graph = Graph()
    for triple in tests:
        expected_graph.add(triple)
    for node in list(expected_graph.subjects(RDF.type, SH.ValidationReport)):
        if node != report:  # only the expected report counts as a report
            expected_graph.remove((node, RDF.type, None))
    return _rows(expected_graph)


def plain_pyshacl(case: Case) -> tuple:
    """``(conforms, rows)`` of pySHACL itself (no warnings allowed, as the spec has it)."""
    import pyshacl

    _, results_graph, _ = pyshacl.validate(
        _graph(case.data), shacl_graph=_graph(case.shapes), inference="none", advanced=False
    )
    return _rows(results_graph)


def project_plain(case: Case) -> tuple:
    """``(conforms, rows)`` of ``hngraph.validation.validate`` on rdflib (plain pySHACL)."""
    report = validate(_graph(case.data), _graph(case.shapes), engine="rdflib")
    return (report.conforms, result_rows(report.results_graph, NO_PREFIXES))


def fast_engine(case: Case) -> tuple:
    """``(conforms, rows)`` of the fast engine, reading the data file as ``hngraph validate``."""
    report = validate_fast([case.data], _graph(case.shapes))
    return (report.conforms, result_rows(report.results_graph, NO_PREFIXES))


#: Cases where pySHACL on an Oxigraph store (``validate``'s default engine for graphs) differs
#: from plain pySHACL. Not fixed yet: the store rewrites XSD literals as in ``FAST_DEVIATIONS``.
#: (hasValue-001 and in-001 were false results on plain strings, fixed by ``typed_strings``.)
OXIGRAPH_DEVIATIONS: dict[str, str] = {
    "property/datatype-ill-formed": '"300"^^xsd:byte stored and reported as xsd:integer',
    "property/or-datatypes-001": 'the ill-typed "none"^^xsd:boolean is rewritten by the store',
}


def project_oxigraph(case: Case) -> tuple:
    """``(conforms, rows)`` of ``hngraph.validation.validate`` on an Oxigraph copy."""
    report = validate(_graph(case.data), _graph(case.shapes), engine="oxigraph")
    return (report.conforms, result_rows(report.results_graph, NO_PREFIXES))


def test_case_count() -> None:
    assert len(CASES) == 98  # every sht:Validate entry of the core folder
    assert len(SPARQL_CASES) == 22  # and of the SHACL-SPARQL folder (120 in all)


def expects_failure(case: Case) -> bool:
    """The manifest expects the processor to fail (``mf:result sht:Failure``), not a report."""
    tests = _graph(case.file)
    entry = URIRef(case.file.as_uri().rsplit("/", 1)[0] + "/" + case.name.rsplit("/", 1)[1])
    return tests.value(entry, URIRef(MF + "result")) == URIRef(SHT + "Failure")


def plain_outcome(case: Case) -> object:
    """pySHACL's ``(conforms, rows)``, or ``"failure"`` when it refuses to validate."""
    try:
        return plain_pyshacl(case)
    except Exception:  # pySHACL signals an unsupported or invalid shapes graph by raising
        return "failure"


@pytest.mark.parametrize("case", CASES + SPARQL_CASES, ids=lambda case: case.name)
def test_plain_pyshacl_gives_the_manifest_report(case: Case) -> None:
    wanted = "failure" if expects_failure(case) else expected(case)
    if case.name in PYSHACL_DEVIATIONS:
        assert plain_outcome(case) != wanted, "a listed deviation is gone: unlist it"
    else:
        assert plain_outcome(case) == wanted


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_fast_engine_gives_plain_pyshacls_report(case: Case) -> None:
    if case.name in FAST_DEVIATIONS:
        assert fast_engine(case) != project_plain(case), "a listed deviation is gone: unlist it"
    else:
        assert fast_engine(case) == project_plain(case)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_oxigraph_engine_gives_plain_pyshacls_report(case: Case) -> None:
    if case.name in OXIGRAPH_DEVIATIONS:
        assert project_oxigraph(case) != project_plain(case), "a listed deviation is gone"
    else:
        assert project_oxigraph(case) == project_plain(case)
