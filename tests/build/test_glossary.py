"""The glossary (``data/translations/glossary.tsv``) is applied to every bilingual text.

Wherever a glossary term occurs in a Chinese text or label that has an English counterpart (measure
translations; labels, definitions and notes of the SKOS schemes, the initiatives, the organisation
registry and the lineage), the English uses the glossary's rendering. Matching is case-insensitive;
hyphens, en dashes and spaces are equivalent; each word may take an inflection or possessive
ending ("college" ~ "colleges", "county" ~ "counties", "teacher" ~ "teachers'", "pilot" ~
"piloting", "carry out" ~ "carrying out"). Chinese terms are found leftmost-longest, so 专业群
is checked as itself, not as 专业.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = ROOT / "data" / "translations" / "glossary.tsv"
TRANSLATIONS = sorted((ROOT / "data" / "translations").glob("*.en.tsv"))
GRAPH_FILES = (
    *(f"ontology/{name}" for name in (
        "policy-areas.ttl", "education-levels.ttl", "initiatives.ttl", "measure-types.ttl",
        "national-framework.ttl", "schemes.ttl",
    )),
    "data/registry/organisations.ttl",
    "data/knowledge/lineage.ttl",
)  # fmt: skip
PAIRED = (SKOS.prefLabel, RDFS.label, SKOS.definition, SKOS.scopeNote, SKOS.note, DCTERMS.title)
HEADER = ["zh", "en", "note", "source"]


@cache
def glossary() -> dict[str, str]:
    """zh term → English rendering."""
    with GLOSSARY.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert rows[0] == HEADER
    terms: dict[str, str] = {}
    for row in rows[1:]:
        assert len(row) == 4, row
        zh, en, _note, source = row
        assert zh and en and source, row
        assert zh not in terms, f"{zh} twice"
        terms[zh] = en
    return terms


def _normalise(text: str) -> str:
    text = text.lower().replace("’", "'").replace("“", " ").replace("”", " ")
    return re.sub(r"[\s\-–—]+", " ", text).strip()


def _word(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        stem = re.escape(word[:-3]) + "(?:y|ie|i)"
    elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        stem = re.escape(word[:-1])
    elif word.endswith("y") and len(word) > 3:
        stem = re.escape(word[:-1]) + "(?:y|ie|i)"
    else:
        stem = re.escape(word)
    return stem + "[a-z']*"


@cache
def rendering(en: str) -> re.Pattern[str]:
    """The pattern an English text must match to use the rendering ``en``."""
    words = _normalise(en).split(" ")
    return re.compile(r"(?<![a-z0-9])" + r"\s+".join(_word(word) for word in words))


def terms_in(zh: str) -> list[str]:
    """Glossary terms in a Chinese text, leftmost-longest, without overlaps."""
    terms = glossary()
    longest = max(map(len, terms))
    found, i = [], 0
    while i < len(zh):
        for size in range(min(longest, len(zh) - i), 0, -1):
            if zh[i : i + size] in terms:
                found.append(zh[i : i + size])
                i += size
                break
        else:
            i += 1
    return found


def bilingual_texts() -> list[tuple[str, str, str]]:
    """(where, zh, en) for every Chinese text with an English counterpart."""
    pairs: list[tuple[str, str, str]] = []
    for path in TRANSLATIONS:
        with path.open(encoding="utf-8", newline="") as stream:
            reader = csv.DictReader(stream, delimiter="\t", quoting=csv.QUOTE_NONE)
            for row in reader:
                where = f"{path.name} task {row['task']} measure {row['measure']}"
                pairs.append((where, row["zh"], row["en"]))
    for name in GRAPH_FILES:
        graph = Graph().parse(ROOT / name)
        for subject in sorted(set(graph.subjects())):
            if not isinstance(subject, URIRef):
                continue
            for prop in PAIRED:
                values = [o for o in graph.objects(subject, prop) if isinstance(o, Literal)]
                zh = [str(o) for o in values if o.language == "zh"]
                en = [str(o) for o in values if o.language == "en"]
                if len(zh) == 1 and len(en) == 1:
                    pairs.append((f"{name} <{subject}> {graph.qname(prop)}", zh[0], en[0]))
    return pairs


def test_glossary_is_well_formed() -> None:
    terms = glossary()
    assert len(terms) >= 100
    for zh, en in terms.items():
        assert en == en.strip() and zh == zh.strip(), zh
        assert rendering(en).search(_normalise(en)), (zh, en)


def test_every_glossary_term_is_used() -> None:
    used = {term for _, zh, _ in bilingual_texts() for term in terms_in(zh)}
    assert sorted(set(glossary()) - used) == []


def test_the_english_uses_the_glossary_rendering() -> None:
    pairs = bilingual_texts()
    assert len(pairs) > 300
    wrong = [
        f"{where}: {term} → {glossary()[term]!r} not in {en!r}"
        for where, zh, en in pairs
        for term in terms_in(zh)
        if not rendering(glossary()[term]).search(_normalise(en))
    ]
    assert wrong == [], f"{len(wrong)} text(s) do not follow the glossary:\n" + "\n".join(wrong)


@pytest.mark.parametrize(
    ("en", "text", "matches"),
    [
        ("vocational colleges and schools", "vocational college and school", True),
        ("cities and prefectures", "each city and prefecture", True),
        ("vocational and technical teacher", "vocational and technical teachers’ colleges", True),
        ("industry–education integration", "industry-education integration", True),
        ("pilot", "piloting", True),
        ("short-cycle", "associate-degree-level", False),
        ("inter-provincial", "cross-provincial", False),
    ],
)
def test_rendering_allows_inflection_only(en: str, text: str, matches: bool) -> None:
    assert bool(rendering(en).search(_normalise(text))) is matches
