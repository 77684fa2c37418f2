"""``hngraph publish``: dumps agree, metadata is true, pages escape and link, output is stable."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
import rdflib
from jsonld_support import from_bytes

from hngraph.publish import facts
from hngraph.publish.graph import DUMP_GRAPHS, SiteGraph
from hngraph.publish.htaccess import htaccess
from hngraph.publish.site import PublishConfig, publish, render_release
from hngraph.rdf.formats import FORMATS, RESOURCE_FORMATS
from hngraph.rdf.jsonld import CONTEXT_URL
from hngraph.rdf.read import read_triples

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "publish"
DATASET = ROOT / "data" / "dataset" / "hngraph.ttl"
QUERIES = ROOT / "queries"
HOSTILE_ORG = "https://w3id.org/hngraph/id/org/hostile-test-organisation"
EDUCATION = "id/org/hunan-education-department"
TASK_1 = "id/list/hunan-vet-reform/task/1"
TASK_2 = "id/list/hunan-vet-reform/task/2"
CONTEXT = "context.jsonld"
RDFLIB_FORMATS = {
    "ttl": "turtle",
    "nt": "nt",
    "jsonld": "json-ld",
    "rdf": "xml",
    "nq": "nquads",
    "trig": "trig",
}
OX_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdf": ox.RdfFormat.RDF_XML,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
}


def fixture_triples() -> list[ox.Triple]:
    """The mini dataset plus its hostile additions."""
    return [*read_triples(FIXTURES / "mini.ttl"), *read_triples(FIXTURES / "hostile.ttl")]


@pytest.fixture(scope="module")
def release() -> dict[str, bytes]:
    site = SiteGraph(fixture_triples())
    return render_release(site, "mini.ttl", PublishConfig(queries=QUERIES))


@pytest.fixture(scope="module")
def source_triples() -> set[tuple[str, str, str]]:
    return {_key(t.subject, t.predicate, t.object) for t in fixture_triples()}


def _key(*terms: object) -> tuple[str, ...]:
    """Terms as N-Triples text, so rdflib and pyoxigraph results compare."""
    out = []
    for term in terms:
        if isinstance(term, rdflib.term.Node):
            out.append(term.n3())
        else:
            out.append(str(term))
    return tuple(out)


def _rdflib_literal_fix(text: str) -> str:
    # rdflib writes xsd:string literals without datatype, as pyoxigraph does; nothing to fix
    return text


def parse_rdflib(data: bytes, key: str) -> set[tuple[str, ...]]:
    if key in ("nq", "trig"):
        dataset = rdflib.Dataset()
        dataset.parse(data=data, format=RDFLIB_FORMATS[key])
        return {_key(s, p, o) for s, p, o, _ in dataset.quads()}
    graph = rdflib.Graph()
    graph.parse(data=data, format=RDFLIB_FORMATS[key])
    return {_key(s, p, o) for s, p, o in graph}


def parse_resource(release: dict[str, bytes], path: str, key: str) -> set[tuple[str, ...]]:
    """One representation of a resource; JSON-LD, which names the published context by URL, is
    read by pyld with the release's ``context.jsonld`` served for that URL."""
    data = release[f"{path}/index{FORMATS[key].extension}"]
    if key != "jsonld":
        return parse_rdflib(data, key)
    return {_key(t.subject, t.predicate, t.object) for t in from_bytes(data, release[CONTEXT])}


def parse_oxigraph(data: bytes, key: str) -> set[tuple[str, ...]]:
    return {_key(q.subject, q.predicate, q.object) for q in ox.parse(data, format=OX_FORMATS[key])}


# --- dumps ---------------------------------------------------------------------------------


def test_six_dump_formats() -> None:
    assert sorted(FORMATS) == sorted(RDFLIB_FORMATS)
    assert len(FORMATS) == 6


