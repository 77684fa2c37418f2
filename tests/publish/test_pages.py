"""Resource pages as people read them: hierarchy, mapping targets, natural order, English."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pyoxigraph as ox
import pytest

from hngraph.publish.graph import SiteGraph, load_site_graph
from hngraph.publish.pages import Pages
from hngraph.rdf.read import read_triples
from hngraph.vocab import BASE

ROOT = Path(__file__).resolve().parents[2]
DATASET = ROOT / "data" / "dataset" / "hngraph.ttl"
MINI = ROOT / "tests" / "fixtures" / "publish" / "mini.ttl"
HIGHER_VOCATIONAL = "id/concept/education-level/higher-vocational"
FIVE_YEAR = "id/concept/education-level/five-year-higher-vocational"
EDUCATION = "id/org/hunan-education-department"
LIST = "id/list/hunan-vet-reform"
needs_dataset = pytest.mark.skipif(not DATASET.exists(), reason="run hngraph build first")


@pytest.fixture(scope="module")
def pages() -> Pages:
    return Pages(load_site_graph(DATASET), static=True)


def page(pages: Pages, path: str) -> str:
    return pages.resource(ox.NamedNode(BASE + path), path)


def section(html: str, title_en: str) -> str:
    """The HTML of the section whose heading ends in ``title_en``."""
    start = html.index(f'<span class="en" lang="en">{title_en}</span></h2>')
    return html[start : html.index("</section>", start)]


def text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


@needs_dataset
def test_concept_page_shows_its_place_in_the_hierarchy(pages: Pages) -> None:
    tree = section(page(pages, FIVE_YEAR), "Hierarchy")
    # the broader concept holds the concept, which is marked as the current page
    assert tree.index("高职专科") < tree.index('class="current"') < tree.index("五年制高职")
    top = section(page(pages, HIGHER_VOCATIONAL), "Hierarchy")
    assert '<li class="current" aria-current="page">' in top
    assert "五年制高职" in top  # its narrower concept, one level below


@needs_dataset
def test_scheme_page_shows_the_whole_tree(pages: Pages) -> None:
    tree = section(page(pages, "id/scheme/policy-area"), "Hierarchy")
    site = pages.site
    concepts = site.subjects_with(
        ox.NamedNode("http://www.w3.org/2004/02/skos/core#inScheme"),
        ox.NamedNode(BASE + "id/scheme/policy-area"),
    )
    assert len(concepts) > 20
    for concept in concepts:  # every concept of the scheme is in the tree, linked
        assert f'href="../../{concept.value[len(BASE) + len("id/") :]}/index.html"' in tree
    # nested: a narrower area sits inside its broader area's list item
    broader = tree.index("产教融合")
    assert tree.index("<ul>", broader) < tree.index("校企合作")


@needs_dataset
def test_mapping_targets_show_their_recorded_label_and_iri(pages: Pages) -> None:
    mappings = text(section(page(pages, HIGHER_VOCATIONAL), "Mappings"))
    assert "Short-cycle tertiary education" in mappings
    assert "https://w3id.org/kim/isced-2011/level5" in mappings


def test_a_target_without_a_recorded_label_shows_its_iri(tmp_path: Path) -> None:
    extra = (
        "<https://w3id.org/hngraph/id/concept/role/lead> "
        "<http://www.w3.org/2004/02/skos/core#exactMatch> <https://example.org/vocab/leader> .\n"
    )
    (tmp_path / "extra.nt").write_text(extra, encoding="utf-8")
    site = SiteGraph([*read_triples(MINI), *read_triples(tmp_path / "extra.nt")])
    html = Pages(site, static=True, targets={}).resource(
        ox.NamedNode(BASE + "id/concept/role/lead"), "id/concept/role/lead"
    )
    mappings = section(html, "Mappings")
    assert 'href="https://example.org/vocab/leader"' in mappings
    assert ">https://example.org/vocab/leader<" in mappings
    assert "no label" in mappings


@needs_dataset
def test_referenced_by_lists_tasks_in_natural_order(pages: Pages) -> None:
    inbound = section(page(pages, HIGHER_VOCATIONAL), "Referenced by")
    rows = [row for row in inbound.split("<tr>") if "任务 " in row]
    assert len(rows) == 2  # hn:educationLevel (measures) and hn:concept (level mentions)
    for row in rows:
        numbers = [int(n) for n in re.findall(r"任务 (\d+) 举措 (\d+)", row) for n in n]
        pairs = list(zip(numbers[::2], numbers[1::2], strict=True))
        assert len(pairs) > 5
        assert pairs == sorted(pairs)  # 1, 7, 8, 9, 10, 11, 19 — not 1, 10, 11, 19, 7
        assert [t for t, _ in pairs].index(7) < [t for t, _ in pairs].index(10)


@needs_dataset
def test_department_and_list_pages_show_english(pages: Pages) -> None:
    for path in (EDUCATION, LIST):
        tasks = section(page(pages, path), "Tasks it leads (20)" if path == EDUCATION else "Tasks")
        assert "English (unofficial)" in tasks
        assert "Issue standards for the teaching conditions" in text(tasks)  # task 7
        assert "Department of Education of Hunan Province" in text(tasks)
        assert "no English" not in tasks  # every task and department has English here


def test_a_missing_english_name_is_marked_not_invented(tmp_path: Path) -> None:
    site = SiteGraph(read_triples(MINI))
    html = Pages(site, static=True, targets={}).resource(
        ox.NamedNode(BASE + "id/list/hunan-vet-reform"), "id/list/hunan-vet-reform"
    )
    tasks = section(html, "Tasks")
    organisations_without_english = [
        o
        for o in site.instances(ox.NamedNode("http://www.w3.org/ns/org#Organization"))
        if site.label(o, "en") is None
    ]
    if organisations_without_english:
        assert "(no English name)" in tasks
    else:
        assert "(no English name)" not in tasks
    assert "English (unofficial)" in tasks
