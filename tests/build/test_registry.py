"""Checks of the curated reference data that need no build code.

The organisation registry (data/registry/organisations.ttl) and the English translations
(data/translations/hunan-vet-reform.en.tsv) are hand-edited; these tests read them with rdflib and
the standard library only, and compare them with the source text read by a small parser of their own
(independent of hngraph.parse).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SKOS

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "data" / "source" / "hunan-vet-reform.txt"
REGISTRY = ROOT / "data" / "registry" / "organisations.ttl"
TRANSLATIONS = ROOT / "data" / "translations" / "hunan-vet-reform.en.tsv"

ORG = Namespace("http://www.w3.org/ns/org#")
HN = Namespace("https://w3id.org/hngraph/def/")
ORG_BASE = "https://w3id.org/hngraph/id/org/"
KIND_BASE = "https://w3id.org/hngraph/id/concept/organisation-kind/"
KINDS = {
    "party-committee-department",
    "provincial-government-department",
    "provincial-constituent-department",
    "provincial-special-body",
    "provincial-directly-affiliated-body",
    "provincial-department-managed-body",
    "central-agency-in-hunan",
    "local-government-collective",
    "prefecture-government",
    "provincial-party-committee",
    "provincial-government",
    "central-agency",
}
PREFECTURES = {
    "长沙市人民政府",
    "株洲市人民政府",
    "湘潭市人民政府",
    "衡阳市人民政府",
    "邵阳市人民政府",
    "岳阳市人民政府",
    "常德市人民政府",
    "张家界市人民政府",
    "益阳市人民政府",
    "郴州市人民政府",
    "永州市人民政府",
    "怀化市人民政府",
    "娄底市人民政府",
    "湘西土家族苗族自治州人民政府",
}
PREFECTURE_COLLECTIVE = URIRef(ORG_BASE + "hunan-prefecture-governments")
COUNTY_COLLECTIVE = URIRef(ORG_BASE + "hunan-prefecture-and-county-governments")


# --- the source, read independently ------------------------------------------------------------


def _source_rows() -> list[tuple[int, str, str]]:
    """(task number, 政策内容 cell, 责任部门 cell) for every task, in order."""
    lines = SOURCE.read_text(encoding="utf-8").split("\n")
    rows = []
    for index, line in enumerate(lines):
        if re.fullmatch(r"\t\d+", line):
            content, departments = lines[index + 1], lines[index + 2]
            assert content.startswith("\t") and departments.startswith("\t")
            rows.append((int(line[1:]), content[1:], departments[1:]))
    return rows


SOURCE_ROWS = _source_rows()


def _source_measures() -> list[tuple[int, int, str]]:
    return [
        (number, position, text)
        for number, content, _ in SOURCE_ROWS
        for position, text in enumerate(content.split("；"), start=1)
    ]


def _source_department_names() -> list[str]:
    seen: dict[str, None] = {}
    for _, _, departments in SOURCE_ROWS:
        for name in departments.split("、"):
            seen.setdefault(name)
    return list(seen)


def test_source_shape() -> None:
    assert [number for number, _, _ in SOURCE_ROWS] == list(range(1, 31))
    assert len(_source_measures()) == 67
    assert len(_source_department_names()) == 21


# --- translations -----------------------------------------------------------------------------


def _translation_rows() -> tuple[list[str], list[list[str]]]:
    text = TRANSLATIONS.read_bytes().decode("utf-8")  # strict: the file must be UTF-8
    assert text.endswith("\n") and "\r" not in text
    lines = text[:-1].split("\n")
    return lines[0].split("\t"), [line.split("\t") for line in lines[1:]]


def test_translation_header_and_row_count() -> None:
    header, rows = _translation_rows()
    assert header == ["task", "measure", "zh", "en"]
    assert len(rows) == 67
    assert all(len(row) == 4 for row in rows)


def test_translation_zh_reproduces_the_source_split_exactly() -> None:
    _, rows = _translation_rows()
    assert [(int(t), int(m), zh) for t, m, zh, _ in rows] == _source_measures()
    # joined back at `；`, each task's measures give its 政策内容 cell byte for byte
    for number, content, _ in SOURCE_ROWS:
        joined = "；".join(zh for t, _, zh, _ in rows if int(t) == number)
        assert joined.encode("utf-8") == content.encode("utf-8")


def test_translation_english_cells() -> None:
    _, rows = _translation_rows()
    for task, measure, zh, en in rows:
        where = f"task {task} measure {measure}"
        assert en.strip() == en and en, where
        assert not re.search(r"[\u3400-\u9fff\uff1b\u3002]", en), f"{where}: Chinese text"
        # one sentence-like text per task: only the measure carrying 。 ends with a full stop
        assert en.endswith(".") == zh.endswith("。"), where
        assert en[0].isupper() if measure == "1" else en[0].islower(), where


# --- organisation registry --------------------------------------------------------------------


@pytest.fixture(scope="module")
def registry() -> Graph:
    graph = Graph()
    graph.parse(REGISTRY, format="turtle")
    return graph


def _organisations(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects(RDF.type, ORG.Organization) if isinstance(s, URIRef)}


def test_registry_has_no_blank_nodes(registry: Graph) -> None:
    assert not [t for t in registry if any(isinstance(term, BNode) for term in t)]


def test_every_source_name_is_an_alias_of_exactly_one_organisation(registry: Graph) -> None:
    organisations = _organisations(registry)
    for name in _source_department_names():
        owners = set(registry.subjects(SKOS.altLabel, Literal(name, lang="zh")))
        assert len(owners) == 1, name
        assert owners <= organisations, name


def test_aliases_are_unique_zh_literals(registry: Graph) -> None:
    aliases = list(registry.objects(None, SKOS.altLabel))
    assert all(isinstance(a, Literal) and a.language == "zh" for a in aliases)
    assert len({str(a) for a in aliases}) == len(aliases)


def test_every_organisation_is_named_classified_and_well_placed(registry: Graph) -> None:
    organisations = _organisations(registry)
    assert organisations
    for org in organisations:
        slug = str(org).removeprefix(ORG_BASE)
        assert str(org).startswith(ORG_BASE) and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)
        labels = list(registry.objects(org, SKOS.prefLabel))
        assert sorted(label.language for label in labels) == ["en", "zh"], org
        assert all(str(label).strip() for label in labels), org
        assert set(registry.objects(org, RDFS.label)) == set(labels), org
        kinds = list(registry.objects(org, ORG.classification))
        assert len(kinds) == 1 and str(kinds[0]).removeprefix(KIND_BASE) in KINDS, org
        assert set(registry.objects(org, ORG.subOrganizationOf)) <= organisations, org


def test_source_organisations_belong_to_a_body_or_are_collectives(registry: Graph) -> None:
    for name in _source_department_names():
        org = registry.value(predicate=SKOS.altLabel, object=Literal(name, lang="zh"))
        kind = str(registry.value(org, ORG.classification)).removeprefix(KIND_BASE)
        if kind == "local-government-collective":
            assert (org, RDF.type, HN.CollectiveOfGovernments) in registry
        else:
            assert registry.value(org, ORG.subOrganizationOf) is not None, name
            assert (org, RDF.type, ORG.FormalOrganization) in registry, name


def test_prefecture_collective_has_the_14_governments_with_codes(registry: Graph) -> None:
    assert (PREFECTURE_COLLECTIVE, RDF.type, HN.CollectiveOfGovernments) in registry
    members = set(registry.objects(PREFECTURE_COLLECTIVE, ORG.hasMember))
    assert len(members) == 14
    zh_names = {
        str(label)
        for member in members
        for label in registry.objects(member, SKOS.prefLabel)
        if label.language == "zh"
    }
    assert zh_names == PREFECTURES
    codes = []
    for member in members:
        kind = str(registry.value(member, ORG.classification)).removeprefix(KIND_BASE)
        assert kind == "prefecture-government", member
        values = list(registry.objects(member, HN.divisionCode))
        assert len(values) == 1, member
        code = values[0]
        assert isinstance(code, Literal) and code.datatype is None and code.language is None
        assert re.fullmatch(r"43\d{4}", str(code)), code
        codes.append(str(code))
    assert len(set(codes)) == 14


def test_code_evidence_is_stated(registry: Graph) -> None:
    assert registry.value(PREFECTURE_COLLECTIVE, URIRef("http://purl.org/dc/terms/source"))
    notes = " ".join(str(n) for n in registry.objects(PREFECTURE_COLLECTIVE, SKOS.editorialNote))
    assert "GB/T 2260" in notes and "Ministry of Civil Affairs" in notes and "2020" in notes


def test_county_collective_says_what_is_enumerated(registry: Graph) -> None:
    notes = list(registry.objects(COUNTY_COLLECTIVE, SKOS.scopeNote))
    assert sorted(n.language for n in notes) == ["en", "zh"]
    members = set(registry.objects(COUNTY_COLLECTIVE, ORG.hasMember))
    assert members <= set(registry.objects(PREFECTURE_COLLECTIVE, ORG.hasMember))