@pytest.mark.parametrize("key", sorted(RDFLIB_FORMATS))
@pytest.mark.parametrize("parser", ["rdflib", "pyoxigraph"])
def test_every_dump_is_the_same_graph(
    release: dict[str, bytes], source_triples: set, key: str, parser: str
) -> None:
    data = release[f"dataset/hngraph{FORMATS[key].extension}"]
    parsed = parse_rdflib(data, key) if parser == "rdflib" else parse_oxigraph(data, key)
    only_source = sorted(source_triples - parsed)[:5]
    only_dump = sorted(parsed - source_triples)[:5]
    assert not only_source and not only_dump, (
        f"only in source {only_source}; only in dump {only_dump}"
    )


def test_named_graphs_partition_the_dataset(release: dict[str, bytes]) -> None:
    quads = list(ox.parse(release["dataset/hngraph.nq"], format=ox.RdfFormat.N_QUADS))
    graphs = Counter(q.graph_name.value for q in quads)
    assert set(graphs) == {g.value for g in DUMP_GRAPHS}
    ontology = {q.subject.value for q in quads if q.graph_name.value.endswith("/ontology")}
    assert ontology and all("/def/" in s for s in ontology)
    vocabularies = {q.subject.value for q in quads if q.graph_name.value.endswith("/vocabularies")}
    assert any("/concept/role/lead" in s for s in vocabularies)
    trig = {
        (q.subject, q.predicate, q.object, q.graph_name)
        for q in ox.parse(release["dataset/hngraph.trig"], format=ox.RdfFormat.TRIG)
    }
    assert trig == {(q.subject, q.predicate, q.object, q.graph_name) for q in quads}


def test_jsonld_uses_the_published_context(release: dict[str, bytes]) -> None:
    """The dump embeds its context (it is read offline); every term it defines is defined the same
    way in the published context; each resource's document names the published context."""
    published = json.loads(release["context.jsonld"])["@context"]
    dump = json.loads(release["dataset/hngraph.jsonld"])["@context"]
    assert published["hnid"] == "https://w3id.org/hngraph/id/"
    assert published["taskNumber"]["@type"] == "xsd:integer"
    assert {name: published.get(name) for name in dump} == dump
    assert json.loads(release[f"{TASK_1}/index.jsonld"])["@context"] == CONTEXT_URL


def test_dumps_say_what_wrote_them(release: dict[str, bytes]) -> None:
    for key in ("ttl", "trig"):
        head = release[f"dataset/hngraph{FORMATS[key].extension}"][:200].decode()
        assert head.startswith("# hngraph dataset") and "hngraph publish" in head
    for key in ("nt", "nq"):  # statements only: tests/publish/test_dumps.py says why
        assert release[f"dataset/hngraph{FORMATS[key].extension}"].startswith(b"<")
    assert b"hngraph publish" in release["dataset/hngraph.rdf"][:400]


# --- metadata ------------------------------------------------------------------------------

DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"
DCT = "http://purl.org/dc/terms/"
DATASET_IRI = rdflib.URIRef("https://w3id.org/hngraph/id/dataset")


@pytest.fixture(scope="module")
def void(release: dict[str, bytes]) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(data=release["void.ttl"], format="turtle")
    return graph


def _langs(graph: rdflib.Graph, subject: rdflib.URIRef, predicate: str) -> set[str]:
    return {o.language for o in graph.objects(subject, rdflib.URIRef(predicate))}


def test_metadata_titles_licence_source_publisher_version(void: rdflib.Graph) -> None:
    assert _langs(void, DATASET_IRI, DCT + "title") == {"zh", "en"}
    assert _langs(void, DATASET_IRI, DCT + "description") == {"zh", "en"}
    assert _langs(void, DATASET_IRI, DCT + "rights") == {"zh", "en"}
    rights = " ".join(void.objects(DATASET_IRI, rdflib.URIRef(DCT + "rights")))
    assert "unknown" in rights and "未知" in rights
    assert set(void.objects(DATASET_IRI, rdflib.URIRef(DCT + "license"))) == {
        rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/")
    }
    sources = set(
        void.objects(DATASET_IRI, rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))
    )
    assert sources == {rdflib.URIRef("https://w3id.org/hngraph/id/list/hunan-vet-reform/source")}
    assert list(void.objects(DATASET_IRI, rdflib.URIRef(DCT + "publisher")))
    assert str(void.value(DATASET_IRI, rdflib.URIRef(DCAT + "version"))) == "0.1.0"  # the fixture's
    no_dates = {DCT + "issued", DCT + "modified", DCT + "created", DCT + "date"}
    assert not [p for p in void.predicates() if str(p) in no_dates]


