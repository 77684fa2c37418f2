"""Every dump of the release reads as the same number of statements in three independent parsers.

rdflib and pyoxigraph read every format; Debian's raptor (``rapper -c``, package raptor2-utils,
installed by ``.ci/run``) reads all but JSON-LD, which raptor 2 has no parser for. A comment in an
N-Triples file once made ``rapper`` read 0 triples and exit 0: the failing example below keeps that
check honest.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from hngraph.publish.graph import load_site_graph
from hngraph.publish.site import dump_header, render_dumps
from hngraph.rdf.formats import FORMATS
from hngraph.rdf.serialize import UNCOMMENTED, serialize_triples

ROOT = Path(__file__).resolve().parents[2]
DATASET = ROOT / "data" / "dataset" / "hngraph.ttl"
#: raptor's parser name per format; JSON-LD has none in raptor 2.
RAPPER = {"ttl": "turtle", "nt": "ntriples", "rdf": "rdfxml", "nq": "nquads", "trig": "trig"}


def rapper_count(path: Path, key: str) -> int:
    """Statements ``rapper -c`` counts in ``path``; a parse error fails the test."""
    if shutil.which("rapper") is None:
        pytest.fail("rapper is missing: install the Debian package raptor2-utils (.ci/run does)")
    done = subprocess.run(
        ["rapper", "-i", RAPPER[key], "-c", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Error" not in done.stderr, done.stderr
    match = re.search(r"Parsing returned (\d+) (?:triple|statement)", done.stderr)
    assert match, done.stderr
    return int(match.group(1))


def rdflib_count(data: bytes, key: str) -> int:
    if FORMATS[key].datasets:
        dataset = rdflib.Dataset()
        dataset.parse(data=data, format=FORMATS[key].rdflib_name)
        return len(list(dataset.quads((None, None, None, None))))
    graph = rdflib.Graph()
    graph.parse(data=data, format=FORMATS[key].rdflib_name)
    return len(graph)


def oxigraph_count(data: bytes, key: str) -> int:
    return len(list(ox.parse(data, format=FORMATS[key].oxigraph)))


@pytest.fixture(scope="module")
def dumps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if not DATASET.exists():
        pytest.fail("the built dataset is missing; run hngraph build")
    folder = tmp_path_factory.mktemp("dumps")
    paths = {}
    for key, data in render_dumps(load_site_graph(DATASET), DATASET.name).items():
        path = folder / f"hngraph{FORMATS[key].extension}"
        path.write_bytes(data)
        paths[key] = path
    return paths


@pytest.fixture(scope="module")
def expected(dumps: dict[str, Path]) -> int:
    """The number of statements: the distinct triples of the dataset file, read by pyoxigraph."""
    return len(set(ox.parse(DATASET.read_bytes(), format=ox.RdfFormat.TURTLE)))


def test_every_format_is_dumped(dumps: dict[str, Path]) -> None:
    assert sorted(dumps) == sorted(FORMATS)
    assert sorted(RAPPER) == sorted(k for k in FORMATS if k != "jsonld")


@pytest.mark.parametrize("key", sorted(FORMATS))
def test_rdflib_and_pyoxigraph_count_the_same(
    dumps: dict[str, Path], expected: int, key: str
) -> None:
    data = dumps[key].read_bytes()
    assert rdflib_count(data, key) == expected
    assert oxigraph_count(data, key) == expected


@pytest.mark.parametrize("key", sorted(RAPPER))
def test_rapper_counts_what_rdflib_counts(dumps: dict[str, Path], expected: int, key: str) -> None:
    data = dumps[key].read_bytes()
    assert rapper_count(dumps[key], key) == rdflib_count(data, key) == expected


@pytest.mark.parametrize("key", sorted(UNCOMMENTED))
def test_line_dumps_hold_statements_only(dumps: dict[str, Path], key: str) -> None:
    lines = dumps[key].read_text(encoding="utf-8").splitlines()
    assert lines, "empty dump"
    assert all(line.startswith(("<", "_:")) and line.endswith(" .") for line in lines)


def test_commented_dumps_keep_their_header(dumps: dict[str, Path]) -> None:
    for key in sorted(set(FORMATS) - UNCOMMENTED - {"jsonld", "rdf"}):
        assert dumps[key].read_text(encoding="utf-8").startswith("# hngraph dataset")


def test_rapper_loses_a_commented_n_triples_file(tmp_path: Path) -> None:
    """The failing example: the old header (a comment with an apostrophe) reads as 0 triples."""
    triple = ox.Triple(
        ox.NamedNode("https://example.org/s"),
        ox.NamedNode("https://example.org/p"),
        ox.Literal("o"),
    )
    body = serialize_triples([triple], "nt")
    header = "".join(f"# {line}\n" for line in dump_header("x.ttl").splitlines())
    assert "'" in header
    path = tmp_path / "commented.nt"
    path.write_bytes(header.encode() + b"\n" + body)
    assert rdflib_count(path.read_bytes(), "nt") == 1
    assert rapper_count(path, "nt") == 0
    path.write_bytes(body)
    assert rapper_count(path, "nt") == 1
