"""The store interface: same answers on every backend, safe query text, nothing fetched."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from hngraph.rdf.terms import (
    RDF_LANGSTRING,
    XSD_BOOLEAN,
    XSD_DECIMAL,
    XSD_DOUBLE,
    XSD_INTEGER,
    XSD_STRING,
    canonical_lexical,
)
from hngraph.sparql.text import check, subquery_variables, variables, with_values
from hngraph.store import (
    IRI,
    BlankNode,
    Literal,
    QueryTextError,
    Store,
    StoreError,
    literal,
    open_store,
)

ROOT = Path(__file__).resolve().parents[2]
HN = "https://w3id.org/hngraph/"

COMPUTED = """
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT ?decimal ?average ?double ?tagged ?plain ?integer ?flag ?unbound ?iri
WHERE {
  BIND(1.50 AS ?decimal)
  BIND((1 + 2) / 2 AS ?average)
  BIND(15e-1 AS ?double)
  BIND(STRLANG("湖南", "ZH") AS ?tagged)
  BIND("x" AS ?plain)
  BIND("007"^^xsd:integer AS ?integer)
  BIND(1 < 2 AS ?flag)
  OPTIONAL { ?nothing <http://example.org/never-used> ?unbound }
  BIND(IRI("http://example.org/a") AS ?iri)
}
"""


def test_computed_terms_are_normalised_alike(any_store: Store) -> None:
    result = any_store.select(COMPUTED)
    assert result.columns == (
        "decimal",
        "average",
        "double",
        "tagged",
        "plain",
        "integer",
        "flag",
        "unbound",
        "iri",
    )
    assert result.rows == (
        (
            Literal("1.5", XSD_DECIMAL),
            Literal("1.5", XSD_DECIMAL),
            Literal("1.5E0", XSD_DOUBLE),
            Literal("湖南", RDF_LANGSTRING, "zh"),
            Literal("x", XSD_STRING),
            Literal("7", XSD_INTEGER),
            Literal("true", XSD_BOOLEAN),
            None,
            IRI("http://example.org/a"),
        ),
    )


BINDINGS = """
PREFIX hn: <https://w3id.org/hngraph/def/>
SELECT ?task WHERE {
  ?task hn:taskNumber ?_n_integer ; hn:leadDepartment ?_lead_iri .
  FILTER(CONTAINS(STR(?task), ?_part_literal))
}
"""


@pytest.mark.parametrize(
    ("values", "rows"),
    [
        ({"_n_integer": literal("7", XSD_INTEGER)}, 1),
        ({"_n_integer": literal("31", XSD_INTEGER)}, 0),
        ({"_n_integer": literal("7")}, 0),  # a string is not the integer 7
    ],
)
def test_bindings_are_terms(any_store: Store, values: dict, rows: int) -> None:
    bindings = {
        "_lead_iri": IRI(HN + "id/org/hunan-education-department"),
        "_part_literal": literal("hunan-vet-reform"),
        **values,
    }
    assert len(any_store.select(BINDINGS, bindings).rows) == rows


def test_ask_and_construct(any_store: Store) -> None:
    assert any_store.ask("ASK { ?s a <https://w3id.org/hngraph/def/Task> }") is True
    assert any_store.ask("ASK { ?s a <https://w3id.org/hngraph/def/Nothing> }") is False
    triples = any_store.construct(
        "PREFIX hn: <https://w3id.org/hngraph/def/> "
        "CONSTRUCT { ?t hn:taskNumber ?n } WHERE { ?t hn:taskNumber ?n FILTER(?n <= 2) }"
    )
    assert [(t[0].value.rsplit("/", 1)[1], t[2]) for t in triples] == [
        ("1", Literal("1", XSD_INTEGER)),
        ("2", Literal("2", XSD_INTEGER)),
    ]


def test_wrong_form_is_refused(embedded_store: Store) -> None:
    with pytest.raises(StoreError, match="expected a SELECT query, got ASK"):
        embedded_store.select("ASK {}")


def test_syntax_errors_are_store_errors(any_store: Store) -> None:
    with pytest.raises(Exception) as caught:
        any_store.select("SELECT ?x WHERE { ?x ?y }")
    from hngraph.errors import HngraphError

    assert isinstance(caught.value, HngraphError)


@pytest.fixture(scope="module")
def canary() -> Iterator[tuple[str, list[bytes]]]:
    """A loopback listener that records every connection it receives (there must be none)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.1)
    seen: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                continue
            with connection:
                connection.settimeout(0.5)
                try:
                    seen.append(connection.recv(1000))
                except OSError:
                    seen.append(b"")

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/", seen
    stop.set()
    thread.join(timeout=2)
    server.close()


