"""The A–Z list and the search index: every findable resource, named from the data only."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest

from hngraph.publish.finding import OTHER, Entry, az_groups, entries, search_index
from hngraph.publish.graph import SiteGraph, load_site_graph
from hngraph.publish.links import Linker
from hngraph.publish.pages import Pages
from hngraph.rdf.read import read_triples
from hngraph.rdf.serialize import iri

ROOT = Path(__file__).resolve().parents[2]
DATASET = ROOT / "data" / "dataset" / "hngraph.ttl"
MINI = ROOT / "tests" / "fixtures" / "publish" / "mini.ttl"
HOSTILE = ROOT / "tests" / "fixtures" / "publish" / "hostile.ttl"


@pytest.fixture(scope="module")
def site() -> SiteGraph:
    return SiteGraph([*read_triples(MINI), *read_triples(HOSTILE)])


def _entry(en: str | None, zh: str) -> Entry:
    return Entry("concept", iri("https://w3id.org/hngraph/id/concept/x"), "id/x", zh, en, ())


def test_az_groups_by_english_initial_in_natural_order() -> None:
    found = [
        _entry("task 10", "十"),
        _entry("Task 2", "二"),
        _entry("apple", "苹果"),
        _entry(None, "无"),
    ]
    found.append(_entry("“Dual” teachers", "双师"))
    groups = az_groups(found)
    assert [g.letter for g in groups] == ["A", "T", OTHER]
    assert [e.en for e in groups[1].entries] == ["Task 2", "task 10"]
    assert [e.zh for e in groups[2].entries] == ["双师", "无"]  # by English text, else Chinese


def test_entries_cover_tasks_departments_concepts_schemes(site: SiteGraph) -> None:
    found = entries(site)
    kinds = {e.kind for e in found}
    assert {"list", "task", "department", "concept", "scheme", "term"} <= kinds
    assert len({e.node for e in found}) == len(found)  # each resource once
    departments = [e for e in found if e.kind == "department"]
    assert departments and all(e.zh for e in departments)
    tasks = [e for e in found if e.kind == "task"]
    assert [e.path.rsplit("/", 1)[1] for e in tasks] == ["1", "2"]
    assert any("高职院校" in word for e in tasks for word in e.words)  # the task text is searchable


def test_search_index_links_relative_to_the_search_page(site: SiteGraph) -> None:
    index = search_index(site, entries(site), Linker(static=True, here="search"))
    rows = index["entries"]
    assert isinstance(rows, list) and rows
    assert all(row["h"].startswith("../") and row["h"].endswith("/index.html") for row in rows)
    served = search_index(site, entries(site), Linker(static=False, here="search"))
    assert all(
        row["h"].startswith("/id/") or row["h"].startswith("/def") for row in served["entries"]
    )  # type: ignore[union-attr]


def test_search_page_embeds_an_index_that_cannot_break_out(site: SiteGraph) -> None:
    html = Pages(site, static=True, targets={}).search()
    block = html.split('<script type="application/json" id="search-index">', 1)[1]
    block = block.split("</script>", 1)[0]
    assert "<" not in block and ">" not in block  # the hostile label's <script> is escaped
    index = json.loads(block)
    assert any("<script>" in row["zh"] or "<script>" in row["en"] for row in index["entries"])
    assert 'src="../static/search.js"' in html


@pytest.mark.skipif(not DATASET.exists(), reason="the built dataset is missing; run hngraph build")
def test_az_page_lists_every_department_and_concept() -> None:
    site = load_site_graph(DATASET)
    html = Pages(site, static=True).az()
    found = entries(site)
    for entry in found:
        if entry.kind in ("department", "concept"):
            assert f'href="../{entry.path}/index.html"' in html, entry.path
    letters = re.findall(r'<h3 id="departments-([A-Z]|other)">', html)
    assert letters == sorted(letters, key=lambda k: (k == "other", k)) and len(letters) > 5
    assert "Department of Education of Hunan Province 湖南省教育厅" in unescape(
        re.sub(r"<[^>]+>", "", html)
    )
