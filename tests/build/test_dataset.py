"""Build: counts, lead/support, determinism, freshness, atomic failure, streaming task by task."""

from __future__ import annotations

import importlib.util
import io
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from hngraph.build import dataset
from hngraph.build.knowledge import Triple
from hngraph.build.triples import Build, Part
from hngraph.commands.main import main
from hngraph.errors import HngraphError
from hngraph.rdf.convert import to_rdflib
from hngraph.source.parse import parse_file
from hngraph.source.records import TaskList
from hngraph.vocab import HN, ORG, task_iri

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "data" / "source" / "hunan-vet-reform.txt"
SECOND = ROOT / "tests" / "fixtures" / "lists" / "synthetic-second-list.txt"
SLUG = "hunan-vet-reform"


@pytest.fixture(scope="module")
def graph() -> Graph:
    return dataset.build_dataset([SEED], ROOT)


def test_counts(graph: Graph) -> None:
    tasks = set(graph.subjects(RDF.type, HN.Task))
    assert len(tasks) == 30
    assert len(set(graph.subjects(RDF.type, HN.Measure))) == 67
    for task in tasks:
        assert len(list(graph.objects(task, HN.leadDepartment))) == 1
    named = {graph.value(r, HN.organization) for r in graph.subjects(RDF.type, HN.Responsibility)}
    assert len(named) == 21
    assert all((org, RDF.type, ORG.Organization) in graph for org in named)


def test_first_listed_department_leads(graph: Graph) -> None:
    records = parse_file(SEED)
    by_alias = {str(alias): org for org, alias in graph.subject_objects(SKOS.altLabel)}
    for task in records.tasks:
        node = URIRef(task_iri(SLUG, task.number))
        lead = graph.value(node, HN.leadDepartment)
        assert lead == by_alias[task.departments[0]]
        supporting = set(graph.objects(node, HN.supportingDepartment))
        assert supporting == {by_alias[name] for name in task.departments[1:]}


def test_source_names_are_kept_as_written(graph: Graph) -> None:
    written = {str(name) for name in graph.objects(None, HN.nameAsWritten)}
    assert written == set(parse_file(SEED).department_names)


def test_every_task_and_measure_has_an_unofficial_translation(graph: Graph) -> None:
    for kind in (HN.Task, HN.Measure):
        for node in graph.subjects(RDF.type, kind):
            values = list(graph.objects(node, HN.unofficialTranslation))
            assert len(values) == 1, node
            assert isinstance(values[0], Literal) and values[0].language == "en"


def test_no_blank_nodes(graph: Graph) -> None:
    assert not any(isinstance(term, BNode) for triple in graph for term in triple)


def test_committed_dataset_is_fresh(graph: Graph) -> None:
    files = dataset.render(
        dataset.build_dataset(sorted((ROOT / "data/source").glob("*.txt")), ROOT)
    )
    assert dataset.stale_files(files, dataset.default_out_dir(ROOT)) == []


def test_build_check_cli_passes_on_the_committed_dataset(capsys: pytest.CaptureFixture) -> None:
    assert main(["build", "--check"]) == 0


