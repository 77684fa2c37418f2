"""The tabular release's files as DCAT distributions of the dataset.

Each distribution is ``id/dataset/distribution/{slug}`` with its download URL, IANA media type,
the standard it conforms to, byte size, SHA-256 and licence, in the form the RDF dumps'
distributions take (``hngraph.publish.metadata``); site.py adds these triples to the release
description.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from hngraph.publish.metadata import DATASET, LICENCE
from hngraph.rdf.serialize import RDF_TYPE, iri
from hngraph.vocab import DCAT_NS, DCTERMS_NS, DEF, ID, RDFS_NS, XSD_NS

CSV_SPEC = "https://www.rfc-editor.org/rfc/rfc4180"
CSVW_SPEC = "http://www.w3.org/TR/tabular-metadata/"
XLSX_SPEC = "http://www.iso.org/standard/71691.html"  # ISO/IEC 29500-1 (Office Open XML)
SQLITE_SPEC = "https://www.sqlite.org/fileformat2.html"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class FileKind:
    """How a kind of tabular file is described."""

    media_type: str
    spec: str
    title_zh: str
    title_en: str


def kind_of(path: str) -> tuple[str, FileKind] | None:
    """The distribution slug and kind of a release file of the tabular release, if it is one."""
    name = path.rsplit("/", 1)[-1]
    if name == "csv-metadata.json":
        kind = FileKind(
            "application/csvm+json", CSVW_SPEC, "CSVW 表格元数据", "CSVW table metadata"
        )
        return "csvw", kind
    if name.endswith(".csv"):
        stem = name.removesuffix(".csv")
        kind = FileKind("text/csv", CSV_SPEC, f"CSV 表格：{stem}", f"CSV table: {stem}")
        return f"csv-{stem.replace('_', '-')}", kind
    if name.endswith(".xlsx"):
        return "xlsx", FileKind(XLSX_TYPE, XLSX_SPEC, "XLSX 工作簿", "XLSX workbook")
    if name.endswith(".db"):
        kind = FileKind("application/vnd.sqlite3", SQLITE_SPEC, "SQLite 数据库", "SQLite database")
        return "sqlite", kind
    return None


def distribution_triples(files: Mapping[str, bytes], download_base: str) -> list[ox.Triple]:
    """DCAT distributions of the tabular files among ``files`` (release path → bytes)."""
    out: list[ox.Triple] = []

    def add(s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> None:
        out.append(ox.Triple(s, iri(p), o))

    for path, data in sorted(files.items()):
        found = kind_of(path)
        if found is None:
            continue
        slug, kind = found
        node = iri(f"{ID}dataset/distribution/{slug}")
        url = iri(download_base + path)
        add(DATASET, DCAT_NS + "distribution", node)
        add(node, RDF_TYPE.value, iri(DCAT_NS + "Distribution"))
        for lang, title in (("zh", kind.title_zh), ("en", kind.title_en)):
            add(node, RDFS_NS + "label", ox.Literal(title, language=lang))
            add(node, DCTERMS_NS + "title", ox.Literal(title, language=lang))
        add(node, DCAT_NS + "downloadURL", url)
        add(node, DCAT_NS + "accessURL", url)
        media = f"https://www.iana.org/assignments/media-types/{kind.media_type}"
        add(node, DCAT_NS + "mediaType", iri(media))
        add(node, DCTERMS_NS + "format", ox.Literal(kind.media_type))
        add(node, DCTERMS_NS + "conformsTo", iri(kind.spec))
        size = ox.Literal(str(len(data)), datatype=iri(XSD_NS + "nonNegativeInteger"))
        add(node, DCAT_NS + "byteSize", size)
        add(node, DEF + "sha256", ox.Literal(hashlib.sha256(data).hexdigest()))
        add(node, DCTERMS_NS + "license", LICENCE)
    return out
