"""Closed namespace of the knowledge-layer terms declared in ``ontology/knowledge.ttl``.

The terms live in the hngraph ontology namespace (``https://w3id.org/hngraph/def/``); this module
lists only those of the knowledge layer, so a typo raises ``AttributeError``. A test checks that it
and ``ontology/knowledge.ttl`` declare the same terms.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

from hngraph.namespace import BASE


class HNK(DefinedNamespace):
    """Knowledge-layer terms of the hngraph ontology."""

    _NS = Namespace(BASE + "def/")
    _fail = True

    # judgements
    Judgement: URIRef
    AreaAssignment: URIRef
    InitiativeMention: URIRef
    ActionClassification: URIRef
    DeliverableClassification: URIRef
    LevelMention: URIRef
    FrameworkLink: URIRef
    TargetYearStatement: URIRef
    # kinds of concept
    Initiative: URIRef
    InitiativeKind: URIRef
    ActionType: URIRef
    DeliverableType: URIRef
    EducationLevel: URIRef
    FrameworkComponent: URIRef
    # properties of judgements
    target: URIRef
    concept: URIRef
    evidence: URIRef
    # direct properties kept in step with judgements
    policyArea: URIRef
    mentionsInitiative: URIRef
    actionType: URIRef
    deliverableType: URIRef
    educationLevel: URIRef
    relatedFrameworkComponent: URIRef
    targetYear: URIRef