FETCHING = [
    "SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE SILENT <{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { \\u0053ERVICE <{url}> { ?s ?p ?o } }",
    "select * where { service <{url}> { ?s ?p ?o } }",
    "SELECT * FROM <{url}> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <{url}> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "ASK FROM <{url}> { ?s ?p ?o }",
    "CONSTRUCT { ?s ?p ?o } FROM <{url}> WHERE { ?s ?p ?o }",
    "LOAD <{url}>",
    "INSERT DATA { <x:a> <x:b> <x:c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "PREFIX x: <x:> SELECT * WHERE { ?s ?p ?o } # fine so far\nSERVICE <{url}> {}",
]


@pytest.mark.parametrize("template", FETCHING)
def test_fetching_and_updating_queries_are_refused(any_store, canary, template: str) -> None:
    url, seen = canary
    query = template.replace("{url}", url)
    with pytest.raises(QueryTextError, match="is refused"):
        check(query)
    with pytest.raises(QueryTextError, match="is refused"):
        any_store.select(query)
    assert seen == [], "nothing may be fetched"


@pytest.mark.parametrize(
    "query",
    [
        'SELECT ("SERVICE FROM LOAD" AS ?x) {}',
        "SELECT ?x { ?x <http://example.org/from#service> ?load } # SERVICE <x:y>",
        "PREFIX from: <http://example.org/> SELECT ?x { ?x from:service ?y }",
        "SELECT ?service ?from { BIND('''LOAD\nINSERT''' AS ?service) }",
        'SELECT ?x { ?x ?p "a"@from }',
    ],
)
def test_keywords_inside_strings_iris_names_and_comments_are_fine(query: str) -> None:
    assert check(query).form == "SELECT"


def test_query_forms() -> None:
    assert check("PREFIX a: <x:> BASE <x:> ASK {}").form == "ASK"
    assert check("# comment\nCONSTRUCT WHERE { ?s ?p ?o }").form == "CONSTRUCT"
    assert check("DESCRIBE <x:a>").form == "DESCRIBE"
    with pytest.raises(QueryTextError, match="expected SELECT"):
        check("CLEAN ALL")
    with pytest.raises(QueryTextError, match="empty"):
        check("# nothing\n")


def test_values_row_opens_the_outer_where_group() -> None:
    checked = check('SELECT ?a WHERE { ?a ?b "{" { SELECT ?c WHERE { ?c ?d ?e } } } ORDER BY ?a')
    text = with_values(checked, {"_x": literal('a" } DROP ALL { "'), "_i": IRI("http://e.org/")})
    assert text.startswith(
        'SELECT ?a WHERE { VALUES (?_i ?_x) { (<http://e.org/> "a\\" } DROP ALL { \\"") } '
    )
    assert check(text).form == "SELECT"
    constructed = with_values(check("CONSTRUCT { ?s ?p ?o } { ?s ?p ?o }"), {"_x": literal("1")})
    assert constructed == 'CONSTRUCT { ?s ?p ?o } { VALUES (?_x) { ("1") }  ?s ?p ?o }'


