"""Every cross-vocabulary mapping of the dataset as one SSSOM table.

Written to ``mappings/hngraph.sssom.tsv`` in the release.

Two kinds of rows, both read from the dataset, none invented:

- concept mappings: a SKOS mapping property (``skos:closeMatch`` …) from one of our concepts to a
  concept of another vocabulary (the ISCED 2011 levels), with the concept's English note as the
  comment;
- ontology alignments: ``rdfs:subClassOf``, ``rdfs:subPropertyOf`` or ``rdfs:seeAlso`` from an
  ``hn:`` term to a term of another vocabulary, with the term's English editorial note as the
  comment where it has one.

Every row is a curated judgement of this project (``semapv:ManualMappingCuration``). Object labels
are left out: the other vocabularies' labels are theirs, not in our data. The format is SSSOM's
TSV with its YAML metadata block; ``tests/publish/test_sssom.py`` reads it back with sssom-py.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from hngraph.publish.graph import SiteGraph
from hngraph.publish.metadata import LICENCE, MAPPINGS_FILE, PUBLISHER
from hngraph.publish.terms import SKOS_IN_SCHEME, SKOS_NOTE
from hngraph.rdf.serialize import iri
from hngraph.vocab import BASE, DCAT_NS, DEF, ID, OWL_NS, PREFIXES, RDFS_NS, SKOS_NS

SEMAPV = "https://w3id.org/semapv/vocab/"
MAPPING_SET_ID = BASE + MAPPINGS_FILE
CONCEPT_MAPPINGS = tuple(
    SKOS_NS + name
    for name in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
)
ALIGNMENTS = (RDFS_NS + "subClassOf", RDFS_NS + "subPropertyOf", RDFS_NS + "seeAlso")
COLUMNS = (
    "subject_id",
    "subject_label",
    "predicate_id",
    "object_id",
    "mapping_justification",
    "subject_source",
    "comment",
)
#: CURIE prefixes of the table (SSSOM wants a CURIE for every entity): the project's own, with
#: ``hnid`` split so that local names hold no ``/``.
OWN_PREFIXES = {
    "hnel": ID + "concept/education-level/",
    "hnscheme": ID + "scheme/",
    "hnagent": ID + "agent/",
    "semapv": SEMAPV,
}


@dataclass(frozen=True, order=True)
class Mapping:
    """One SSSOM row (IRIs; CURIEs are made on output)."""

    subject: str
    predicate: str
    object: str
    subject_label: str
    subject_source: str
    comment: str


def mappings(site: SiteGraph) -> list[Mapping]:
    """Every mapping from our terms and concepts to another vocabulary, sorted."""
    rows: set[Mapping] = set()
    versions = site.objects(iri(DEF), iri(OWL_NS + "versionIRI"))
    ontology = versions[0].value if versions else ""  # its CURIE: hn:0.1.0
    for triple in site.dataset:
        subject, predicate, obj = triple.subject, triple.predicate.value, triple.object
        if not isinstance(subject, ox.NamedNode) or not isinstance(obj, ox.NamedNode):
            continue
        if obj.value.startswith(BASE) or not subject.value.startswith(BASE):
            continue
        if predicate in CONCEPT_MAPPINGS:
            schemes = site.objects(subject, SKOS_IN_SCHEME)
            source = schemes[0].value if schemes else ""
            note = site.literal(subject, iri(SKOS_NS + "note"), "en") or ""
        elif predicate in ALIGNMENTS and subject.value.startswith(DEF):
            source = ontology
            note = ""
            if predicate == RDFS_NS + "seeAlso":  # the note says why it is no subclass/property
                note = site.literal(subject, SKOS_NOTE, "en") or ""
        else:
            continue
        label = site.label(subject, "en") or ""
        rows.add(Mapping(subject.value, predicate, obj.value, label, source, note))
    return sorted(rows)


def prefix_map() -> dict[str, str]:
    """Prefix → namespace for the table, longest namespaces first when CURIEs are made."""
    prefixes = {name: ns for name, ns in PREFIXES.items() if name != "hnid"}
    prefixes.update(OWN_PREFIXES)
    return dict(sorted(prefixes.items()))


def curie(value: str, prefixes: dict[str, str]) -> str:
    """``prefix:local`` with the longest matching namespace; a value none fits is an error."""
    best = max((ns for ns in prefixes.values() if value.startswith(ns)), key=len, default="")
    local = value[len(best) :]
    if not best or not local or "/" in local or "#" in local:
        raise ValueError(f"{value}: no prefix gives it a CURIE; add one to mappings.OWN_PREFIXES")
    name = next(n for n, ns in prefixes.items() if ns == best)
    return f"{name}:{local}"


def _cell(text: str) -> str:
    return " ".join(text.split())  # no tab or newline inside a cell


def sssom_tsv(site: SiteGraph) -> bytes:
    """The SSSOM TSV: YAML metadata (``#``-prefixed), then one row per mapping."""
    prefixes = prefix_map()
    rows = mappings(site)
    used = {
        value.split(":", 1)[0]
        for row in rows
        for value in (
            curie(row.subject, prefixes),
            curie(row.predicate, prefixes),
            curie(row.object, prefixes),
        )
    }
    used |= {"semapv", "hnagent"} | {
        curie(row.subject_source, prefixes).split(":", 1)[0] for row in rows if row.subject_source
    }
    version = site.literal(iri(ID + "dataset"), iri(DCAT_NS + "version")) or ""
    header = [
        "curie_map:",
        *(f"  {name}: {prefixes[name]}" for name in sorted(used)),
        f"mapping_set_id: {MAPPING_SET_ID}",
        *([f'mapping_set_version: "{version}"'] if version else []),
        "mapping_set_title: hngraph mappings to other vocabularies",
        "mapping_set_description: >-",
        "  The SKOS mappings of the hngraph concept schemes to other vocabularies (ISCED 2011)",
        "  and the alignments of the hngraph ontology's terms to standard terms.",
        f"license: {LICENCE.value}",
        "creator_id:",
        f"  - {curie(PUBLISHER.value, prefixes)}",
    ]
    lines = [f"# {line}" for line in header]
    lines.append("\t".join(COLUMNS))
    for row in rows:
        cells = (
            curie(row.subject, prefixes),
            _cell(row.subject_label),
            curie(row.predicate, prefixes),
            curie(row.object, prefixes),
            "semapv:ManualMappingCuration",
            curie(row.subject_source, prefixes) if row.subject_source else "",
            _cell(row.comment),
        )
        lines.append("\t".join(cells))
    return ("\n".join(lines) + "\n").encode()