def test_byte_identical_across_hash_seeds(tmp_path: Path) -> None:
    digests = set()
    for seed in ("0", "1", "4242"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-m", "hngraph", "build", "--out", str(out)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        digests.add((out / "hngraph.ttl").read_bytes())
    assert len(digests) == 1


def test_check_reports_a_stale_file(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["build", "--out", str(tmp_path)]) == 0
    (tmp_path / "hngraph.ttl").write_text("# edited by hand\n", encoding="utf-8")
    assert main(["build", "--check", "--out", str(tmp_path)]) == 1
    assert "stale" in capsys.readouterr().err


def test_no_wall_clock_times(graph: Graph) -> None:

    assert not any(
        isinstance(o, Literal) and o.datatype in (XSD.dateTime, XSD.dateTimeStamp)
        for o in graph.objects()
    )


UNKNOWN_DEPARTMENT = ("\t省教育厅、省委组织部\n", "\t省教育厅、省委组织部、省未知厅\n")


@pytest.mark.parametrize(
    ("edit", "place"),
    [
        (
            UNKNOWN_DEPARTMENT,
            ":9 (task 1): department '省未知厅' is not in the organisation registry",
        ),
        (("\t6\n", "\t7\n"), ":27 (task 7): expected task number 6"),
        (
            ("加强劳动教育。\n\t省教育厅\n", "加强劳动教育。\n"),
            ":16 (task 3): the row has no 责任部门",
        ),
    ],
    ids=["unknown-department", "skipped-number", "missing-department-cell"],
)
def test_bad_input_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture, edit: tuple[str, str], place: str
) -> None:
    source = tmp_path / "bad.txt"
    source.write_text(SEED.read_text(encoding="utf-8").replace(*edit, 1), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", "--source", str(source), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{source}{place}" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_existing_output_survives_a_failed_build(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["build", "--out", str(out)]) == 0
    before = (out / "hngraph.ttl").read_bytes()
    bad = tmp_path / "bad.txt"
    bad.write_text(
        SEED.read_text(encoding="utf-8").replace(*UNKNOWN_DEPARTMENT, 1), encoding="utf-8"
    )
    assert main(["build", "--source", str(bad), "--out", str(out)]) == 2
    assert (out / "hngraph.ttl").read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["SHA256SUMS", "hngraph.ttl"]


def test_two_lists_with_one_slug_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    copy = tmp_path / "hunan-vet-reform.txt"
    copy.write_bytes(SEED.read_bytes())
    assert (
        main(["build", "--source", str(SEED), "--source", str(copy), "--out", str(tmp_path / "o")])
        == 2
    )
    assert "already used" in capsys.readouterr().err


def test_concepts_are_typed_skos_concept_explicitly(graph: Graph) -> None:
    """SKOS consumers without RDFS reasoning must find every concept with ``a skos:Concept``."""
    from rdflib.namespace import RDFS

    kinds = set(graph.transitive_subjects(RDFS.subClassOf, SKOS.Concept)) - {SKOS.Concept}
    assert kinds, "the ontology declares subclasses of skos:Concept"
    untyped = {
        node
        for kind in kinds
        for node in graph.subjects(RDF.type, kind)
        if (node, RDF.type, SKOS.Concept) not in graph
    }
    assert untyped == set()


# ---------------------------------------------------------------------------------------------
# Streaming: the file holds exactly the in-memory reference graph, one task at a time
# ---------------------------------------------------------------------------------------------


def _synthetic_corpus(folder: Path, count: int) -> list[Path]:
    """``count`` lists from bench/generate.py in a project folder linked to this one."""
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_generate", module)
    spec.loader.exec_module(sys.modules["bench_generate"])
    return sys.modules["bench_generate"].write_corpus(folder, count, project=ROOT)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """Eleven synthetic lists (slugs synthetic-1 … synthetic-11: 2 sorts before 10)."""
    folder = tmp_path_factory.mktemp("corpus")
    return folder, _synthetic_corpus(folder, 11)


def _streamed(sources: list[Path], root: Path) -> bytes:
    sink = io.BytesIO()
    dataset.stream(dataset.prepare(sources, root), sink)
    return sink.getvalue()


def _from_oxigraph(data: bytes) -> set:
    """The triples pyoxigraph reads, as rdflib terms (plain strings without ``xsd:string``)."""
    result = set()
    for triple in ox.parse(data, format=ox.RdfFormat.TURTLE):
        terms = (triple.subject, triple.predicate, triple.object)
        assert not any(isinstance(term, ox.BlankNode) for term in terms), triple
        result.add(tuple(to_rdflib(term) for term in terms))
    return result


@pytest.mark.parametrize("lists", [[SEED], [SEED, SECOND]], ids=["hunan", "hunan+second"])
def test_the_file_is_the_reference_graph_for_rdflib_and_pyoxigraph(
    tmp_path: Path, lists: list[Path]
) -> None:
    reference = dataset.build_dataset(lists, ROOT)
    written, _manifest = dataset.write_dataset(lists, ROOT, tmp_path)
    data = written.read_bytes()
    assert data == dataset.render(reference)[dataset.DATASET_NAME]
    parsed = Graph().parse(data=data, format="turtle")
    assert set(parsed) == set(reference)
    assert _from_oxigraph(data) == set(reference)


def test_a_corpus_streams_the_same_bytes_as_the_graph(corpus: tuple[Path, list[Path]]) -> None:
    root, sources = corpus
    data = _streamed([*sources, SEED], root)
    reference = dataset.build_dataset([*sources, SEED], root)
    assert data == dataset.render(reference)[dataset.DATASET_NAME]
    assert _from_oxigraph(data) == set(reference)
    text = data.decode("utf-8")
    starts = [text.index(f"<https://w3id.org/hngraph/id/list/synthetic-{n}>\n") for n in (1, 2, 10)]
    assert starts == sorted(starts), "lists follow each other by slug, 2 before 10"


def test_the_order_of_sources_does_not_change_the_file(corpus: tuple[Path, list[Path]]) -> None:
    root, sources = corpus
    assert _streamed(sources[:3], root) == _streamed(sources[:3][::-1], root)


def test_the_build_streams_one_task_at_a_time(
    corpus: tuple[Path, list[Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each part of a list (its description, then each task) is made only after the previous
    part's Turtle has been written, and a task's write holds that task's resources only."""
    root, sources = corpus
    events: list[tuple[str, str, int]] = []
    list_parts = Build.list_parts

    def spy(self: Build, task_list: TaskList) -> Iterator[Part]:
        for index, part in enumerate(list_parts(self, task_list)):
            events.append(("make", task_list.slug, index))
            yield part

    class Sink:
        def write(self, data: bytes) -> int:
            events.append(("write", data.decode("utf-8"), 0))
            return len(data)

    monkeypatch.setattr(Build, "list_parts", spy)
    dataset.stream(dataset.prepare(sources[:3], root), Sink())
    made = [i for i, (kind, _, _) in enumerate(events) if kind == "make"]
    slugs = ["synthetic-1", "synthetic-2", "synthetic-3"]
    assert [events[i][1:] for i in made] == [(s, n) for s in slugs for n in range(31)]
    for index in made:
        _, slug, part = events[index]
        kind, text, _ = events[index + 1]
        assert kind == "write"
        if part == 0:
            assert f"<https://w3id.org/hngraph/id/list/{slug}>\n" in text
        else:
            assert set(re.findall(rf"/id/list/{slug}/task/([0-9]+)", text)) == {str(part)}
            assert set(re.findall(r"/id/list/([a-z0-9-]+)", text)) == {slug}


def test_shared_subjects_of_a_list_and_escaped_texts_stream_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shared triples about a list's resources wait for their place among its parts (before
    the tasks, merged into a task's block, after the last task); texts that need escapes come
    out as the whole-graph writer writes them."""
    second = tmp_path / SECOND.name
    text = SECOND.read_text(encoding="utf-8").replace("专项督导", '专项"督导"\\a\\n', 1)
    second.write_text(text, encoding="utf-8")
    second.with_suffix(".json").write_bytes(SECOND.with_suffix(".json").read_bytes())
    slug = "synthetic-second-list"
    list_iri = f"https://w3id.org/hngraph/id/list/{slug}"
    extra: list[Triple] = [
        (URIRef(f"{list_iri}/aaa"), RDFS.comment, Literal("before the tasks")),
        (URIRef(task_iri(slug, 2)), RDFS.comment, Literal('a "quoted" \\ text\n', lang="en")),
        (URIRef(f"{task_iri(slug, 1)}/zzz"), RDFS.comment, Literal("after task 1's parts")),
        (URIRef(f"{list_iri}/zzz"), RDFS.comment, Literal("after the last task")),
    ]
    shared = Build.shared_triples

    def with_extra(self: Build) -> Iterator[Triple]:
        yield from shared(self)
        yield from extra

    monkeypatch.setattr(Build, "shared_triples", with_extra)
    streamed = _streamed([SEED, second], ROOT)
    reference = dataset.build_dataset([SEED, second], ROOT)
    assert streamed == dataset.render(reference)[dataset.DATASET_NAME]
    assert _from_oxigraph(streamed) == set(reference)
    written = streamed.decode("utf-8")
    assert '专项\\"督导\\"\\\\a\\\\n' in written
    assert 'a \\"quoted\\" \\\\ text\\n' in written
    assert written.count(f"<{task_iri(slug, 2)}>\n") == 1


def _with_extra_triple(monkeypatch: pytest.MonkeyPatch, part: int, triple: Triple) -> None:
    """Make ``Build.list_parts`` add ``triple`` to part ``part`` of the second list."""
    list_parts = Build.list_parts

    def patched(self: Build, task_list: TaskList) -> Iterator[Part]:
        for index, (triples, before) in enumerate(list_parts(self, task_list)):
            if task_list.slug == "synthetic-second-list" and index == part:
                triples = [*triples, triple]
            yield triples, before

    monkeypatch.setattr(Build, "list_parts", patched)


def test_a_failure_while_streaming_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    assert main(["build", "--out", str(out)]) == 0
    before = (out / "hngraph.ttl").read_bytes()
    task = URIRef(task_iri("synthetic-second-list", 1))
    _with_extra_triple(monkeypatch, 1, (task, HN.text, BNode()))
    for target in (out, tmp_path / "new" / "out"):
        with pytest.raises(HngraphError, match="blank node"):
            dataset.write_dataset([SEED, SECOND], ROOT, target)
    assert (out / "hngraph.ttl").read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["SHA256SUMS", "hngraph.ttl"]
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize(
    ("part", "subject", "words"),
    [
        (2, task_iri("synthetic-second-list", 1), "later part of list"),
        (0, task_iri(SLUG, 1), "is not under its IRI"),
    ],
    ids=["an-earlier-task", "another-list"],
)
def test_a_part_about_a_resource_outside_its_place_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, part: int, subject: str, words: str
) -> None:
    """A triple about a subject already written (or another list's) never makes a second block."""
    _with_extra_triple(monkeypatch, part, (URIRef(subject), HN.text, Literal("x", lang="zh")))
    with pytest.raises(HngraphError, match=words):
        dataset.write_dataset([SEED, SECOND], ROOT, tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "edit",
    [lambda b: b[:-1], lambda b: b + b"\n", lambda b: b.replace(b"Task 7", b"Task 8", 1)],
    ids=["truncated", "longer", "changed"],
)
def test_check_finds_any_difference_and_writes_nothing(
    tmp_path: Path, edit: Callable[[bytes], bytes]
) -> None:
    assert dataset.write_dataset([SEED], ROOT, tmp_path)
    path = tmp_path / "hngraph.ttl"
    assert dataset.check_dataset([SEED], ROOT, tmp_path) == {}
    path.write_bytes(edit(path.read_bytes()))
    changed = path.read_bytes()
    assert dataset.check_dataset([SEED], ROOT, tmp_path) == {"hngraph.ttl": "differs"}
    assert path.read_bytes() == changed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["SHA256SUMS", "hngraph.ttl"]
    assert dataset.check_dataset([SEED], ROOT, tmp_path / "missing") == {
        "hngraph.ttl": "missing",
        "SHA256SUMS": "missing",
    }
    assert not (tmp_path / "missing").exists()


def test_subjects_of_a_list_come_after_the_shared_ones_and_in_natural_order() -> None:
    iris = [
        "https://w3id.org/hngraph/id/list/a-b/task/1",
        "https://w3id.org/hngraph/id/list/a/task/10",
        "https://w3id.org/hngraph/id/list/a/task/2",
        "https://w3id.org/hngraph/id/list/a",
        "https://w3id.org/hngraph/id/org/x",
        "http://purl.org/dc/terms/title",
    ]
    assert sorted(iris, key=dataset.subject_key) == [
        "http://purl.org/dc/terms/title",
        "https://w3id.org/hngraph/id/org/x",
        "https://w3id.org/hngraph/id/list/a",
        "https://w3id.org/hngraph/id/list/a/task/2",
        "https://w3id.org/hngraph/id/list/a/task/10",
        "https://w3id.org/hngraph/id/list/a-b/task/1",
    ]
