"""The one display order: natural sort of texts and of RDF terms."""

from __future__ import annotations

import random

import pyoxigraph as ox

from hngraph.publish.order import display_key, natural_key

TASK = "https://w3id.org/hngraph/id/list/hunan-vet-reform/task/"


def test_digit_runs_compare_as_numbers() -> None:
    texts = ["task/10", "task/2", "task/1", "task/11", "task/3"]
    assert sorted(texts, key=natural_key) == ["task/1", "task/2", "task/3", "task/10", "task/11"]


def test_task_then_measure_numbers() -> None:
    texts = ["task/1/measure/10", "task/10/measure/1", "task/1/measure/2", "task/2/measure/1"]
    assert sorted(texts, key=natural_key) == [
        "task/1/measure/2",
        "task/1/measure/10",
        "task/2/measure/1",
        "task/10/measure/1",
    ]


def test_case_folds_then_breaks_ties_the_same_way_whatever_the_input_order() -> None:
    texts = ["b", "A", "a", "B", "a1", "a01", "a10", "Task 3", "task 2"]
    expected = ["A", "a", "a01", "a1", "a10", "B", "b", "task 2", "Task 3"]
    for seed in range(20):
        shuffled = texts[:]
        random.Random(seed).shuffle(shuffled)
        assert sorted(shuffled, key=natural_key) == expected


def test_terms_sort_by_their_iri_naturally() -> None:
    nodes = [ox.NamedNode(f"{TASK}{n}") for n in (1, 10, 11, 2, 3, 20)]
    ordered = sorted(nodes, key=display_key)
    assert [n.value.rsplit("/", 1)[1] for n in ordered] == ["1", "2", "3", "10", "11", "20"]


def test_literals_and_iris_with_the_same_text_sort_stably() -> None:
    terms = [ox.Literal("x"), ox.NamedNode("http://example.org/x"), ox.Literal("x", language="en")]
    assert sorted(terms, key=display_key) == sorted(reversed(terms), key=display_key)
