"""Build: counts, lead/support from list order, determinism, freshness, atomic failure."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal
from rdflib.namespace import RDF, SKOS

from hngraph import dataset
from hngraph.cli import main
from hngraph.namespace import HN, ORG, task_iri
from hngraph.parse import parse_file

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "source" / "hunan-vet-reform.txt"
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
        node = task_iri(SLUG, task.number)
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
    from rdflib.namespace import XSD

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
    assert sorted(p.name for p in out.iterdir()) == ["hngraph.ttl"]


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
