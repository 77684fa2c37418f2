"""The one table of RDF formats: file suffixes, media types, parser names, published names."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from hngraph.errors import HngraphError


@dataclass(frozen=True)
class RdfFormat:
    """One RDF serialisation, as read from files and as published."""

    key: str
    media_type: str
    extension: str
    name_zh: str
    name_en: str
    spec: str
    rdflib_name: str
    oxigraph: ox.RdfFormat
    datasets: bool = False  # holds named graphs
    other_suffixes: tuple[str, ...] = ()

    @property
    def suffixes(self) -> tuple[str, ...]:
        """Every file suffix read as this format (lower case, with the dot)."""
        return (self.extension, *self.other_suffixes)

    @property
    def content_type(self) -> str:
        """The HTTP Content-Type header value (UTF-8 stated where the type allows it)."""
        if self.media_type.startswith("text/") or self.key in {"nt", "nq", "trig"}:
            return f"{self.media_type}; charset=utf-8"
        return self.media_type


FORMATS: dict[str, RdfFormat] = {
    fmt.key: fmt
    for fmt in (
        RdfFormat(
            "ttl",
            "text/turtle",
            ".ttl",
            "Turtle",
            "Turtle",
            "https://www.w3.org/TR/turtle/",
            "turtle",
            ox.RdfFormat.TURTLE,
        ),
        RdfFormat(
            "nt",
            "application/n-triples",
            ".nt",
            "N-Triples",
            "N-Triples",
            "https://www.w3.org/TR/n-triples/",
            "nt",
            ox.RdfFormat.N_TRIPLES,
        ),
        RdfFormat(
            "jsonld",
            "application/ld+json",
            ".jsonld",
            "JSON-LD",
            "JSON-LD",
            "https://www.w3.org/TR/json-ld11/",
            "json-ld",
            ox.RdfFormat.JSON_LD,
        ),
        RdfFormat(
            "rdf",
            "application/rdf+xml",
            ".rdf",
            "RDF/XML",
            "RDF/XML",
            "https://www.w3.org/TR/rdf-syntax-grammar/",
            "xml",
            ox.RdfFormat.RDF_XML,
            other_suffixes=(".owl",),
        ),
        RdfFormat(
            "nq",
            "application/n-quads",
            ".nq",
            "N-Quads（含命名图）",
            "N-Quads (named graphs)",
            "https://www.w3.org/TR/n-quads/",
            "nquads",
            ox.RdfFormat.N_QUADS,
            datasets=True,
        ),
        RdfFormat(
            "trig",
            "application/trig",
            ".trig",
            "TriG（含命名图）",
            "TriG (named graphs)",
            "https://www.w3.org/TR/trig/",
            "trig",
            ox.RdfFormat.TRIG,
            datasets=True,
        ),
    )
}
#: The formats a single resource is served in (besides HTML).
RESOURCE_FORMATS = ("ttl", "nt", "jsonld", "rdf")

_BY_SUFFIX = {suffix: fmt for fmt in FORMATS.values() for suffix in fmt.suffixes}


def format_of(path: Path | str, *, accept: tuple[str, ...] | None = None) -> RdfFormat:
    """The format of an RDF file, from its suffix; an unknown suffix names the file.

    ``accept`` limits the formats (keys of ``FORMATS``) the caller reads.
    """
    path = Path(path)
    fmt = _BY_SUFFIX.get(path.suffix.lower())
    allowed = accept or tuple(FORMATS)
    if fmt is None or fmt.key not in allowed:
        known = ", ".join(s for key in allowed for s in FORMATS[key].suffixes)
        raise HngraphError(f"{path}: unsupported file type {path.suffix!r} (use one of {known})")
    return fmt
