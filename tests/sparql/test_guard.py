"""The query guard decides on the parsed query: SERVICE, FROM, FROM NAMED, LOAD and updates are
refused on every path that evaluates a query we did not write, before anything is fetched."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hngraph.sparql.catalogue import load_catalogue
from hngraph.sparql.text import QueryTextError, check, parsed_refusal
from hngraph.store import Store
from hngraph.store.embedded import EmbeddedStore
from hngraph.store.reference import RdflibStore
from hngraph.store.remote import RemoteStore

ROOT = Path(__file__).resolve().parents[2]

if TYPE_CHECKING:
    from conftest import Listener


def bypasses(port: int) -> list[str]:
    """Queries that reach another endpoint or load a graph, written to slip past a tokenizer."""
    target = f"http://127.0.0.1:{port}/sparql"
    return [
        # issue 15: a tokenizer reads `<2)SERVICE#>` as one IRI; SPARQL reads `<`, SERVICE, comment
        f"SELECT * WHERE {{ FILTER(1<2)SERVICE#>\n<{target}>{{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ FILTER(1<2)S\\u0045RVICE#>\n<{target}>{{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ FILTER(?a<?b)SERVICE#>\n<{target}>{{ ?s ?p ?o }} }}",
        "SELECT * WHERE { FILTER(1<2)FROM#>\n }",
        f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{target}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SeRvIcE SILENT <{target}> {{ ?s ?p ?o }} }}",
        f"PREFIX e: <http://127.0.0.1:{port}/> "
        "SELECT * WHERE { SERVICE e:sparql { ?s ?p ?o } }",
        f"SELECT * FROM <http://127.0.0.1:{port}/x.ttl> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <http://127.0.0.1:{port}/x.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        f"ASK {{ FILTER EXISTS {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"LOAD <http://127.0.0.1:{port}/x.ttl>",
        "INSERT DATA { <https://e.x/a> <https://e.x/p> 1 }",
        "DELETE WHERE { ?s ?p ?o }",
        "CLEAR ALL",
    ]


def test_the_issue_bypass_passed_the_tokens_but_not_the_parse(
    connection_listener: Listener,
) -> None:
    bypass = bypasses(connection_listener.port)[0]
    check(bypass, parse=False)  # the token layer alone is fooled, as issue 15 reports
    with pytest.raises(QueryTextError, match="SERVICE is refused"):
        check(bypass)
    assert parsed_refusal(bypass) is not None


@pytest.mark.parametrize("backend", ["embedded", "rdflib", "remote"])
def test_every_store_refuses_before_any_request(
    connection_listener: Listener, backend: str
) -> None:
    store: Store
    if backend == "embedded":
        store = EmbeddedStore()
    elif backend == "rdflib":
        store = RdflibStore()
    else:
        store = RemoteStore(f"http://127.0.0.1:{connection_listener.port}/query")
    before = connection_listener.connections
    for query in bypasses(connection_listener.port):
        with pytest.raises(QueryTextError):
            if query.lstrip().upper().startswith(("ASK", "SELECT", "PREFIX")):
                store.select(query) if "ASK" not in query[:4] else store.ask(query)
            else:
                store.construct(query)
    time.sleep(0.2)
    assert connection_listener.connections == before


def test_cli_sparql_refuses_the_bypass_with_exit_2(
    connection_listener: Listener, tmp_path: Path
) -> None:
    for number, query in enumerate(bypasses(connection_listener.port)):
        path = tmp_path / f"q{number}.rq"
        path.write_text(query, encoding="utf-8")
        done = subprocess.run(
            [sys.executable, "-m", "hngraph", "sparql", str(path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 2, (query, done.stderr)
        assert done.stdout == ""
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    time.sleep(0.2)
    assert connection_listener.connections == 0


def test_the_worker_runs_the_same_parse_step(connection_listener: Listener) -> None:
    from hngraph.server import protocol

    for query in bypasses(connection_listener.port):
        expanded = query.replace("\\u0045", "E")
        assert protocol.refusal(expanded) == parsed_refusal(expanded) is not None


def test_every_catalogue_query_passes_the_full_guard() -> None:
    catalogue = load_catalogue()
    assert len(catalogue) == 34
    for query in catalogue.values():
        assert check(query.text).text == query.checked.text, query.name


@pytest.mark.parametrize(
    "query",
    [
        'SELECT ?s WHERE { ?s ?p "SERVICE <http://127.0.0.1:9/> { }" }',
        "SELECT ?s WHERE { ?s ?p '''FROM\n<file:///etc/passwd>''' }",
        "# SERVICE <http://127.0.0.1:9/> in a comment\nSELECT ?s WHERE { ?s ?p ?o }",
        "SELECT ?s WHERE { ?s <https://e.x/SERVICE#FROM> ?o }",
        "PREFIX load: <https://e.x/> SELECT ?s WHERE { ?s load:from ?o }",
        "SELECT ?s WHERE { ?s ?p ?o FILTER(?o < 2) FILTER(?o > 1) }",
        'SELECT ?s WHERE { ?s ?p ?o FILTER(STR(?o) = "#>") }',
        "SELECT ?service WHERE { ?service ?p ?o }",
    ],
)
def test_keywords_inside_strings_comments_iris_and_names_are_not_refused(query: str) -> None:
    assert check(query).form == "SELECT"


def test_a_text_no_grammar_reads_is_refused_not_evaluated() -> None:
    with pytest.raises(QueryTextError, match="could not be parsed"):
        check("SELECT * WHERE { ?s ?p ?o ")


# --- property tests -------------------------------------------------------------------------

FRAGMENTS = [
    "SERVICE",
    "service",
    "S\\u0045RVICE",
    "FROM",
    "NAMED",
    "SILENT",
    "<{target}>",
    "<",
    ">",
    "#",
    "#>",
    "\n",
    " ",
    "{",
    "}",
    "(",
    ")",
    "1",
    "2",
    "FILTER(1<2)",
    "?s ?p ?o",
    ".",
    '"',
    "'",
    '"""',
    "\\",
    "BIND(<{target}> AS ?e)",
    "?e",
    "OPTIONAL",
    "LOAD",
    "INSERT",
]


