"""What the tabular files say about themselves: title, licence, rights, sources, version.

Read from the dataset's own description (``hnid:dataset``) and worded once in
``hngraph.publish.metadata`` (description, rights, publisher), so the tables, the DCAT
description and the dumps say the same.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from hngraph.publish.graph import SiteGraph
from hngraph.publish.metadata import (
    DATASET,
    DESCRIPTION_EN,
    DESCRIPTION_ZH,
    LICENCE,
    RIGHTS_EN,
    RIGHTS_ZH,
)
from hngraph.publish.terms import SKOS_NOTE
from hngraph.rdf.serialize import iri
from hngraph.vocab import DCAT_NS, DCTERMS_NS, PROV_NS

LICENCE_NAME = "CC BY 4.0"
PUBLISHER_ZH = "hngraph 项目"
PUBLISHER_EN = "the hngraph project"


@dataclass(frozen=True)
class Source:
    """A document the dataset was derived from."""

    iri: str
    label_zh: str | None
    label_en: str | None


@dataclass(frozen=True)
class About:
    """The release's facts about itself, in both languages."""

    dataset: str
    title_zh: str
    title_en: str
    description_zh: str
    description_en: str
    rights_zh: str
    rights_en: str
    licence: str
    version: str | None
    sources: tuple[str, ...]
    source_documents: tuple[Source, ...]
    publisher_zh: str = PUBLISHER_ZH
    publisher_en: str = PUBLISHER_EN
    licence_name: str = LICENCE_NAME


def about(site: SiteGraph) -> About:
    """The facts of ``site``'s dataset description."""
    title = iri(DCTERMS_NS + "title")
    note = SKOS_NOTE
    sources = [
        s
        for s in site.objects(DATASET, iri(PROV_NS + "wasDerivedFrom"))
        if isinstance(s, ox.NamedNode)
    ]

    def with_note(text: str, lang: str) -> str:
        extra = site.literal(DATASET, note, lang)
        return f"{text} {extra}" if extra else text

    return About(
        dataset=DATASET.value,
        title_zh=site.literal(DATASET, title, "zh") or "hngraph",
        title_en=site.literal(DATASET, title, "en") or "hngraph",
        description_zh=with_note(DESCRIPTION_ZH, "zh"),
        description_en=with_note(DESCRIPTION_EN, "en"),
        rights_zh=RIGHTS_ZH,
        rights_en=RIGHTS_EN,
        licence=LICENCE.value,
        version=site.literal(DATASET, iri(DCAT_NS + "version")),
        sources=tuple(s.value for s in sources),
        source_documents=tuple(
            Source(s.value, site.label(s, "zh"), site.label(s, "en")) for s in sources
        ),
    )
