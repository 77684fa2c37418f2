"""Several task lists in one dataset: own identities, no IRI collisions, validation, queries.

The second list, ``tests/fixtures/lists/synthetic-second-list.txt``, is synthetic test data
(its metadata says so); its departments are real registry aliases so that the build resolves them.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF

from hngraph import project
from hngraph.build.registry import load_registry
from hngraph.source.parse import parse_file
from hngraph.sparql.catalogue import CatalogueQuery, load_catalogue
from hngraph.store import Store, open_store
from hngraph.validation import load_shapes, validate
from hngraph.validation.fast import engine as fastvalidate
from hngraph.vocab import HN, HNID

ROOT = Path(__file__).resolve().parents[1]
HUNAN = Path("data/source/hunan-vet-reform.txt")
SECOND = Path("tests/fixtures/lists/synthetic-second-list.txt")
LISTS = {"hunan-vet-reform": HUNAN, "synthetic-second-list": SECOND}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """``hngraph build --source HUNAN --source SECOND --out tmp``, run as a user would."""
    out = tmp_path_factory.mktemp("multilist")
    argv = [sys.executable, "-m", "hngraph", "build", "--out", str(out)]
    for source in LISTS.values():
        argv += ["--source", str(source)]
    subprocess.run(argv, cwd=ROOT, check=True, capture_output=True)
    return out / "hngraph.ttl"


@pytest.fixture(scope="module")
def graph(built: Path) -> Graph:
    return Graph().parse(built)


def list_of(iri: URIRef) -> str | None:
    """The list slug an IRI belongs to by the IRI rule (``id/list/{list}/...``), else None."""
    text = str(iri)
    prefix = str(HNID) + "list/"
    return text[len(prefix) :].split("/", 1)[0] if text.startswith(prefix) else None


def test_the_second_list_says_it_is_synthetic() -> None:
    task_list = parse_file(ROOT / SECOND)
    assert task_list.slug == "synthetic-second-list"
    assert "合成测试数据" in task_list.title
    metadata = (ROOT / SECOND).with_suffix(".json").read_text(encoding="utf-8")
    assert "SYNTHETIC TEST DATA" in metadata and "合成测试数据" in metadata


def test_each_list_has_its_own_identity(graph: Graph) -> None:
    lists = set(graph.subjects(RDF.type, HN.TaskList))
    assert lists == {HNID[f"list/{slug}"] for slug in LISTS}
    titles = {graph.value(iri, DCTERMS.title) for iri in lists}
    assert len(titles) == 2
    sources = {graph.value(iri, DCTERMS.source) for iri in lists}
    assert len(sources) == 2 and None not in sources
    dataset_parts = set(graph.objects(HNID["dataset"], DCTERMS.hasPart))
    assert dataset_parts == lists


def test_no_iri_collisions(graph: Graph) -> None:
    for kind in (HN.Task, HN.Measure, HN.Responsibility):
        for node in graph.subjects(RDF.type, kind):
            owner = list_of(node)
            assert owner in LISTS, node
    for task in graph.subjects(RDF.type, HN.Task):
        (task_list,) = graph.objects(task, HN.taskList)  # exactly one list per task
        assert list_of(task) == list_of(task_list)
        for part in (*graph.objects(task, HN.hasMeasure), *graph.objects(task, HN.responsibility)):
            assert str(part).startswith(str(task) + "/")
    numbers = Counter(
        (list_of(t), int(graph.value(t, HN.taskNumber))) for t in graph.subjects(RDF.type, HN.Task)
    )
    assert max(numbers.values()) == 1  # task 1 of each list is its own node
    per_list = Counter(slug for slug, _ in numbers)
    assert per_list == {slug: len(parse_file(ROOT / p).tasks) for slug, p in LISTS.items()}


def test_validation_passes_and_fast_path_agrees(built: Path, graph: Graph) -> None:
    shapes = load_shapes()
    report = validate(graph, shapes)
    assert report.conforms, [r.message_en for r in report.results if r.severity == "Violation"]
    fast = fastvalidate.validate_fast([built], shapes)
    assert fast.conforms
    key = lambda r: (r.severity, r.focus_node, r.source_shape, r.result_path, r.value)  # noqa: E731
    assert sorted(map(key, fast.results)) == sorted(map(key, report.results))


def test_list_summary_answers_per_list(built: Path) -> None:
    rows = load_catalogue()["list-summary"].run(open_store(data=[built])).records()
    found = {row["list"].value: int(row["tasks"].value) for row in rows}
    expected = {str(HNID[f"list/{s}"]): len(parse_file(ROOT / p).tasks) for s, p in LISTS.items()}
    assert found == expected


def test_department_workload_answers_across_lists(built: Path) -> None:
    """Counted from the parsed records (an independent route), summed over both lists."""
    registry = load_registry(project.registry_file(ROOT))
    lead: Counter = Counter()
    support: Counter = Counter()
    for source in LISTS.values():
        for task in parse_file(ROOT / source).tasks:
            for rank, name in enumerate(task.departments, start=1):
                (lead if rank == 1 else support)[str(registry.aliases[name])] += 1
    rows = load_catalogue()["department-workload"].run(open_store(data=[built])).records()
    found = {
        row["department"].value: (int(row["lead_count"].value), int(row["supporting_count"].value))
        for row in rows
    }
    for department in set(lead) | set(support):
        assert found[department] == (lead[department], support[department]), department


def test_task_number_queries_say_which_list() -> None:
    """A task number names a task only within its list: such queries must say which list."""
    ambiguous = [
        name
        for name, query in sorted(load_catalogue().items())
        if ("task_number" in query.column_names or "task_number" in query.example_values())
        and "list" not in query.column_names
        and "list" not in query.example_values()
    ]
    assert not ambiguous, f"queries without a list: {', '.join(ambiguous)}"


# --- Catalogue answers per list, and the same answers on every backend ----------------------

CATALOGUE = load_catalogue(ROOT / "queries")
WITH_LIST = sorted(
    name for name, query in CATALOGUE.items() if "list" in query.example_values(optional=True)
)
KNOWLEDGE_FREE = ("second-only", "no-lists")


def _load_oracle() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "hngraph_test_oracle", ROOT / "tests" / "expected" / "oracle.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


oracle = _load_oracle()


def list_iri(slug: str) -> str:
    return str(HNID[f"list/{slug}"])


@pytest.fixture(scope="module")
def datasets(built: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Data files by name: both lists; the second list alone (no knowledge-layer rows: the
    curated judgements are about the Hunan list); and no task list at all (vocabularies,
    registry and dataset metadata only: every aggregate over tasks is empty)."""
    out = tmp_path_factory.mktemp("second-only")
    argv = [sys.executable, "-m", "hngraph", "build", "--out", str(out), "--source", str(SECOND)]
    subprocess.run(argv, cwd=ROOT, check=True, capture_output=True)
    prefix = str(HNID) + "list/"
    kept = [
        ox.Triple(q.subject, q.predicate, q.object)
        for q in ox.parse(path=str(out / "hngraph.ttl"))
        if not q.subject.value.startswith(prefix)
        and not (isinstance(q.object, ox.NamedNode) and q.object.value.startswith(prefix))
    ]
    no_lists = out / "no-lists.nt"
    ox.serialize(kept, output=str(no_lists), format=ox.RdfFormat.N_TRIPLES)
    return {"both": built, "second-only": out / "hngraph.ttl", "no-lists": no_lists}