@st.composite
def generated_queries(draw: st.DrawFn) -> str:
    """A SELECT query whose WHERE group is a random mix of SPARQL's tricky lexical pieces."""
    head = draw(st.sampled_from(["SELECT * WHERE {", "ASK {", "SELECT * {", "SELECT ?s WHERE {"]))
    body = draw(st.lists(st.sampled_from(FRAGMENTS), max_size=14))
    return head + " ".join(body) + "}" if draw(st.booleans()) else head + "".join(body) + "}"


@settings(
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(template=generated_queries())
def test_no_generated_query_that_passes_reaches_the_network(
    connection_listener: Listener, template: str
) -> None:
    """Whatever passes the guard is evaluated by pyoxigraph without one connection."""
    query = template.replace("{target}", f"http://127.0.0.1:{connection_listener.port}/sparql")
    before = connection_listener.connections
    try:
        checked = check(query)
    except QueryTextError:
        return
    with contextlib.suppress(SyntaxError, OSError, ValueError, RuntimeError):
        ox.Store().query(checked.text)
    assert connection_listener.connections == before, query


@settings(max_examples=1000, deadline=None)
@given(
    prefix=st.sampled_from(["", "# c\n", "PREFIX e: <https://e.x/>\n", "BASE <https://e.x/>\n"]),
    keyword=st.sampled_from(["SERVICE", "service", "SeRvIcE", "S\\u0045RVICE", "\\u0053ERVICE"]),
    silent=st.sampled_from(["", " SILENT", " silent"]),
    gap=st.sampled_from([" ", "\n", "\t", "#>\n", "# x\n", "  #<\n"]),
    lead=st.sampled_from(["", "FILTER(1<2)", "?x ?y ?z .", "OPTIONAL { ?x ?y ?z }"]),
    target=st.sampled_from(["<http://127.0.0.1:9/>", "?e", "e:x"]),
)
def test_service_in_any_spelling_is_refused(
    prefix: str, keyword: str, silent: str, gap: str, lead: str, target: str
) -> None:
    if target == "e:x":
        prefix = "PREFIX e: <http://127.0.0.1:9/>\n"
    query = f"{prefix}SELECT * WHERE {{ {lead}{keyword}{silent}{gap}{target} {{ ?s ?p ?o }} }}"
    with pytest.raises(QueryTextError):
        check(query)