def test_values_row_round_trips_through_a_parser() -> None:
    nasty = literal('\\"\n\r\t\x01 }">{ \u2028 湖南', language="zh")
    text = with_values(check("SELECT ?v WHERE { }"), {"v": nasty})
    store = ox.Store()
    (solution,) = list(store.query(text))
    assert solution["v"] == ox.Literal(nasty.value, language="zh")


def test_unsafe_iri_cannot_be_serialised() -> None:
    with pytest.raises(ValueError, match="not allowed in an IRI"):
        IRI("http://e.org/a> } DROP ALL { <x").n3()


def test_variables_and_subqueries() -> None:
    text = "SELECT ?a { ?a ?_p_iri ?b { SELECT ?c { ?c ?_q_iri ?d } } }"
    assert variables(text) == ["a", "_p_iri", "b", "c", "_q_iri", "d"]
    assert subquery_variables(text) == {"c", "_q_iri", "d"}


@pytest.mark.parametrize(
    ("value", "datatype", "canonical"),
    [
        ("007", XSD_INTEGER, "7"),
        ("+3", XSD_INTEGER, "3"),
        ("1.50", XSD_DECIMAL, "1.5"),
        ("2", XSD_DECIMAL, "2.0"),
        ("-0.0", XSD_DECIMAL, "0.0"),
        ("1e3", XSD_DOUBLE, "1.0E3"),
        ("0.015", XSD_DOUBLE, "1.5E-2"),
        ("1", XSD_BOOLEAN, "true"),
        ("not a number", XSD_INTEGER, "not a number"),
        (" x ", XSD_STRING, " x "),
    ],
)
def test_canonical_lexical_forms(value: str, datatype: str, canonical: str) -> None:
    assert canonical_lexical(value, datatype) == canonical


def test_plain_terms() -> None:
    assert literal("a", language="ZH-Hans") == Literal("a", RDF_LANGSTRING, "zh-hans")
    assert literal("a").n3() == '"a"'
    assert literal("5", XSD_INTEGER).to_python() == 5
    assert BlankNode("b0").n3() == "_:b0"


def test_open_store_backends(dataset_path: Path) -> None:
    assert open_store(data=[dataset_path]).name == "embedded"
    assert open_store(data=[dataset_path], backend="rdflib").name == "rdflib"
    with pytest.raises(StoreError, match="unknown backend"):
        open_store(data=[dataset_path], backend="sqlite")
    with pytest.raises(StoreError, match="no such dataset file"):
        open_store(data=[dataset_path.with_name("missing.ttl")])


def test_quad_files_are_queried_as_one_default_graph(tmp_path: Path) -> None:
    path = tmp_path / "data.trig"
    path.write_text("<x:g> { <x:a> <x:p> <x:b> } <x:c> <x:p> <x:d> .", encoding="utf-8")
    for backend in ("embedded", "rdflib"):
        store = open_store(data=[path], backend=backend)
        assert len(store.select("SELECT * { ?s <x:p> ?o }").rows) == 2