SOURCES = {"both": [HUNAN, SECOND], "second-only": [SECOND], "no-lists": []}


@pytest.fixture(scope="module")
def worlds() -> dict[str, Any]:
    """The oracle (parsed records and curated data, no SPARQL) for each dataset."""
    return {name: oracle.World(ROOT, [ROOT / p for p in paths]) for name, paths in SOURCES.items()}


@pytest.fixture(scope="module")
def stores(datasets: dict[str, Path], start_oxigraph: Callable) -> dict[tuple[str, str], Store]:
    """(dataset, backend) → store: embedded, rdflib, and a real Oxigraph server per dataset."""
    from hngraph.commands.main import main
    from hngraph.store.http import Policy
    from hngraph.store.remote import RemoteStore

    found: dict[tuple[str, str], Store] = {}
    for name, path in datasets.items():
        found[(name, "embedded")] = open_store(data=[path])
        found[(name, "rdflib")] = open_store(data=[path], backend="rdflib")
        server = start_oxigraph()
        assert main(["load", "--endpoint", server.store_url, "--data", str(path)]) == 0
        found[(name, "remote")] = RemoteStore(server.query_url, Policy(timeout=30, deadline=60))
    return found


BACKENDS = ("embedded", "rdflib", "remote")


def _expected(worlds: dict[str, Any], dataset: str, query: CatalogueQuery, values: dict) -> list:
    return oracle.EXPECTED[query.name](worlds[dataset], values)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_query_answers_both_lists(
    stores: dict, worlds: dict, backend: str, name: str
) -> None:
    """Every catalogue query on the two-list dataset equals the oracle, on every backend."""
    query = CATALOGUE[name]
    values = query.example_values()
    assert list(query.run(stores[("both", backend)], values).rows) == _expected(
        worlds, "both", query, values
    )


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", WITH_LIST)
def test_the_list_parameter_keeps_one_list(
    stores: dict, worlds: dict, backend: str, name: str
) -> None:
    """With ``list``, a query answers for that list only; without it, for both lists."""
    query = CATALOGUE[name]
    assert "list" in query.column_names
    every = query.run(stores[("both", backend)], query.example_values()).records()
    for slug in LISTS:
        values = {**query.example_values(), "list": list_iri(slug)}
        result = query.run(stores[("both", backend)], values)
        assert list(result.rows) == _expected(worlds, "both", query, values)
        assert result.records() == [row for row in every if row["list"].value == list_iri(slug)]
    assert [row["list"].value for row in every] == sorted(row["list"].value for row in every)


