"""``hngraph.validation.incremental.parts``: the parts hold exactly the data's triples."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from hngraph.validation.incremental import parts
from hngraph.validation.incremental.parts import NotSplit, owner, split_files, split_parsed

ROOT = Path(__file__).resolve().parents[2]
DATASET = ROOT / "data" / "dataset" / "hngraph.ttl"
LIST = parts.LIST_PREFIX
PREFIXES = "PREFIX ex: <http://example.org/>\nPREFIX hn: <https://w3id.org/hngraph/def/>\n"


def lines(path: Path) -> set[str]:
    fmt = ox.RdfFormat.TURTLE if path.suffix == ".ttl" else ox.RdfFormat.N_TRIPLES
    quads = ox.parse(path=str(path), format=fmt, base_iri=path.resolve().as_uri())
    return {f"{q.subject} {q.predicate} {q.object} .\n" for q in quads}


def part_lines(split: parts.Split) -> dict[str | None, set[str]]:
    found = {}
    for part in [split.shared, *split.lists]:
        parsed = part.parse()
        fmt = ox.RdfFormat.TURTLE if parsed.format == "ttl" else ox.RdfFormat.N_TRIPLES
        quads = ox.parse(parsed.text, format=fmt)
        found[part.slug] = {f"{q.subject} {q.predicate} {q.object} .\n" for q in quads}
        assert len(found[part.slug]) == parsed.triples
    return found


def test_owner_is_the_list_slug_of_the_iri() -> None:
    assert owner(LIST + "hunan-vet-reform") == "hunan-vet-reform"
    assert owner(LIST + "hunan-vet-reform/task/3/measure/1") == "hunan-vet-reform"
    assert owner("https://w3id.org/hngraph/id/org/hunan-education") is None
    assert owner("https://w3id.org/hngraph/def/Task") is None


def test_the_build_file_is_cut_by_bytes_into_exactly_its_triples() -> None:
    split = split_files([DATASET])
    assert split.how == "turtle"
    assert [p.slug for p in split.lists] == ["hunan-vet-reform"]
    found = part_lines(split)
    assert set().union(*found.values()) == lines(DATASET)
    assert sum(map(len, found.values())) == len(lines(DATASET))  # no triple in two parts
    for slug, text in found.items():
        assert all(owner(line[1:].split(">", 1)[0]) == slug for line in text)


def test_parsing_gives_the_same_parts_as_cutting(tmp_path: Path) -> None:
    by_bytes = split_files([DATASET])
    by_parse = split_parsed([DATASET])
    assert by_parse.how == "parsed"
    assert part_lines(by_bytes) == part_lines(by_parse)
    assert [p.slug for p in by_parse.lists] == [p.slug for p in by_bytes.lists]


def test_a_changed_list_changes_only_its_digest(tmp_path: Path) -> None:
    data = DATASET.read_bytes()
    changed = tmp_path / "hngraph.ttl"
    old = b'"Guide higher vocational'
    assert old in data
    changed.write_bytes(data.replace(old, b'"Guide (changed) higher vocational', 1))
    before, after = split_files([DATASET]), split_files([changed])
    assert before.shared.digest == after.shared.digest
    assert before.lists[0].digest != after.lists[0].digest


def test_a_cut_inside_a_long_string_is_refused(tmp_path: Path) -> None:
    """Bytes that look like a list's start inside a string: the piece does not parse alone."""
    fake = f'\n.\n\n<{LIST}b>\n    a hn:TaskList ;\n    <http://x/p> "y" .\n'
    text = (
        PREFIXES + f"ex:s ex:p ex:o ;\n.\n\n<{LIST}a>\n    a hn:TaskList ;\n"
        f'    ex:note """long{fake}""" ;\n    ex:q 1 ;\n.\n'
    )
    path = tmp_path / "data.ttl"
    path.write_text(text, encoding="utf-8")
    split = split_files([path])
    assert split.how == "turtle" and [p.slug for p in split.lists] == ["a", "b"]
    with pytest.raises(NotSplit, match="does not parse on its own"):
        split.lists[0].parse()
    assert set().union(*part_lines(split_parsed([path])).values()) == lines(path)


