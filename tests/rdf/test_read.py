"""The one RDF reader: RDF/XML entity declarations are refused on every route; no special files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hngraph.errors import RdfFileError
from hngraph.rdf.read import PROLOG_BYTES, load_store, read_graph, read_triples

ROOT = Path(__file__).resolve().parents[2]

# The 742-byte document nests ten levels; three levels of ten keep this one at 1,000
# copies (bounded: the old code parsed it in milliseconds and accepted it).
LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
  <!ENTITY a "ha">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">
  <rdf:Description rdf:about="https://w3id.org/hngraph/id/x"><rdfs:label>&d;</rdfs:label>
  </rdf:Description>
</rdf:RDF>
"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF SYSTEM "file:///etc/passwd">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>
"""
PLAIN = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">
  <rdf:Description rdf:about="https://w3id.org/hngraph/id/x"><rdfs:label>x</rdfs:label>
  </rdf:Description>
</rdf:RDF>
"""


@pytest.mark.parametrize("suffix", [".rdf", ".owl"])
@pytest.mark.parametrize("text", [LAUGHS, EXTERNAL], ids=["entities", "external"])
def test_rdfxml_entity_declarations_are_refused_by_every_reader(
    tmp_path: Path, suffix: str, text: str
) -> None:
    path = tmp_path / f"bomb{suffix}"
    path.write_text(text, encoding="utf-8")
    for read in (read_graph, lambda p: load_store([p]), lambda p: list(read_triples(p))):
        with pytest.raises(RdfFileError, match=r"bomb.*:2: RDF/XML with entity declarations"):
            read(path)


def test_utf16_does_not_hide_the_doctype(tmp_path: Path) -> None:
    path = tmp_path / "bomb.rdf"
    path.write_bytes(LAUGHS.replace('"1.0"?', '"1.0" encoding="UTF-16"?').encode("utf-16"))
    with pytest.raises(RdfFileError, match="entity declarations"):
        read_graph(path)


def test_a_doctype_without_declarations_is_read(tmp_path: Path) -> None:
    path = tmp_path / "plain.rdf"
    path.write_text(PLAIN, encoding="utf-8")
    assert len(read_graph(path)) == 1
    assert len(load_store([path])) == 1


def test_an_endless_prolog_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "long.rdf"
    path.write_text("<?xml version='1.0'?>\n<!DOCTYPE rdf:RDF [" + " " * PROLOG_BYTES, "utf-8")
    with pytest.raises(RdfFileError, match="entity declarations"):
        read_graph(path)


@pytest.mark.parametrize("command", ["validate", "query", "sparql"])
def test_commands_refuse_the_bomb_with_one_line(tmp_path: Path, command: str) -> None:
    path = tmp_path / "bomb.rdf"
    path.write_text(LAUGHS, encoding="utf-8")
    query = tmp_path / "q.rq"
    query.write_text("ASK { ?s ?p ?o }", encoding="utf-8")
    argv = {
        "validate": ["validate", "--data", str(path)],
        "query": ["query", "list-summary", "--data", str(path)],
        "sparql": ["sparql", str(query), "--data", str(path)],
    }[command]
    done = subprocess.run(
        [sys.executable, "-m", "hngraph", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "entity declarations" in done.stderr


def test_special_files_are_never_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.ttl"
    os.mkfifo(fifo)  # opening it for reading would block forever
    for read in (read_graph, lambda p: load_store([p]), lambda p: list(read_triples(p))):
        with pytest.raises(RdfFileError, match="not a regular file"):
            read(fifo)