def test_metadata_distributions_match_the_files(
    void: rdflib.Graph, release: dict[str, bytes]
) -> None:
    distributions = list(void.objects(DATASET_IRI, rdflib.URIRef(DCAT + "distribution")))
    urls = {str(void.value(node, rdflib.URIRef(DCAT + "downloadURL"))) for node in distributions}
    dumps = {u for u in urls if "/dataset/" in u}
    assert len(dumps) == len(FORMATS)
    tables = {n for n in release if n.startswith("tables/") and n != "tables/metadata.json"}
    assert urls - dumps == {"https://w3id.org/hngraph/" + n for n in tables}  # test_tables.py
    for node in distributions:
        url = str(void.value(node, rdflib.URIRef(DCAT + "downloadURL")))
        name = url.removeprefix("https://w3id.org/hngraph/")
        data = release[name]
        assert int(void.value(node, rdflib.URIRef(DCAT + "byteSize"))) == len(data)
        media = str(void.value(node, rdflib.URIRef(DCAT + "mediaType")))
        if name.startswith("dataset/"):
            assert media.endswith("/" + FORMATS[name.rsplit(".", 1)[1]].media_type)
        checksum = void.value(node, rdflib.URIRef("http://spdx.org/rdf/terms#checksum"))
        digest = str(void.value(checksum, rdflib.URIRef("http://spdx.org/rdf/terms#checksumValue")))
        assert digest == hashlib.sha256(data).hexdigest()


def test_void_counts_endpoint_examples_vocabularies(
    void: rdflib.Graph, release: dict[str, bytes]
) -> None:
    triples = len(fixture_triples())
    assert int(void.value(DATASET_IRI, rdflib.URIRef(VOID + "triples"))) == triples
    subsets = list(void.objects(DATASET_IRI, rdflib.URIRef(VOID + "subset")))
    assert sum(int(void.value(s, rdflib.URIRef(VOID + "triples"))) for s in subsets) == triples
    assert str(void.value(DATASET_IRI, rdflib.URIRef(VOID + "sparqlEndpoint"))) == (
        "https://w3id.org/hngraph/sparql"
    )
    examples = [str(e) for e in void.objects(DATASET_IRI, rdflib.URIRef(VOID + "exampleResource"))]
    assert examples
    for example in examples:
        assert example.removeprefix("https://w3id.org/hngraph/") + "/index.html" in release
    vocabularies = {str(v) for v in void.objects(DATASET_IRI, rdflib.URIRef(VOID + "vocabulary"))}
    assert {
        "http://www.w3.org/ns/org#",
        "http://www.w3.org/2004/02/skos/core#",
        "https://w3id.org/hngraph/def/",
    } <= vocabularies


def test_manifest_covers_every_file(release: dict[str, bytes]) -> None:
    lines = release["SHA256SUMS"].decode().splitlines()
    listed = dict(reversed(line.split("  ", 1)) for line in lines)
    assert set(listed) == set(release) - {"SHA256SUMS"}
    for name, digest in listed.items():
        assert hashlib.sha256(release[name]).hexdigest() == digest


