"""The tabular release: CSV + CSVW, one XLSX workbook, a SQLite database for datasette.

``render_tables`` returns every file by release path (``tables/…``); the modules do one job each:
``model`` (the tables read from the graph), ``csvfiles`` (CSV and CSVW metadata), ``workbook``
(XLSX), ``database`` (SQLite and datasette's ``metadata.json``), ``about`` (what they say about
themselves).
"""

from __future__ import annotations

from hngraph.publish.graph import SiteGraph

FOLDER = "tables"


def render_tables(site: SiteGraph) -> dict[str, bytes]:
    """Release path → bytes of every file of the tabular release."""
    from hngraph.publish.tables import csvfiles
    from hngraph.publish.tables.about import about
    from hngraph.publish.tables.database import (
        DATABASE_NAME,
        DATASETTE_METADATA,
        render_database,
        render_datasette_metadata,
    )
    from hngraph.publish.tables.model import build_tables
    from hngraph.publish.tables.workbook import WORKBOOK_NAME, render_workbook

    tables = build_tables(site)
    facts = about(site)
    files = {f"{FOLDER}/{name}": data for name, data in csvfiles.render(tables, facts).items()}
    files[f"{FOLDER}/{WORKBOOK_NAME}"] = render_workbook(tables, facts)
    files[f"{FOLDER}/{DATABASE_NAME}"] = render_database(tables)
    files[f"{FOLDER}/{DATASETTE_METADATA}"] = render_datasette_metadata(tables, facts)
    return files