def test_a_block_that_declares_a_prefix_is_refused(tmp_path: Path) -> None:
    text = (
        PREFIXES + "ex:s ex:p ex:o ;\n.\n\n"
        f"<{LIST}a>\n    a hn:TaskList ;\n    ex:p ex:o ;\n.\n\n"
        "PREFIX ex: <http://other.example/>\n\n"
        f"<{LIST}b>\n    a hn:TaskList ;\n    ex:p ex:o ;\n.\n"
    )
    path = tmp_path / "data.ttl"
    path.write_text(text, encoding="utf-8")
    split = split_files([path])
    with pytest.raises(NotSplit, match="declares a prefix"):
        split.lists[0].parse()


def test_subjects_in_the_wrong_block_are_refused(tmp_path: Path) -> None:
    text = (
        PREFIXES + "ex:s ex:p ex:o ;\n.\n\n"
        f"<{LIST}a>\n    a hn:TaskList ;\n    ex:p ex:o ;\n.\n\n<{LIST}b/task/1>\n"
        "    ex:p ex:o ;\n.\n"
    )
    path = tmp_path / "data.ttl"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(NotSplit, match="is not in part"):
        split_files([path]).lists[0].parse()


def test_list_nodes_written_otherwise_are_found_by_the_exhaustive_search(tmp_path: Path) -> None:
    """The byte search guesses the build's layout; every list node line is tried after it."""
    text = (
        PREFIXES + "ex:s ex:p ex:o ;\n.\n\n"
        f"<{LIST}a>\n    ex:p ex:o ;\n.\n\n<{LIST}b>\n    ex:p ex:o ;\n.\n"
    )
    path = tmp_path / "data.ttl"
    path.write_text(text, encoding="utf-8")
    assert split_files([path]).how == "parsed"  # no `a hn:TaskList` line: not cut
    split = split_files([path], exhaustive=True)
    assert split.how == "turtle" and [p.slug for p in split.lists] == ["a", "b"]
    assert set().union(*part_lines(split).values()) == lines(path)


def test_crossing_references_and_blank_nodes_are_problems(tmp_path: Path) -> None:
    path = tmp_path / "data.nt"
    path.write_text(
        f"<{LIST}a> <http://x/p> <{LIST}b/task/1> .\n"
        f"<{LIST}b> <http://x/p> _:n .\n"
        f"<http://x/s> <http://x/p> <{LIST}a> .\n",
        encoding="utf-8",
    )
    split = split_parsed([path])
    found = {p.slug: p.parse().summary for p in [split.shared, *split.lists]}
    assert found["a"].problems and "b/task/1" in found["a"].problems[0]
    assert found["b"].problems and "_:n" in found["b"].problems[0]
    assert found[None].problems == [] and found[None].objects == {"http://x/p": {"l"}}


def test_summary_records_the_kinds_of_objects() -> None:
    split = split_files([DATASET])
    shared, hunan = split.shared.parse().summary, split.lists[0].parse().summary
    hn = "https://w3id.org/hngraph/def/"
    assert hunan.objects[hn + "taskList"] == {"o"}
    assert hunan.objects[hn + "leadDepartment"] == {"s"}
    assert hunan.objects[hn + "taskNumber"] == {"v"}
    assert shared.objects["http://purl.org/dc/terms/hasPart"] == {"l"}
    assert parts.Summary.from_json(hunan.to_json()) == hunan


def test_files_without_triples_and_other_formats_are_not_split(tmp_path: Path) -> None:
    empty = tmp_path / "empty.nt"
    empty.write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(NotSplit, match="no triples"):
        split_parsed([empty])
    xml = tmp_path / "data.rdf"
    xml.write_text("<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'/>")
    with pytest.raises(NotSplit, match="only Turtle and N-Triples"):
        split_parsed([xml])
