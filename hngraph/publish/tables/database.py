"""A SQLite database of the tables, with keys and full-text search, and datasette's metadata.

Each table keeps its IRI primary key and its foreign keys (indexed); the texts (task and measure
texts in both languages, judgement evidence) get an FTS5 index with the ``trigram`` tokenizer,
because Chinese has no spaces between words: any phrase of three or more characters is found
where it occurs (datasette's search box, or ``… MATCH '"产教融合"'``). ``metadata.json`` gives
datasette titles, descriptions, licence, source, column meanings, label columns and a few canned
queries: ``datasette hngraph.db --metadata metadata.json``.

Byte-stable: SQLite stores no time; the same statements in the same order give the same file
with the same SQLite library.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections.abc import Sequence
from pathlib import Path

from hngraph.publish.tables.about import About
from hngraph.publish.tables.model import Table

DATABASE_NAME = "hngraph.db"
DATASETTE_METADATA = "metadata.json"
SQL_TYPES = {"integer": "INTEGER"}

#: Canned queries shown on datasette's database page.
CANNED_QUERIES: dict[str, dict[str, str]] = {
    "department_workload": {
        "title": "部门工作量 / Department workload",
        "description": "Tasks each named department leads, supports and is responsible for in all, "
        "busiest first.",
        "sql": "select iri, name_zh, name_en, tasks_led, tasks_supported, tasks_total\n"
        "from organisations where tasks_total > 0\n"
        "order by tasks_total desc, name_zh, iri",
    },
    "tasks_of_department": {
        "title": "部门的任务 / Tasks of a department",
        "description": "Tasks a department is named for, with its role; give its name as written "
        "(e.g. 省财政厅) or its official Chinese name.",
        "sql": "select r.task_number, r.role_zh, r.role_en, t.text_zh, t.text_en\n"
        "from responsibilities r join tasks t on t.iri = r.task\n"
        "where r.name_as_written = :name or r.organisation_zh = :name\n"
        "order by t.task_list, r.task_number",
    },
}


def fts_name(table: Table) -> str:
    """The full-text index of a table."""
    return f"{table.name}_fts"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def schema(table: Table) -> list[str]:
    """The statements that create ``table``, its indexes and its full-text index."""
    lines = []
    for column in table.columns:
        kind = SQL_TYPES.get(column.datatype, "TEXT")
        extra = " PRIMARY KEY NOT NULL" if column.name == table.key else ""
        extra += " NOT NULL" if column.required and column.name != table.key else ""
        lines.append(f"  {_quote(column.name)} {kind}{extra}")
    for fk in table.foreign_keys:
        lines.append(f"  FOREIGN KEY ({_quote(fk.column)}) REFERENCES {_quote(fk.table)}(iri)")
    statements = [f"CREATE TABLE {_quote(table.name)} (\n" + ",\n".join(lines) + "\n)"]
    for fk in table.foreign_keys:
        if fk.column != table.key:
            index = _quote(f"idx_{table.name}_{fk.column}")
            statements.append(f"CREATE INDEX {index} ON {_quote(table.name)}({_quote(fk.column)})")
    if table.search:
        columns = ", ".join(_quote(c) for c in table.search)
        statements.append(
            f"CREATE VIRTUAL TABLE {_quote(fts_name(table))} USING fts5({columns}, "
            f"content={_quote(table.name)}, tokenize='trigram')"
        )
    return statements


def render_database(tables: Sequence[Table]) -> bytes:
    """The SQLite file's bytes."""
    with tempfile.TemporaryDirectory(prefix="hngraph-sqlite-") as folder:
        path = Path(folder) / DATABASE_NAME
        connection = sqlite3.connect(path)
        try:
            connection.execute("PRAGMA foreign_keys = ON")
            for table in _dependency_order(tables):
                for statement in schema(table):
                    connection.execute(statement)
                marks = ", ".join("?" for _ in table.columns)
                connection.executemany(
                    f"INSERT INTO {_quote(table.name)} VALUES ({marks})", table.rows
                )
                if table.search:
                    columns = ", ".join(_quote(c) for c in table.search)
                    connection.execute(
                        f"INSERT INTO {_quote(fts_name(table))}(rowid, {columns}) "
                        f"SELECT rowid, {columns} FROM {_quote(table.name)}"
                    )
            connection.commit()
            problems = connection.execute("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise ValueError(f"foreign keys that name no row: {problems[:5]}")
            connection.execute("VACUUM")
        finally:
            connection.close()
        return path.read_bytes()


def _dependency_order(tables: Sequence[Table]) -> list[Table]:
    """Tables ordered so that each comes after the tables its foreign keys name."""
    done: list[Table] = []
    by_name = {t.name: t for t in tables}

    def visit(table: Table, path: tuple[str, ...]) -> None:
        if table in done or table.name in path:
            return
        for fk in table.foreign_keys:
            if fk.table in by_name:
                visit(by_name[fk.table], (*path, table.name))
        done.append(table)

    for table in tables:
        visit(table, ())
    return done


def render_datasette_metadata(tables: Sequence[Table], about: About) -> bytes:
    """datasette's ``metadata.json`` for the database."""
    source = about.source_documents[0] if len(about.source_documents) == 1 else None
    described_tables = {}
    for table in tables:
        entry: dict[str, object] = {
            "title": f"{table.title_zh} / {table.title_en}",
            "description": table.description,
            "columns": {
                c.name: f"{c.title_zh} / {c.title_en}: {c.description}" for c in table.columns
            },
            "label_column": table.label,
        }
        if table.search:
            entry["fts_table"] = fts_name(table)
            entry["fts_pk"] = "rowid"
        described_tables[table.name] = entry
    metadata: dict[str, object] = {
        "title": f"{about.title_zh} / {about.title_en}",
        "description": f"{about.description_zh}\n\n{about.description_en}\n\n"
        f"{about.rights_zh}\n{about.rights_en}",
        "license": about.licence_name,
        "license_url": about.licence,
        "source": (
            " / ".join(x for x in (source.label_zh, source.label_en) if x)
            if source
            else "; ".join(about.sources)
        ),
        "databases": {
            Path(DATABASE_NAME).stem: {
                "tables": described_tables,
                "queries": CANNED_QUERIES,
            }
        },
    }
    if source is not None:
        metadata["source_url"] = source.iri
    return (json.dumps(metadata, ensure_ascii=False, indent=1) + "\n").encode()
