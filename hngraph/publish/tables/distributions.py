"""The tabular release's files as DCAT distributions of the dataset.

Each distribution is ``id/dataset/distribution/{slug}`` with its download URL, IANA media type,
the standard it conforms to, byte size, SHA-256 and licence, in the form the RDF dumps'
distributions take (``hngraph.publish.metadata``); site.py adds these triples to the release
description.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from hngraph.publish.metadata import FileDescription, add_file_distribution
from hngraph.rdf.serialize import iri

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
    file_type: str | None = None  # its name in the EU file-type authority


def kind_of(path: str) -> tuple[str, FileKind] | None:
    """The distribution slug and kind of a release file of the tabular release, if it is one."""
    name = path.rsplit("/", 1)[-1]
    if name == "csv-metadata.json":
        kind = FileKind(
            "application/csvm+json", CSVW_SPEC, "CSVW 表格元数据", "CSVW table metadata", "JSON"
        )
        return "csvw", kind
    if name.endswith(".csv"):
        stem = name.removesuffix(".csv")
        kind = FileKind("text/csv", CSV_SPEC, f"CSV 表格：{stem}", f"CSV table: {stem}", "CSV")
        return f"csv-{stem.replace('_', '-')}", kind
    if name.endswith(".xlsx"):
        return "xlsx", FileKind(XLSX_TYPE, XLSX_SPEC, "XLSX 工作簿", "XLSX workbook", "XLSX")
    if name.endswith(".db"):
        kind = FileKind("application/vnd.sqlite3", SQLITE_SPEC, "SQLite 数据库", "SQLite database")
        return "sqlite", kind
    return None


def distribution_triples(files: Mapping[str, bytes], download_base: str) -> list[ox.Triple]:
    """DCAT distributions of the tabular files among ``files`` (release path → bytes), in the
    form the RDF dumps' distributions take (``metadata.add_file_distribution``)."""
    out: list[ox.Triple] = []

    def add(s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> None:
        out.append(ox.Triple(s, iri(p), o))

    for path, data in sorted(files.items()):
        found = kind_of(path)
        if found is None:
            continue
        slug, kind = found
        described = FileDescription(
            slug,
            path,
            kind.title_zh,
            kind.title_en,
            kind.media_type,
            kind.spec,
            kind.file_type,
        )
        add_file_distribution(described, data, download_base, add)
    return out
