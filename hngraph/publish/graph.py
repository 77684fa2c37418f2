"""The published graph: the dataset split into named graphs, indexed for pages and look-ups.

Named graphs (a documented rule on the subject IRI, so any dataset file can be split the same way):

- ``hnid:graph/ontology``: subjects under ``https://w3id.org/hngraph/def/`` (the ontology);
- ``hnid:graph/vocabularies``: subjects under ``id/scheme/`` and ``id/concept/`` (SKOS schemes);
- ``hnid:graph/data``: everything else (registry, task lists, the dataset description).

Publishing adds ``hnid:graph/metadata`` (the DCAT + VoID description, which states byte sizes of
the dumps and so cannot be inside them).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import cast

import pyoxigraph as ox

from hngraph.rdf.convert import term_key
from hngraph.rdf.read import read_triples
from hngraph.rdf.serialize import RDF_TYPE, Term, iri, quad_key, sorted_triples
from hngraph.vocab import DCTERMS_NS, DEF, FOAF_NS, ID, OWL_NS, RDFS_NS, SKOS_NS

GRAPH_ONTOLOGY = iri(ID + "graph/ontology")
GRAPH_VOCABULARIES = iri(ID + "graph/vocabularies")
GRAPH_DATA = iri(ID + "graph/data")
GRAPH_METADATA = iri(ID + "graph/metadata")
DUMP_GRAPHS = (GRAPH_ONTOLOGY, GRAPH_VOCABULARIES, GRAPH_DATA)

LABEL_PREDICATES = tuple(
    iri(value)
    for value in (
        SKOS_NS + "prefLabel",
        RDFS_NS + "label",
        DCTERMS_NS + "title",
        FOAF_NS + "name",
    )
)


def graph_for(subject: Term | ox.Triple) -> ox.NamedNode:
    """The named graph a triple belongs to, decided by its subject."""
    value = subject.value if isinstance(subject, ox.NamedNode) else ""
    if value.startswith(DEF):
        return GRAPH_ONTOLOGY
    if value.startswith((ID + "scheme/", ID + "concept/")):
        return GRAPH_VOCABULARIES
    return GRAPH_DATA


class SiteGraph:
    """The dataset (three named graphs) plus optional metadata, with subject/object indexes."""

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self.dataset: list[ox.Triple] = sorted_triples(triples)
        self.metadata: list[ox.Triple] = []
        self._reindex()

    def set_metadata(self, triples: Iterable[ox.Triple]) -> None:
        """Replace the metadata graph (DCAT + VoID) and refresh the indexes."""
        self.metadata = sorted_triples(triples)
        self._reindex()

    def _reindex(self) -> None:
        self.cache: dict[str, object] = {}  # derived figures (see ``facts``), dropped on change
        self._labels: dict[tuple[Term, str], str | None] = {}
        # keyed by any subject or object pyoxigraph allows (its types include RDF 1.2 triple terms)
        self.by_subject: dict[Term | ox.Triple, list[ox.Triple]] = defaultdict(list)
        self.by_object: dict[Term | ox.Triple, list[ox.Triple]] = defaultdict(list)
        for triple in sorted_triples([*self.dataset, *self.metadata]):
            self.by_subject[triple.subject].append(triple)
            if not isinstance(triple.object, ox.Literal):
                self.by_object[triple.object].append(triple)

    # --- whole graph ---------------------------------------------------------------------

    def dataset_quads(self) -> list[ox.Quad]:
        """The dataset as quads in the three dump graphs, sorted."""
        quads = (
            ox.Quad(t.subject, t.predicate, t.object, graph_for(t.subject)) for t in self.dataset
        )
        return sorted(quads, key=quad_key)

    def metadata_quads(self) -> list[ox.Quad]:
        """The metadata graph as quads, sorted."""
        return [ox.Quad(t.subject, t.predicate, t.object, GRAPH_METADATA) for t in self.metadata]

    def graph_sizes(self) -> dict[ox.NamedNode, int]:
        """Triples per dump graph."""
        sizes = dict.fromkeys(DUMP_GRAPHS, 0)
        for triple in self.dataset:
            sizes[graph_for(triple.subject)] += 1
        return sizes

    # --- resources -----------------------------------------------------------------------

    def subjects(self) -> list[ox.NamedNode]:
        """Every IRI that is a subject, sorted."""
        nodes = [s for s in self.by_subject if isinstance(s, ox.NamedNode)]
        return sorted(nodes, key=term_key)

    def has(self, node: Term) -> bool:
        """Whether the graph describes ``node`` (it is a subject)."""
        return node in self.by_subject

    def objects(self, subject: Term, predicate: ox.NamedNode) -> list[Term]:
        """Objects of ``subject predicate ?o``, sorted."""
        found = [t.object for t in self.by_subject.get(subject, ()) if t.predicate == predicate]
        return sorted(cast("list[Term]", found), key=term_key)  # the site data has no triple terms

    def value(self, subject: Term, predicate: ox.NamedNode) -> Term | None:
        """The first object of ``subject predicate ?o`` in canonical order, if any."""
        found = self.objects(subject, predicate)
        return found[0] if found else None

    def subjects_with(self, predicate: ox.NamedNode, obj: Term) -> list[Term]:
        """Subjects of ``?s predicate obj``, sorted."""
        found = [t.subject for t in self.by_object.get(obj, ()) if t.predicate == predicate]
        return sorted(cast("list[Term]", found), key=term_key)  # the site data has no triple terms

    def types(self, subject: Term) -> list[ox.NamedNode]:
        """The ``rdf:type`` values of a subject."""
        return [t for t in self.objects(subject, RDF_TYPE) if isinstance(t, ox.NamedNode)]

    def instances(self, cls: ox.NamedNode) -> list[Term]:
        """Subjects typed ``cls``."""
        return self.subjects_with(RDF_TYPE, cls)

    def describe(self, node: Term) -> list[ox.Triple]:
        """The symmetric concise bounded description: every triple with ``node`` at either end."""
        return sorted_triples([*self.by_subject.get(node, ()), *self.by_object.get(node, ())])

    def resource_triples(self, node: Term) -> list[ox.Triple]:
        """What a resource's representations hold: its description; the ontology IRI (and its
        version IRI) the whole ontology graph; the dataset its description plus the release
        metadata (catalogue, service, distributions: what DCAT-AP needs to read it)."""
        if node == iri(DEF) or node in self.objects(iri(DEF), iri(OWL_NS + "versionIRI")):
            return [t for t in self.dataset if graph_for(t.subject) == GRAPH_ONTOLOGY]
        if node == iri(ID + "dataset") and self.metadata:
            own = self.describe(node)
            types = [
                t
                for o in {t.object for t in own if t.subject == node}
                for t in self.by_subject.get(o, ())
                if t.predicate == RDF_TYPE
            ]
            return sorted_triples([*own, *types, *self.metadata])
        return self.describe(node)

    def label(self, node: Term, lang: str) -> str | None:
        """The first label of ``node`` in language ``lang`` (prefLabel, label, title, name)."""
        key = (node, lang)
        if key not in self._labels:
            self._labels[key] = self._find_label(node, lang)
        return self._labels[key]

    def _find_label(self, node: Term, lang: str) -> str | None:
        for predicate in LABEL_PREDICATES:
            for value in self.objects(node, predicate):
                if isinstance(value, ox.Literal) and _in_language(value, lang):
                    return value.value
        return None

    def literal(self, node: Term, predicate: ox.NamedNode, lang: str | None = None) -> str | None:
        """The first literal value of a property (in ``lang`` when given)."""
        for value in self.objects(node, predicate):
            if isinstance(value, ox.Literal) and (lang is None or _in_language(value, lang)):
                return value.value
        return None


def _in_language(value: ox.Literal, lang: str) -> bool:
    tag = (value.language or "").lower()
    return tag == lang or tag.startswith(lang + "-")


def load_site_graph(path: Path) -> SiteGraph:
    """Read a dataset file into a ``SiteGraph``."""
    return SiteGraph(read_triples(path))