# --- pages ---------------------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "action") and value is not None:
                self.urls.append(value)
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def links_of(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def _pages(release: dict[str, bytes]) -> dict[str, str]:
    return {name: data.decode() for name, data in release.items() if name.endswith(".html")}


def test_a_page_and_four_representations_per_resource(release: dict[str, bytes]) -> None:
    site = SiteGraph(fixture_triples())
    subjects = [s.value for s in site.subjects() if s.value.startswith("https://w3id.org/hngraph/")]
    assert len(subjects) > 30
    for value in subjects:
        path = value.removeprefix("https://w3id.org/hngraph/").rstrip("/")
        for suffix in ("html", *(FORMATS[k].extension[1:] for k in RESOURCE_FORMATS)):
            assert f"{path}/index.{suffix}" in release, f"{path}/index.{suffix}"


@pytest.mark.parametrize(
    "path", [TASK_1, EDUCATION, "id/concept/role/lead", "def/Task", "id/dataset"]
)
def test_representations_and_embedded_jsonld_agree(release: dict[str, bytes], path: str) -> None:
    graphs = [parse_resource(release, path, k) for k in RESOURCE_FORMATS]
    assert graphs[0] and all(g == graphs[0] for g in graphs)
    scripts = links_of(release[f"{path}/index.html"].decode()).scripts
    embedded = [s for s in scripts if s.strip().startswith("{")]
    assert len(embedded) == 1
    assert parse_rdflib(embedded[0].encode(), "jsonld") == graphs[0]


def test_department_page_lists_tasks_it_leads_and_supports(release: dict[str, bytes]) -> None:
    page = release[f"{EDUCATION}/index.html"].decode()
    led, supported = page.split("Tasks it leads", 1)[1].split("Tasks it supports", 1)
    assert "task/1/index.html" in led and "task/2/index.html" not in led
    assert "task/2/index.html" in supported.split("</table>", 1)[0]
    task = release[f"{TASK_1}/index.html"].decode()
    assert "org/hunan-education-department/index.html" in task
    assert "湖南省教育厅" in task and "Department of Education of Hunan Province" in task


def test_task_page_shows_chinese_with_english_alongside(release: dict[str, bytes]) -> None:
    page = release[f"{TASK_2}/index.html"].decode()
    assert "推进“三全育人”综合改革试点省建设" in page
    assert "Fixture translation of task 2." in page
    assert '<html lang="zh-Hans">' in page and 'lang="en"' in page


def test_hostile_labels_render_as_text(release: dict[str, bytes]) -> None:
    page = release["id/org/hostile-test-organisation/index.html"].decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    for raw in ("<script>alert", "<img src=x", "</script><script>", '" onmouseover="'):
        assert raw not in page
    for name, html in _pages(release).items():
        assert "<script>alert" not in html, name
        for script in links_of(html).scripts:
            assert "</script" not in script.lower()


def test_pages_emit_only_http_links(release: dict[str, bytes]) -> None:
    for name, html in _pages(release).items():
        for url in links_of(html).urls:
            scheme = urlsplit(url).scheme
            assert scheme in ("", "http", "https"), f"{name}: {url}"
    hostile = release["id/org/hostile-test-organisation/index.html"].decode()
    assert "https://example.org/safe-link" in links_of(hostile).urls
    assert "javascript:alert(5)" in hostile  # shown as text, never as a link


def test_relative_links_resolve_inside_the_release(release: dict[str, bytes]) -> None:
    missing = []
    for name, html in _pages(release).items():
        base = name.rsplit("/", 1)[0] if "/" in name else ""
        for url in links_of(html).urls:
            parts = urlsplit(url)
            if parts.scheme or not parts.path:
                continue
            target = os.path.normpath(os.path.join(base, parts.path)).replace(os.sep, "/")
            if target not in release:
                missing.append(f"{name} -> {url}")
    assert not missing, missing[:10]


def test_index_has_three_charts_and_bilingual_text(release: dict[str, bytes]) -> None:
    page = release["index.html"].decode()
    for name in ("workload", "network", "areas"):
        svg = release[f"charts/{name}.svg"].decode()
        assert svg.lstrip().startswith("<?xml") and "<svg" in svg
        assert f"charts/{name}.svg" in page
    workload = release["charts/workload.svg"].decode()
    assert "省教育厅" in workload and "Department workload" in workload
    assert "院校治理" in release["charts/areas.svg"].decode()
    assert "任务清单" in page and "Task lists" in page


def test_ontology_page_is_bilingual(release: dict[str, bytes]) -> None:
    page = release["def/index.html"].decode()
    assert 'id="Task"' in page
    assert "任务清单中的一行。" in page and "One row of a task list." in page


def test_query_catalogue_page_lists_every_query(release: dict[str, bytes]) -> None:
    names = sorted(p.stem for p in QUERIES.glob("*.rq"))
    assert names, "the catalogue has queries"
    page = release["queries/index.html"].decode()
    for name in names:
        assert f'id="q-{name}"' in page
        assert f"queries/{name}.rq" in release
    assert page.count('class="block query"') == len(names)


def test_search_az_and_not_found_pages_are_in_the_release(release: dict[str, bytes]) -> None:
    for name in ("search/index.html", "az/index.html", "404.html", "static/search.js"):
        assert name in release, name
    task = release[f"{TASK_1}/index.html"].decode()
    # every page has the search form and the A–Z link, relative to where it is
    assert 'action="../../../../../search/index.html"' in task
    assert 'href="../../../../../az/index.html"' in task
    not_found = release["404.html"].decode()
    assert "未找到" in not_found and "Not found" in not_found


def test_search_index_links_resolve_inside_the_release(release: dict[str, bytes]) -> None:
    page = release["search/index.html"].decode()
    block = page.split('<script type="application/json" id="search-index">', 1)[1]
    index = json.loads(block.split("</script>", 1)[0])
    hrefs = [row["h"] for row in index["entries"]]
    assert len(hrefs) >= 20
    for href in hrefs:
        target = os.path.normpath(os.path.join("search", href)).replace(os.sep, "/")
        assert target in release, href
    assert TASK_1 + "/index.html" in {
        os.path.normpath(os.path.join("search", h)).replace(os.sep, "/") for h in hrefs
    }


def test_pages_need_no_inline_style_or_script(release: dict[str, bytes]) -> None:
    """The pages work under ``style-src 'self'; script-src 'self'`` (the server's policy)."""
    for name, html in _pages(release).items():
        if name == "editor/index.html":  # YASGUI's injected style is allowed by its hash
            continue
        assert " style=" not in html and "<style" not in html, name
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/' in tag, f"{name}: {tag}"


# --- figures from the graph against the source text ----------------------------------------


@pytest.mark.skipif(not DATASET.exists(), reason="the built dataset is missing; run hngraph build")
def test_workload_matches_the_source_table() -> None:
    from hngraph.build.registry import load_registry
    from hngraph.source.parse import parse_file

    registry = load_registry(ROOT / "data" / "registry" / "organisations.ttl")
    expected: Counter[tuple[str, str]] = Counter()
    for source in sorted((ROOT / "data" / "source").glob("*.txt")):
        for task in parse_file(source).tasks:
            for rank, name in enumerate(task.departments):
                expected[(str(registry.aliases[name]), "lead" if rank == 0 else "supporting")] += 1
    site = SiteGraph(read_triples(DATASET))
    actual: Counter[tuple[str, str]] = Counter()
    for row in facts.workload(site):
        actual[(row.organisation.value, "lead")] += row.lead
        actual[(row.organisation.value, "supporting")] += row.supporting
    assert +actual == +expected


# --- w3id rules ----------------------------------------------------------------------------


def _redirect(rules: str, path: str, accept: str) -> tuple[int, str] | None:
    """Evaluate the generated mod_rewrite rules (the subset they use) for one request."""
    conditions: list[str] = []
    for line in rules.splitlines():
        if line.startswith("RewriteCond %{HTTP_ACCEPT} "):
            conditions.append(line.split(" ", 2)[2])
        elif line.startswith("RewriteRule "):
            _, pattern, target, flags = line.split(" ")
            ok = all(re.search(c, accept) for c in conditions)
            conditions = []
            match = re.search(pattern, path)
            if ok and match:
                status = int(re.search(r"R=(\d+)", flags).group(1))
                groups = match.groups()
                return status, re.sub(r"\$(\d)", lambda m, g=groups: g[int(m.group(1)) - 1], target)
    return None


@pytest.mark.parametrize(
    ("path", "accept", "file"),
    [
        (TASK_1, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "index.html"),
        (TASK_1, "text/turtle", "index.ttl"),
        (TASK_1, "application/n-triples", "index.nt"),
        (TASK_1, "application/ld+json", "index.jsonld"),
        (TASK_1, "application/rdf+xml, text/html;q=0.5", "index.rdf"),
        (TASK_1, "application/json", "index.jsonld"),
        (TASK_1, "application/json, text/turtle", "index.ttl"),
        (TASK_1, "", "index.html"),
        ("def/", "text/turtle", "index.ttl"),
        ("def/Task", "text/html", "index.html"),
    ],
)
def test_htaccess_sends_each_accept_to_a_file(
    release: dict[str, bytes], path: str, accept: str, file: str
) -> None:
    rules = htaccess("https://deploy.example/hngraph/", "https://deploy.example/sparql")
    assert rules == release[".htaccess"].replace(
        b"https://example.org/hngraph/", b"https://deploy.example/hngraph/"
    ).replace(b"https://deploy.example/hngraph/sparql", b"https://deploy.example/sparql")
    status, target = _redirect(rules.decode(), path, accept)
    assert status == 303
    assert target.endswith("/" + file)
    assert target.removeprefix("https://deploy.example/hngraph/") in release


def test_htaccess_dumps_and_endpoint(release: dict[str, bytes]) -> None:
    rules = release[".htaccess"].decode()
    assert _redirect(rules, "sparql", "") == (307, "https://example.org/hngraph/sparql")
    status, target = _redirect(rules, "dataset/hngraph.nq", "")
    assert status == 302 and target.removeprefix("https://example.org/hngraph/") in release
    tables = [name for name in release if name.startswith("tables/")]
    assert tables
    for name in [*tables, "editor", "editor/"]:
        status, target = _redirect(rules, name, "")
        assert status == 302, name
        assert target.removeprefix("https://example.org/hngraph/") in release, name


# --- writing -------------------------------------------------------------------------------


def _publish_cli(out: Path, seed: str) -> None:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    command = [
        sys.executable,
        "-m",
        "hngraph",
        "publish",
        "--out",
        str(out),
        "--data",
        str(FIXTURES / "mini.ttl"),
    ]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "published" in result.stdout


def test_publish_is_byte_identical_across_runs(tmp_path: Path) -> None:
    _publish_cli(tmp_path / "a", "1")
    _publish_cli(tmp_path / "b", "2")
    first = (tmp_path / "a" / "SHA256SUMS").read_bytes()
    assert first == (tmp_path / "b" / "SHA256SUMS").read_bytes()
    listed = {line.split("  ", 1)[1] for line in first.decode().splitlines()}
    on_disk = {
        p.relative_to(tmp_path / "a").as_posix() for p in (tmp_path / "a").rglob("*") if p.is_file()
    }
    assert on_disk == listed | {"SHA256SUMS"}


def test_publish_replaces_a_release_and_refuses_other_folders(tmp_path: Path) -> None:
    out = tmp_path / "site"
    config = PublishConfig()
    publish(FIXTURES / "mini.ttl", out, config)
    (out / "stale.txt").write_text("left from an older release")
    publish(FIXTURES / "mini.ttl", out, config)
    assert not (out / "stale.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no staging folders left
    other = tmp_path / "documents"
    other.mkdir()
    (other / "thesis.txt").write_text("keep me")
    with pytest.raises(Exception, match="not a release"):
        publish(FIXTURES / "mini.ttl", other, config)
    assert (other / "thesis.txt").read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["documents", "site"]


def test_publish_reports_a_missing_dataset(tmp_path: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "hngraph",
        "publish",
        "--out",
        str(tmp_path / "site"),
        "--data",
        str(tmp_path / "missing.ttl"),
    ]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "missing.ttl" in result.stderr and "not found" in result.stderr
    assert not (tmp_path / "site").exists()
