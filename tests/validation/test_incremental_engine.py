"""``validate_incremental`` gives the fast engine's report, byte for byte, and reuses what it can.

Compared on the committed dataset and on the synthetic two-list corpus with 0, 2, 8 and 60
injected violations (``tests/fixtures/corpus``), each as N-Triples (the data parsed and grouped)
and as the build's Turtle (cut by bytes); then what is validated again when one list, or the
shared part, changes; corrupt entries; parts without triples; data that crosses lists.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from rdflib import Graph

from hngraph.build.dataset import render
from hngraph.commands.main import main as hngraph_main
from hngraph.rdf.read import read_graph
from hngraph.validation import load_shapes, render_json, render_text
from hngraph.validation.compare import read_expected, result_rows
from hngraph.validation.fast.engine import validate_fast
from hngraph.validation.incremental.cache import Cache
from hngraph.validation.incremental.engine import validate_incremental
from hngraph.validation.incremental.parts import LIST_PREFIX

ROOT = Path(__file__).resolve().parents[2]
DATASET = ROOT / "data" / "dataset" / "hngraph.ttl"
sys.path.insert(0, str(ROOT / "scripts"))
import validation_golden as golden  # noqa: E402


@pytest.fixture(autouse=True)
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test has its own cache (``$HNGRAPH_CACHE``), never the user's."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("HNGRAPH_CACHE", str(folder))
    return folder


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The two-list corpus built by ``hngraph build``, as N-Triples (beside it: the Turtle)."""
    return golden.build_corpus(tmp_path_factory.mktemp("corpus"))


def as_turtle(nt: Path, folder: Path) -> Path:
    """The triples of an N-Triples file written the way ``hngraph build`` writes its Turtle."""
    path = folder / f"{nt.stem}.ttl"
    path.write_bytes(render(read_graph(nt))["hngraph.ttl"])
    return path


@pytest.fixture(scope="module")
def datasets(corpus: Path, tmp_path_factory) -> dict[str, tuple[Path, dict | None]]:
    """Each corpus file with its golden results, as N-Triples and as Turtle."""
    folder = tmp_path_factory.mktemp("broken")
    found: dict[str, tuple[Path, dict | None]] = {
        "corpus.nt": (corpus, None),
        "corpus.ttl": (corpus.parent / "hngraph.ttl", None),
    }
    for count in golden.COUNTS:
        expected = read_expected(golden.CORPUS / f"broken-{count}.expected.json")
        nt = golden.broken_corpus(corpus, folder, count)
        found[f"broken-{count}.nt"] = (nt, expected)
        found[f"broken-{count}.ttl"] = (as_turtle(nt, folder), expected)
    return found


def same_report(incremental, fast) -> None:
    assert render_json(incremental) == render_json(fast)
    assert render_text(incremental, "en") == render_text(fast, "en")
    assert render_text(incremental, "zh") == render_text(fast, "zh")
    assert result_rows(incremental.results_graph) == result_rows(fast.results_graph)


def test_the_dataset_gives_the_fast_engines_report_then_comes_from_the_cache(
    shapes: Graph,
) -> None:
    fast = validate_fast([DATASET], shapes)
    first: dict = {}
    same_report(validate_incremental([DATASET], cache=Cache(), stats=first), fast)
    assert first["split"] == "turtle" and "fallback" not in first
    assert (first["parts"], first["validated"], first["cached"]) == (2, 2, 0)
    again: dict = {}
    same_report(validate_incremental([DATASET], cache=Cache(), stats=again), fast)
    assert (again["validated"], again["cached"]) == (0, 2)


@pytest.mark.parametrize(
    "name",
    ["corpus.nt", "corpus.ttl"]
    + [f"broken-{n}.{kind}" for n in golden.COUNTS for kind in ("nt", "ttl")],
)
def test_each_corpus_file_gives_the_fast_engines_report(
    name: str, datasets: dict, shapes: Graph
) -> None:
    path, expected = datasets[name]
    fast = validate_fast([path], shapes)
    stats: dict = {}
    incremental = validate_incremental([path], cache=Cache(), stats=stats)
    same_report(incremental, fast)
    assert stats["split"] == ("turtle" if name.endswith(".ttl") else "parsed")
    assert "fallback" not in stats and stats["lists"] == 2
    if expected is not None:  # plain pySHACL's golden results
        assert result_rows(incremental.results_graph) == expected["results"]
        assert incremental.conforms == expected["conforms"]
    cached: dict = {}
    same_report(validate_incremental([path], cache=Cache(), stats=cached), fast)
    assert cached["validated"] == 0 and cached["cached"] == 3


