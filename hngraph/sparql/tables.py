"""Render query results as an aligned text table, CSV, TSV or SPARQL JSON.

- ``table``: for reading in a terminal. Columns are aligned by display width (East Asian
  wide and fullwidth characters count as two columns), numbers are right-aligned, IRIs are
  printed as valid SPARQL prefixed names or ``<IRI>`` (``hngraph.sparql.prefixes.shorten``: they
  paste back into a query and into ``--param``, so they are never cut), and other cells longer
  than ``max_width`` columns are cut with ``…``; a last line then says how many were cut and how
  to see them whole. ``max_width=0`` cuts nothing.
- ``csv``: RFC 4180 quoting, a header row, full IRIs and lexical forms (like SPARQL CSV).
- ``tsv``: the same values, tab-separated; tab, newline, carriage return and backslash in a
  value are written as ``\\t``, ``\\n``, ``\\r``, ``\\\\``.
- ``json``: SPARQL 1.1 Query Results JSON, lossless (term kinds, datatypes, languages).
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata

from hngraph.rdf.terms import (
    INTEGER_TYPES,
    IRI,
    XSD_DECIMAL,
    XSD_DOUBLE,
    XSD_FLOAT,
    XSD_STRING,
    BlankNode,
    Literal,
    Term,
)
from hngraph.sparql.prefixes import shorten
from hngraph.store.base import Result

FORMATS = ("table", "csv", "tsv", "json")
NUMERIC = INTEGER_TYPES | {XSD_DECIMAL, XSD_DOUBLE, XSD_FLOAT}
MAX_WIDTH = 60


def render(result: Result, fmt: str = "table", *, max_width: int = MAX_WIDTH) -> str:
    """The result in ``fmt`` (one of ``FORMATS``), ending with a newline."""
    if fmt == "table":
        return table(result, max_width=max_width)
    if fmt == "csv":
        return delimited(result, ",")
    if fmt == "tsv":
        return delimited(result, "\t")
    if fmt == "json":
        return sparql_json(result)
    raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")


def plain(term: Term | None) -> str:
    """The value of a cell: IRI, blank node label (``_:b``) or lexical form; '' if unbound."""
    if term is None:
        return ""
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    return term.value


def display_width(text: str) -> int:
    """Terminal columns ``text`` takes: 2 for wide/fullwidth, 0 for combining marks."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def fit(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` columns, ending in ``…`` if it was cut (0: no limit)."""
    if width <= 0 or display_width(text) <= width:
        return text
    out, used = [], 0
    for char in text:
        size = display_width(char)
        if used + size > width - 1:
            break
        out.append(char)
        used += size
    return "".join(out) + "…"


def cell(term: Term | None) -> str:
    """One table cell before any cut: an IRI as ``shorten`` writes it, other values on one line."""
    if isinstance(term, IRI):
        return shorten(term.value)
    text = plain(term)
    if "\n" in text or "\r" in text or "\t" in text:
        text = " ".join(text.split())
    return text


def shortened_note(count: int, max_width: int) -> str:
    """The line under a table whose cells were cut."""
    cells = "1 cell was" if count == 1 else f"{count} cells were"
    return (
        f"({cells} cut to {max_width} columns, marked …; "
        "see them whole with --format csv, or --width 0)"
    )


def table(result: Result, *, max_width: int = MAX_WIDTH) -> str:
    """An aligned table with a header rule; ``(no rows)`` if empty; a note if cells were cut."""
    cells, cut = [], 0
    for row in result.rows:
        texts = []
        for term in row:
            whole = cell(term)
            text = whole if isinstance(term, IRI) else fit(whole, max_width)
            cut += text != whole
            texts.append(text)
        cells.append(texts)
    widths = [display_width(name) for name in result.columns]
    for texts in cells:
        widths = [max(w, display_width(text)) for w, text in zip(widths, texts, strict=True)]
    numeric = [
        bool(result.rows)
        and all(
            term is None or (isinstance(term, Literal) and term.datatype in NUMERIC)
            for term in column
        )
        for column in zip(*result.rows, strict=True)
    ] or [False] * len(result.columns)

    def line(values: list[str]) -> str:
        parts = []
        for value, width, right in zip(values, widths, numeric, strict=True):
            pad = " " * (width - display_width(value))
            parts.append(pad + value if right else value + pad)
        return "  ".join(parts).rstrip()

    lines = [line(list(result.columns)), "  ".join("-" * width for width in widths)]
    lines.extend(line(row) for row in cells)
    if not result.rows:
        lines.append("(no rows)")
    if cut:
        lines.append(shortened_note(cut, max_width))
    return "\n".join(lines) + "\n"


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def delimited(result: Result, delimiter: str) -> str:
    """CSV (``,``) or TSV (tab) with a header row."""
    if delimiter == "\t":
        lines = ["\t".join(result.columns)]
        lines += ["\t".join(plain(t).translate(_TSV_ESCAPES) for t in row) for row in result.rows]
        return "\n".join(lines) + "\n"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows([plain(term) for term in row] for row in result.rows)
    return buffer.getvalue()


def json_term(term: Term) -> dict[str, str]:
    """One term in SPARQL 1.1 JSON results form."""
    if isinstance(term, IRI):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    value = {"type": "literal", "value": term.value}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype != XSD_STRING:
        value["datatype"] = term.datatype
    return value


def sparql_json(result: Result) -> str:
    """SPARQL 1.1 Query Results JSON (UTF-8 text, not ASCII-escaped)."""
    bindings = [
        {
            name: json_term(term)
            for name, term in zip(result.columns, row, strict=True)
            if term is not None
        }
        for row in result.rows
    ]
    document = {"head": {"vars": list(result.columns)}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"