def test_embedded_query_path_imports_no_heavy_library() -> None:
    code = (
        "import sys\n"
        "from hngraph.commands.main import main\n"
        "main(['query', 'department-workload', '--format', 'csv'])\n"
        "loaded = {m.split('.')[0] for m in sys.modules}\n"
        "heavy = sorted(loaded & {'rdflib', 'pyshacl', 'SPARQLWrapper'})\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "HEAVY []" in done.stderr
    assert done.stdout.startswith(
        "department,name_zh,name_en,lead_count,supporting_count,total_count\n"
    )


def test_describe_gives_the_resource_description(any_store: Store, dataset_path: Path) -> None:
    subject = HN + "id/org/hunan-commerce-department"
    triples = any_store.construct(f"DESCRIBE <{subject}>")
    expected = {q for q in ox.parse(path=str(dataset_path)) if q.subject == ox.NamedNode(subject)}
    assert len(triples) == len(expected) > 5
    assert {t[0] for t in triples} == {IRI(subject)}


def test_terms_are_immutable_values() -> None:
    assert IRI("x") == IRI("x") and hash(IRI("x")) == hash(IRI("x"))
    assert IRI("x") != BlankNode("x")
    assert Literal("1", XSD_INTEGER) != Literal("1")
    assert repr(Literal("a", RDF_LANGSTRING, "zh")) == (
        f"Literal(value='a', datatype='{RDF_LANGSTRING}', language='zh')"
    )
    with pytest.raises(AttributeError):
        IRI("x").value = "y"  # type: ignore[misc]


def test_jsonld_with_a_remote_context_is_not_fetched(
    tmp_path: Path, canary: tuple[str, list[bytes]]
) -> None:
    url, seen = canary
    path = tmp_path / "data.jsonld"
    path.write_text(
        f'{{"@context": "{url}ctx.jsonld", "@id": "http://e.org/a", "http://e.org/b": "c"}}'
    )
    with pytest.raises(StoreError, match="cannot load"):
        open_store(data=[path])
    assert seen == []


def test_why_embedded_bindings_use_values_not_substitutions() -> None:
    """pyoxigraph 0.5 substitutes only variables of the SELECT projection (SEP-0007 style),
    but catalogue parameters are not result columns; if this starts to pass, reconsider."""
    store = ox.Store()
    with pytest.raises(RuntimeError, match="SELECT projection"):
        store.query(
            "SELECT ?s WHERE { ?s ?p ?_x }",
            substitutions={ox.Variable("_x"): ox.NamedNode("http://e.org/x")},
        )


def test_embedded_results_read_back_every_term_exactly(dataset_path: Path) -> None:
    """The embedded store reads SELECT results from pyoxigraph's TSV serialisation; every term
    of the dataset comes back as pyoxigraph's own term objects say."""
    from hngraph.rdf.convert import from_oxigraph as to_term
    from hngraph.store.embedded import EmbeddedStore

    store = EmbeddedStore([dataset_path])
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    expected = [tuple(to_term(term) for term in row) for row in store._store.query(query)]
    assert sorted(store.select(query).rows, key=repr) == sorted(expected, key=repr)
    assert len(expected) > 4000


def test_embedded_results_keep_awkward_terms() -> None:
    from hngraph.store.embedded import EmbeddedStore

    nasty = 'a"b\\c\td\ne\r\x01\u2028 “x” \\u0041 \\t'
    store = EmbeddedStore()
    subject = ox.NamedNode("http://e.org/a")
    store._store.add(
        ox.Quad(subject, ox.NamedNode("http://e.org/p"), ox.Literal(nasty, language="zh"))
    )
    not_a_number = ox.Literal("abc", datatype=ox.NamedNode(XSD_INTEGER))
    store._store.add(ox.Quad(subject, ox.NamedNode("http://e.org/n"), not_a_number))
    result = store.select(
        "SELECT ?o ?plain ?bad ?typed ?big ?missing ?blank WHERE {"
        " ?s <http://e.org/p> ?o ; <http://e.org/n> ?bad BIND(STR(?o) AS ?plain)"
        ' BIND("x"^^<http://e.org/dt> AS ?typed) BIND(12345678901234567890 AS ?big)'
        " OPTIONAL { ?s <http://e.org/none> ?missing } BIND(BNODE() AS ?blank) }"
    )
    (row,) = result.rows
    assert row[:6] == (
        Literal(nasty, RDF_LANGSTRING, "zh"),
        Literal(nasty, XSD_STRING),
        Literal("abc", XSD_INTEGER),
        Literal("x", "http://e.org/dt"),
        Literal("12345678901234567890", XSD_INTEGER),
        None,
    )
    assert isinstance(row[6], BlankNode)
    assert store.select("SELECT ?x WHERE { OPTIONAL { ?a <http://e.org/none> ?x } }").rows == (
        (None,),
    )
    assert store.select("SELECT * WHERE { }").rows == ((),)
