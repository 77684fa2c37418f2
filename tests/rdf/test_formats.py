"""The one format table: every reader takes the same suffixes; ``.owl`` is RDF/XML everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from hngraph.commands.main import main
from hngraph.errors import HngraphError
from hngraph.rdf.formats import FORMATS, format_of
from hngraph.rdf.read import load_store, read_graph, read_triples

OWL = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:ex="http://example.org/">
  <rdf:Description rdf:about="http://example.org/a"><ex:p>x</ex:p></rdf:Description>
</rdf:RDF>
"""


def test_every_suffix_names_one_format() -> None:
    suffixes = [suffix for fmt in FORMATS.values() for suffix in fmt.suffixes]
    assert len(suffixes) == len(set(suffixes)) == 7
    assert format_of("x.OWL").key == format_of("x.rdf").key == "rdf"


def test_an_unknown_suffix_names_the_file() -> None:
    with pytest.raises(HngraphError, match=r"notes\.md: unsupported file type '\.md'"):
        format_of("notes.md")


def test_owl_files_are_read_by_every_reader(tmp_path: Path) -> None:
    path = tmp_path / "x.owl"
    path.write_text(OWL, encoding="utf-8")
    assert len(read_graph(path)) == 1
    assert len(load_store([path])) == 1
    assert len(list(read_triples(path))) == 1


@pytest.mark.parametrize("engine", ["fast", "oxigraph", "rdflib"])
def test_validate_reads_owl_on_every_engine(
    tmp_path: Path, engine: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "x.owl"
    path.write_text(OWL, encoding="utf-8")
    assert main(["validate", "--data", str(path), "--engine", engine]) == 0
    assert "conforms" in capsys.readouterr().out


def test_a_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.ttl"
    path.write_text("@prefix ex: <http://example.org/> .\nex:a ex:p .\n", encoding="utf-8")
    with pytest.raises(HngraphError, match=r"bad\.ttl:2: not valid turtle"):
        read_graph(path)
    with pytest.raises(HngraphError, match=r"bad\.ttl:2: not valid turtle"):
        load_store([path])