def test_one_changed_list_is_validated_alone(datasets: dict, tmp_path: Path, shapes) -> None:
    original = datasets["broken-8.ttl"][0]
    data = tmp_path / "data.ttl"
    data.write_bytes(original.read_bytes())
    validate_incremental([data], cache=Cache())
    text = data.read_text(encoding="utf-8")
    start = text.index(f"\n.\n\n<{LIST_PREFIX}synthetic-2>\n")  # its subject block
    head, tail = text[:start], text[start:]
    changed = re.sub(r'(hn:text "[^"\n]*")@zh', r"\1@en", tail, count=1)  # a violation
    assert changed != tail
    data.write_text(head + changed, encoding="utf-8")
    stats: dict = {}
    report = validate_incremental([data], cache=Cache(), stats=stats)
    assert stats["validated_lists"] == ["synthetic-2"]
    assert (stats["validated"], stats["cached"]) == (1, 2)
    fast = validate_fast([data], shapes)
    assert len(fast.results) > len(validate_fast([original], shapes).results)
    same_report(report, fast)


def test_a_changed_shared_part_validates_everything_again(datasets: dict, tmp_path: Path) -> None:
    original = datasets["broken-2.nt"][0]
    data = tmp_path / "data.nt"
    data.write_bytes(original.read_bytes())
    validate_incremental([data], cache=Cache())
    with data.open("a", encoding="utf-8") as stream:
        stream.write('<https://w3id.org/hngraph/id/org/x> <http://purl.org/dc/terms/title> "x" .\n')
    stats: dict = {}
    report = validate_incremental([data], cache=Cache(), stats=stats)
    assert (stats["validated"], stats["cached"]) == (3, 0)
    same_report(report, validate_fast([data]))


def entries(folder: Path) -> dict[str, list[Path]]:
    """The cache's files by kind: part entries, the pack, the locality verdict."""
    found: dict[str, list[Path]] = {"part": [], "pack": [], "verdict": []}
    for path in sorted(folder.rglob("*.json")):
        value = json.loads(path.read_bytes().partition(b"\n")[2])["value"]
        kind = "part" if "slug" in value else "pack" if "entries" in value else "verdict"
        found[kind].append(path)
    return found


def test_corrupt_entries_are_recomputed(datasets: dict, cache_folder: Path) -> None:
    path = datasets["broken-60.nt"][0]
    first = validate_incremental([path], cache=Cache())
    found = entries(cache_folder)
    assert [len(found[kind]) for kind in ("part", "pack", "verdict")] == [3, 1, 1]
    for entry in [p for paths in found.values() for p in paths]:
        entry.write_bytes(entry.read_bytes()[:-3])
    stats: dict = {}
    cache = Cache()
    again = validate_incremental([path], cache=cache, stats=stats)
    assert cache.rejected == 5 and cache.hits == 0 and stats["validated"] == 3
    assert render_json(again) == render_json(first)
    third: dict = {}
    validate_incremental([path], cache=Cache(), stats=third)
    assert third["validated"] == 0  # the recomputed entries were written again


def test_an_entry_of_another_part_is_not_used(datasets: dict, cache_folder: Path) -> None:
    path = datasets["broken-8.ttl"][0]
    first = validate_incremental([path], cache=Cache())
    found = entries(cache_folder)
    found["pack"][0].unlink()  # each part's own entry is read
    cache = Cache()
    keys = [p.stem for p in found["part"]]
    documents = [cache.get(key) for key in keys]
    for key, document in zip(keys, documents[1:] + documents[:1], strict=True):
        cache.put(key, document)  # a valid entry, under another part's key
    stats: dict = {}
    cache = Cache()
    again = validate_incremental([path], cache=cache, stats=stats)
    assert cache.rejected == 3 and stats["validated"] == 3
    assert render_json(again) == render_json(first)


def test_without_a_cache_nothing_is_written(datasets: dict, cache_folder: Path) -> None:
    path = datasets["broken-2.ttl"][0]
    stats: dict = {}
    report = validate_incremental([path], cache=None, stats=stats)
    assert not cache_folder.exists()
    assert stats["validated"] == 3
    same_report(report, validate_fast([path]))


