"""CSV files and their CSV on the Web (CSVW) metadata.

Each table is one RFC 4180 file (UTF-8, CRLF, a header row of column names, empty cell = no
value); ``csv-metadata.json`` describes them as one CSVW table group (W3C Metadata Vocabulary for
Tabular Data): datatypes, languages, primary and foreign keys, and bilingual titles. A CSVW
processor finds it beside any of the files (``csv-metadata.json`` is the spec's default name).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from hngraph.publish.tables.about import About
from hngraph.publish.tables.model import Column, Table, Value

CSVW_CONTEXT = "http://www.w3.org/ns/csvw"
METADATA_NAME = "csv-metadata.json"


def csv_name(table: Table) -> str:
    """File name of a table's CSV."""
    return f"{table.name}.csv"


def cell(value: Value) -> str:
    """A value as CSV text: an empty cell for no value."""
    return "" if value is None else str(value)


def render_csv(table: Table) -> bytes:
    """The table as CSV bytes."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in table.columns])
    writer.writerows([cell(v) for v in row] for row in table.rows)
    return out.getvalue().encode("utf-8")


def _bilingual(zh: str, en: str) -> list[dict[str, str]]:
    return [{"@value": zh, "@language": "zh"}, {"@value": en, "@language": "en"}]


def _en(text: str) -> dict[str, str]:
    return {"@value": text, "@language": "en"}


def _column(column: Column) -> dict[str, object]:
    described: dict[str, object] = {
        "name": column.name,
        "titles": column.name,
        "dc:title": _bilingual(column.title_zh, column.title_en),
        "dc:description": _en(column.description),
        "datatype": column.datatype,
        "required": column.required,
    }
    if column.lang:
        described["lang"] = column.lang
    if column.separator:
        described["separator"] = column.separator
    return described


def _table(table: Table) -> dict[str, object]:
    schema: dict[str, object] = {
        "columns": [_column(c) for c in table.columns],
        "primaryKey": table.key,
        "aboutUrl": "{+" + table.key + "}",
    }
    if table.foreign_keys:
        schema["foreignKeys"] = [
            {
                "columnReference": fk.column,
                "reference": {"resource": f"{fk.table}.csv", "columnReference": "iri"},
            }
            for fk in table.foreign_keys
        ]
    return {
        "url": csv_name(table),
        "dc:title": _bilingual(table.title_zh, table.title_en),
        "dc:description": _en(table.description),
        "tableSchema": schema,
    }


def render_metadata(tables: Sequence[Table], about: About) -> bytes:
    """The CSVW metadata of the table group."""
    group: dict[str, object] = {
        "@context": [CSVW_CONTEXT, {"@language": "en"}],
        "dc:title": _bilingual(about.title_zh, about.title_en),
        "dc:description": _bilingual(about.description_zh, about.description_en),
        "dc:license": {"@id": about.licence},
        "dc:rights": _bilingual(about.rights_zh, about.rights_en),
        "dc:publisher": about.publisher_en,
        "dc:source": [{"@id": s} for s in about.sources],
        "dc:isVersionOf": {"@id": about.dataset},
        "dialect": {"encoding": "utf-8", "header": True, "lineTerminators": ["\r\n"]},
        "null": "",
        "tables": [_table(t) for t in tables],
    }
    if about.version:
        group["schema:version"] = about.version
    return (json.dumps(group, ensure_ascii=False, indent=1) + "\n").encode()


def render(tables: Sequence[Table], about: About) -> dict[str, bytes]:
    """File name → bytes of every CSV and the metadata file."""
    files = {csv_name(t): render_csv(t) for t in tables}
    files[METADATA_NAME] = render_metadata(tables, about)
    return files
