"""The release's SSSOM mapping table: read and validated by sssom-py and the SSSOM schema's
LinkML data model, and converted back to RDF by sssom-py to equal the dataset's mappings (found
here by an independent SPARQL query with rdflib)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
import rdflib
import yaml
from rdflib.namespace import OWL
from sssom.constants import SchemaValidationType
from sssom.parsers import parse_sssom_table
from sssom.validators import validate
from sssom.writers import to_rdf_graph
from sssom_schema import Mapping, MappingSet

from hngraph.publish.graph import SiteGraph, load_site_graph
from hngraph.publish.mappings import mappings, sssom_tsv
from hngraph.publish.metadata import MAPPINGS_FILE
from hngraph.publish.site import PublishConfig, render_release
from hngraph.rdf.read import read_triples

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "dataset" / "hngraph.ttl"
FIXTURES = ROOT / "tests" / "fixtures" / "publish"
#: The dataset's cross-vocabulary mappings, by a route independent of hngraph.publish.mappings.
MAPPINGS_QUERY = """
SELECT ?s ?p ?o WHERE {
  { ?s ?p ?o .
    VALUES ?p { skos:exactMatch skos:closeMatch skos:broadMatch skos:narrowMatch skos:relatedMatch }
    FILTER (STRSTARTS(STR(?s), "https://w3id.org/hngraph/id/concept/")) }
  UNION
  { ?s ?p ?o .
    VALUES ?p { rdfs:subClassOf rdfs:subPropertyOf rdfs:seeAlso }
    FILTER (STRSTARTS(STR(?s), "https://w3id.org/hngraph/def/")) }
  FILTER (isIRI(?o) && !STRSTARTS(STR(?o), "https://w3id.org/hngraph/"))
}
"""


@pytest.fixture(scope="module")
def site() -> SiteGraph:
    if not DATA.exists():
        pytest.fail("the built dataset is missing; run hngraph build")
    return load_site_graph(DATA)


@pytest.fixture(scope="module")
def table(site: SiteGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sssom") / "hngraph.sssom.tsv"
    path.write_bytes(sssom_tsv(site))
    return path


def split(text: str) -> tuple[dict, list[dict[str, str]]]:
    """The YAML metadata block and the rows of an SSSOM TSV, read without sssom-py."""
    header = [line[2:] for line in text.splitlines() if line.startswith("# ")]
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    return yaml.safe_load("\n".join(header)), list(
        csv.DictReader(io.StringIO(body), delimiter="\t")
    )


def check_with_schema(text: str) -> int:
    """Build the SSSOM schema's LinkML objects from the raw table (required slots enforced)."""
    meta, rows = split(text)
    meta = {k: v for k, v in meta.items() if k != "curie_map"}
    records = [Mapping(**{k: v for k, v in row.items() if v}) for row in rows]
    return len(MappingSet(**meta, mappings=records).mappings)


def test_sssom_py_reads_and_validates(site: SiteGraph, table: Path) -> None:
    msdf = parse_sssom_table(table)
    validate(msdf, [SchemaValidationType.JsonSchema, SchemaValidationType.PrefixMapCompleteness])
    assert len(msdf.df) == len(mappings(site)) > 0
    assert msdf.metadata["mapping_set_id"] == "https://w3id.org/hngraph/" + MAPPINGS_FILE
    assert msdf.metadata["license"] == "https://creativecommons.org/licenses/by/4.0/"


def test_the_schema_data_model_accepts_the_table(table: Path) -> None:
    assert check_with_schema(table.read_text(encoding="utf-8")) > 0


@pytest.mark.parametrize(
    ("name", "old", "new", "error"),
    [
        (
            "undeclared prefix",
            "\tisced:level6\t",
            "\tnope:level6\t",
            "missing from 'curie_map'|Missing prefix: nope",
        ),
        ("no justification", "\tsemapv:ManualMappingCuration\t", "\t\t", "mapping_justification"),
        ("no licence", "# license: https://creativecommons.org/licenses/by/4.0/\n", "", "license"),
    ],
)
def test_the_checks_fail_on_broken_tables(
    table: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    name: str,
    old: str,
    new: str,
    error: str,
) -> None:
    text = table.read_text(encoding="utf-8")
    assert old in text, name
    broken = tmp_path / "broken.sssom.tsv"
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(Exception) as raised:
        validate(parse_sssom_table(broken), [SchemaValidationType.PrefixMapCompleteness])
        check_with_schema(broken.read_text(encoding="utf-8"))
    # sssom-py up to 0.4.1x names the problem in the exception; later releases raise a summary
    # ("You mapping set has 1 validation errors!") and log the problem ("Missing prefix: nope").
    said = str(raised.value) + "\n" + caplog.text
    assert re.search(error, said), said


def test_sssom_py_rdf_equals_the_dataset_mappings(table: Path) -> None:
    graph = to_rdf_graph(parse_sssom_table(table))
    from_table = {
        (
            str(graph.value(a, OWL.annotatedSource)),
            str(graph.value(a, OWL.annotatedProperty)),
            str(graph.value(a, OWL.annotatedTarget)),
        )
        for a in graph.subjects(rdflib.RDF.type, OWL.Axiom)
    }
    data = rdflib.Graph().parse(DATA)
    expected = {(str(s), str(p), str(o)) for s, p, o in data.query(MAPPINGS_QUERY)}
    assert any("kim/isced-2011/level" in o for _, _, o in expected)
    assert from_table == expected


def test_the_release_ships_the_table() -> None:
    triples = [*read_triples(FIXTURES / "mini.ttl")]
    files = render_release(SiteGraph(triples), "mini.ttl", PublishConfig())
    assert files[MAPPINGS_FILE].startswith(b"# curie_map:\n")
    assert MAPPINGS_FILE in files["SHA256SUMS"].decode()
    rule = r"RewriteRule ^(mappings/hngraph\.sssom\.tsv)$ https://example.org/hngraph/$1 [R=302,L]"
    assert rule in files[".htaccess"].decode()  # the mapping_set_id resolves through w3id