def test_a_dataset_with_only_a_shared_part_conforms(shapes: Graph) -> None:
    path = ROOT / "ontology" / "schemes.ttl"
    stats: dict = {}
    report = validate_incremental([path], cache=Cache(), stats=stats)
    assert stats["lists"] == 0 and "fallback" not in stats
    same_report(report, validate_fast([path], shapes))


def test_a_dataset_with_no_shared_part(datasets: dict, tmp_path: Path, shapes: Graph) -> None:
    source = datasets["broken-8.nt"][0]
    only = tmp_path / "lists.nt"
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    only.write_text("".join(x for x in lines if x.startswith(f"<{LIST_PREFIX}")), "utf-8")
    stats: dict = {}
    report = validate_incremental([only], cache=Cache(), stats=stats)
    assert stats["lists"] == 2 and "fallback" not in stats
    same_report(report, validate_fast([only], shapes))
    assert not report.conforms


def test_data_that_crosses_lists_is_validated_whole(datasets: dict, tmp_path: Path) -> None:
    source = datasets["broken-2.nt"][0]
    data = tmp_path / "crossing.nt"
    task = f"<{LIST_PREFIX}synthetic-1/task/1>"
    other = f"<{LIST_PREFIX}synthetic-2/task/1>"
    data.write_text(
        source.read_text("utf-8") + f"{task} <http://purl.org/dc/terms/relation> {other} .\n",
        encoding="utf-8",
    )
    stats: dict = {}
    report = validate_incremental([data], cache=Cache(), stats=stats)
    assert "crosses parts" in stats["fallback"]
    same_report(report, validate_fast([data]))


def test_the_command_line_says_what_it_validated(datasets: dict, capsys) -> None:
    path = datasets["broken-2.ttl"][0]
    argv = ["validate", "--data", str(path), "--format", "json"]
    plain_code = hngraph_main(argv)
    plain = capsys.readouterr().out
    assert hngraph_main([*argv, "--incremental"]) == plain_code == 1
    first = capsys.readouterr()
    assert first.out == plain
    assert "2 lists and the shared part: 3 parts validated" in first.err
    assert hngraph_main([*argv, "--incremental"]) == 1
    second = capsys.readouterr()
    assert second.out == plain and "0 parts validated, 3 from the cache" in second.err
    assert hngraph_main([*argv, "--incremental", "--no-cache"]) == 1
    assert "3 parts validated" in capsys.readouterr().err


def test_incremental_needs_the_fast_engine(datasets: dict, capsys) -> None:
    path = datasets["broken-2.ttl"][0]
    code = hngraph_main(["validate", "--data", str(path), "--incremental", "--engine", "rdflib"])
    assert code == 2
    assert "--incremental works with --engine fast only" in capsys.readouterr().err


def test_a_file_whose_cuts_do_not_hold_is_parsed_instead(tmp_path: Path, shapes: Graph) -> None:
    """A long string holds what looks like a list's start: the cut fails, the parse does not."""
    fake = f'\n.\n\n<{LIST_PREFIX}b>\n    a hn:TaskList ;\n    <http://x/p> "y" .\n'
    path = tmp_path / "data.ttl"
    path.write_text(
        "PREFIX ex: <http://example.org/>\nPREFIX hn: <https://w3id.org/hngraph/def/>\n"
        f"ex:s ex:p ex:o ;\n.\n\n<{LIST_PREFIX}a>\n    a hn:TaskList ;\n"
        f'    ex:note """long{fake}""" ;\n.\n',
        encoding="utf-8",
    )
    stats: dict = {}
    report = validate_incremental([path], cache=Cache(), stats=stats)
    assert stats["split"] == "parsed" and stats["lists"] == 1
    same_report(report, validate_fast([path], shapes))
    assert not report.conforms


def test_several_files_are_parsed_and_grouped(datasets: dict, tmp_path: Path, shapes) -> None:
    lines = datasets["broken-8.nt"][0].read_text(encoding="utf-8").splitlines(keepends=True)
    first, second = tmp_path / "a.nt", tmp_path / "b.nt"
    first.write_text("".join(lines[::2]), encoding="utf-8")  # every list in both files
    second.write_text("".join(lines[1::2]), encoding="utf-8")
    stats: dict = {}
    report = validate_incremental([first, second], cache=Cache(), stats=stats)
    assert stats["split"] == "parsed" and stats["lists"] == 2
    same_report(report, validate_fast([first, second], shapes))
