"""Ways to find a resource without knowing its IRI: the A–Z list and the site search index.

Both are built from the same entries: every task list, task, department, concept scheme, concept
and ontology term, with its Chinese and English names and, for search, its other labels (SKOS
alternative and hidden labels) and texts. Names come from the data only; an entry without an
English name is listed under "other" in the A–Z list, never given a made-up one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from hngraph.publish import facts
from hngraph.publish.graph import SiteGraph
from hngraph.publish.links import Linker, site_path
from hngraph.publish.order import natural_key
from hngraph.publish.terms import ALT_LABEL, HN_TEXT, HN_TRANSLATION
from hngraph.rdf.serialize import iri
from hngraph.vocab import DEF, ORG_NS, OWL_NS, SKOS_NS

HIDDEN_LABEL = iri(SKOS_NS + "hiddenLabel")
NOTATION = iri(SKOS_NS + "notation")
#: Kinds of entries, in the order results list them: key, class IRIs, Chinese and English name.
KINDS: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    ("list", (DEF + "TaskList",), "任务清单", "task list"),
    ("task", (DEF + "Task",), "任务", "task"),
    ("department", (ORG_NS + "Organization",), "部门", "department"),
    ("scheme", (SKOS_NS + "ConceptScheme",), "概念体系", "concept scheme"),
    ("concept", (SKOS_NS + "Concept",), "概念", "concept"),
    (
        "term",
        (OWL_NS + "Class", OWL_NS + "ObjectProperty", OWL_NS + "DatatypeProperty"),
        "本体术语",
        "ontology term",
    ),
)
OTHER = "#"  # the A–Z group of names that do not start with a Latin letter


@dataclass(frozen=True)
class Entry:
    """One findable resource."""

    kind: str
    node: ox.NamedNode
    path: str
    zh: str
    en: str | None
    words: tuple[str, ...]  # other labels and texts that search also matches


def entries(site: SiteGraph) -> list[Entry]:
    """Every findable resource, by kind and then in natural order of its IRI."""
    found: list[Entry] = []
    placed: set[ox.NamedNode] = set()
    for kind, classes, _zh, _en in KINDS:
        nodes = {n for cls in classes for n in site.instances(iri(cls))}
        for node in sorted(nodes, key=lambda n: natural_key(n.value)):
            path = site_path(node.value) if isinstance(node, ox.NamedNode) else None
            if path is None or node in placed or not isinstance(node, ox.NamedNode):
                continue
            placed.add(node)
            zh = site.label(node, "zh")
            en = site.label(node, "en")
            found.append(Entry(kind, node, path, zh or en or path, en, _words(site, node)))
    return found


def _words(site: SiteGraph, node: ox.NamedNode) -> tuple[str, ...]:
    words: list[str] = []
    for predicate in (ALT_LABEL, HIDDEN_LABEL, NOTATION, HN_TEXT, HN_TRANSLATION):
        words.extend(v.value for v in site.objects(node, predicate) if isinstance(v, ox.Literal))
    return tuple(dict.fromkeys(words))


@dataclass(frozen=True)
class Group:
    """The entries of one letter of an A–Z list."""

    letter: str
    entries: list[Entry]


def az_groups(found: Sequence[Entry]) -> list[Group]:
    """Entries grouped by the first letter of their English name (A–Z), in natural order;
    entries with no English name, or one not starting with a Latin letter, go last, under "#"
    in the order of their Chinese name."""
    groups: dict[str, list[Entry]] = {}
    for entry in found:
        first = (entry.en or "")[:1].upper()
        letter = first if "A" <= first <= "Z" else OTHER
        groups.setdefault(letter, []).append(entry)
    return [
        Group(letter, sorted(groups[letter], key=lambda e: natural_key(e.en or e.zh)))
        for letter in sorted(groups, key=lambda k: (k == OTHER, k))
    ]


def az_entries(site: SiteGraph) -> tuple[list[Entry], list[Entry]]:
    """The departments and the concepts of the A–Z list."""
    found = entries(site)
    return (
        [e for e in found if e.kind == "department"],
        [e for e in found if e.kind == "concept"],
    )


def scheme_names(site: SiteGraph, entry: Entry) -> list[str]:
    """The names of the schemes a concept is in (shown beside it)."""
    return [site.label(s, "zh") or s.value for s in facts.schemes_of(site, entry.node)]


def search_index(site: SiteGraph, found: Sequence[Entry], link: Linker) -> dict[str, object]:
    """The search index of the search page (hrefs relative to it): the kinds' names, and for
    each entry its kind, href, names, other words and (concepts) scheme names."""
    kinds = {key: [zh, en] for key, _classes, zh, en in KINDS}
    rows = [
        {
            "k": e.kind,
            "h": link.page(e.path),
            "zh": e.zh,
            "en": e.en or "",
            "w": list(e.words),
            "s": scheme_names(site, e) if e.kind == "concept" else [],
        }
        for e in found
    ]
    return {"kinds": kinds, "entries": rows}