@pytest.mark.parametrize("name", ["task-detail", "task-judgements"])
def test_a_task_number_names_a_task_in_each_list(stores: dict, name: str) -> None:
    """Task 1 exists in both lists: without ``list`` both answer, with it only the one given.
    Expected lists and texts come from the parsed records."""
    query = CATALOGUE[name]
    store = stores[("both", "embedded")]
    having_task_1 = {
        list_iri(slug)
        for slug, path in LISTS.items()
        if 1 in {t.number for t in parse_file(ROOT / path).tasks}
    }
    assert len(having_task_1) == 2
    rows = query.run(store, {"task_number": "1"}).records()
    if name == "task-detail":
        assert {row["list"].value for row in rows} == having_task_1
        texts = {
            row["list"].value: row["value"].value for row in rows if row["fact"].value == "text_zh"
        }
        assert texts == {list_iri(s): parse_file(ROOT / p).tasks[0].text for s, p in LISTS.items()}
    for slug in LISTS:
        only = query.run(store, {"task_number": "1", "list": list_iri(slug)}).records()
        assert only == [row for row in rows if row["list"].value == list_iri(slug)]
        assert {row["list"].value for row in only} <= {list_iri(slug)}


@pytest.mark.parametrize("dataset", KNOWLEDGE_FREE)
@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_backends_agree_without_knowledge_rows(
    stores: dict, worlds: dict, dataset: str, name: str
) -> None:
    """On data with no knowledge-layer rows (and with no task list at all), every query gives
    the same rows on every backend, and the oracle's. rdflib once made one group with an
    unbound key for an empty GROUP BY sub-select, which then joined with everything."""
    query = CATALOGUE[name]
    for values in (query.example_values(), query.example_values(optional=True)):
        answers = {b: list(query.run(stores[(dataset, b)], values).rows) for b in BACKENDS}
        assert answers["rdflib"] == answers["embedded"], "rdflib and embedded disagree"
        assert answers["remote"] == answers["embedded"], "remote and embedded disagree"
        assert answers["embedded"] == _expected(worlds, dataset, query, values)


def test_the_knowledge_free_datasets_are_what_they_claim(stores: dict) -> None:
    judgements = "SELECT (COUNT(*) AS ?n) { ?j <https://w3id.org/hngraph/def/evidence> ?e }"
    tasks = "SELECT (COUNT(*) AS ?n) { ?t a <https://w3id.org/hngraph/def/Task> }"
    assert stores[("both", "embedded")].select(judgements).rows[0][0].value != "0"
    for dataset in KNOWLEDGE_FREE:
        assert stores[(dataset, "embedded")].select(judgements).rows[0][0].value == "0"
    assert stores[("no-lists", "embedded")].select(tasks).rows[0][0].value == "0"
    assert stores[("second-only", "embedded")].select(tasks).rows[0][0].value == "5"
