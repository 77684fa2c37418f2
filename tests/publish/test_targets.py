"""Labels of mapping targets: copied from the target vocabulary, checked against a copy of it."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

from hngraph.errors import RegistryError
from hngraph.publish.graph import load_site_graph
from hngraph.publish.mappings import CONCEPT_MAPPINGS
from hngraph.publish.targets import COLUMNS, labels_file, load_target_labels

ROOT = Path(__file__).resolve().parents[2]
LABELS = labels_file(ROOT)
VOCABULARIES = ROOT / "tests" / "fixtures" / "targets"
DATASET = ROOT / "data" / "dataset" / "hngraph.ttl"
SKOS_PREF_LABEL = rdflib.SKOS.prefLabel


def _copies() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted(VOCABULARIES.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def test_every_label_is_the_vocabularys_own() -> None:
    labels = load_target_labels(LABELS)
    vocabularies = _copies()
    checked = 0
    for target, by_language in labels.items():
        for lang, label in by_language.items():
            stated = {
                str(o)
                for o in vocabularies.objects(rdflib.URIRef(target), SKOS_PREF_LABEL)
                if isinstance(o, rdflib.Literal) and o.language == lang
            }
            assert stated == {label}, target
            checked += 1
    assert checked == 10  # the ten ISCED 2011 levels, in English (the vocabulary has no zh)


def test_evidence_points_at_the_line_that_states_the_label() -> None:
    copy = (VOCABULARIES / "isced-2011.ttl").read_text(encoding="utf-8").splitlines()
    rows = LABELS.read_text(encoding="utf-8").splitlines()[1:]
    assert rows
    for row in rows:
        _target, lang, label, evidence = row.split("\t")
        line = int(evidence.rsplit("#L", 1)[1])
        assert evidence.startswith("https://github.com/dini-ag-kim/vocabs-edu/blob/")
        assert f'skos:prefLabel "{label}"@{lang}' in copy[line - 1], row


@pytest.mark.skipif(not DATASET.exists(), reason="the built dataset is missing; run hngraph build")
def test_every_mapping_target_of_the_dataset_has_a_label() -> None:
    site = load_site_graph(DATASET)
    labels = load_target_labels(LABELS)
    targets = {
        t.object.value
        for t in site.dataset
        if t.predicate.value in CONCEPT_MAPPINGS
        and not t.object.value.startswith("https://w3id.org/hngraph/")
    }
    assert targets and targets <= set(labels), sorted(targets - set(labels))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("iri\tlabel\n", ":1: header must be"),
        ("\t".join(COLUMNS) + "\nhttps://x.org/a\ten\tA\n", ":2: expected 4 tab-separated cells"),
        (
            "\t".join(COLUMNS) + "\njavascript:x\ten\tA\thttps://e.org/\n",
            ":2: 'javascript:x' is not",
        ),
        ("\t".join(COLUMNS) + "\nhttps://x.org/a\tde\tA\thttps://e.org/\n", ":2: language must be"),
        (
            "\t".join(COLUMNS) + "\nhttps://x.org/a\ten\t A\thttps://e.org/\n",
            ":2: the label is empty",
        ),
        ("\t".join(COLUMNS) + "\nhttps://x.org/a\ten\tA\tmy judgement\n", ":2: evidence must be"),
        (
            "\t".join(COLUMNS)
            + "\nhttps://x.org/a\ten\tA\thttps://e.org/\nhttps://x.org/a\ten\tB\thttps://e.org/\n",
            ":3: https://x.org/a has a second en label",
        ),
    ],
)
def test_bad_rows_are_refused_naming_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "labels.tsv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RegistryError) as error:
        load_target_labels(path)
    assert str(error.value).startswith(str(path)) and message in str(error.value)


def test_a_missing_file_means_no_labels(tmp_path: Path) -> None:
    assert load_target_labels(tmp_path / "labels.tsv") == {}
