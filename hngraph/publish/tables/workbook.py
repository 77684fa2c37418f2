"""One XLSX workbook with a sheet per table and a sheet describing the columns.

Byte-stable: the document properties carry no dates (openpyxl would stamp the save time) and
every zip entry gets the same fixed timestamp, so the same tables give the same bytes.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Sequence
from typing import Any

from hngraph.publish.tables.about import About
from hngraph.publish.tables.model import Table

WORKBOOK_NAME = "hngraph.xlsx"
ABOUT_SHEET = "about"
COLUMNS_SHEET = "columns"
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can state
CORE_PROPERTIES = "docProps/core.xml"
DATES = re.compile(rb"<dcterms:(created|modified)\b[^>]*>[^<]*</dcterms:\1>")
MAX_WIDTH = 60


def render_workbook(tables: Sequence[Table], about: About) -> bytes:
    """The workbook's bytes: an ``about`` sheet, one sheet per table, then ``columns``."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.writer.excel import ExcelWriter

    book = Workbook()
    bold = Font(bold=True)
    sheet = book.active
    sheet.title = ABOUT_SHEET
    for number, row in enumerate(_about_rows(tables, about), start=1):
        _append(sheet, number, row)
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 80
    for table in tables:
        sheet = book.create_sheet(table.name)
        sheet.append([c.name for c in table.columns])
        for number, values in enumerate(table.rows, start=2):
            _append(sheet, number, list(values))
        for cell in sheet[1]:
            cell.font = bold
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
        for index, column in enumerate(table.columns):
            letter = sheet.cell(row=1, column=index + 1).column_letter
            widest = max([len(column.name), *(len(str(r[index] or "")) for r in table.rows)])
            sheet.column_dimensions[letter].width = min(MAX_WIDTH, widest + 2)
    sheet = book.create_sheet(COLUMNS_SHEET)
    sheet.append(["sheet", "column", "title_zh", "title_en", "datatype", "language", "description"])
    for table in tables:
        for column in table.columns:
            sheet.append(
                [
                    table.name,
                    column.name,
                    column.title_zh,
                    column.title_en,
                    column.datatype,
                    column.lang or "",
                    column.description,
                ]
            )
    for cell in sheet[1]:
        cell.font = bold
    props = book.properties
    props.creator = about.publisher_en
    props.title = about.title_en
    props.created = props.modified = datetime.datetime(*ZIP_EPOCH)  # removed again below
    props.lastModifiedBy = None
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()
    return _fixed_times(raw.getvalue())


def _append(sheet: Any, number: int, values: list[Any]) -> None:
    """Append ``values`` as row ``number`` of ``sheet``, keeping a text that starts with ``=`` a
    text: openpyxl would store it as a formula, which a spreadsheet would then evaluate (a label
    ``=HYPERLINK(…)`` must show, not run). The cells are reached by their row number: asking
    the sheet for its last row scans every cell, which made a workbook quadratic in its rows."""
    sheet.append(values)
    for column, value in enumerate(values, start=1):
        if isinstance(value, str) and value.startswith("="):
            sheet.cell(row=number, column=column).data_type = "s"


def _about_rows(tables: Sequence[Table], about: About) -> list[list[str]]:
    rows = [
        ["title", about.title_zh],
        ["", about.title_en],
        ["description", about.description_zh],
        ["", about.description_en],
        ["licence", f"{about.licence_name} {about.licence}"],
        ["rights", about.rights_zh],
        ["", about.rights_en],
        ["source", " ".join(about.sources)],
        ["version", about.version or ""],
        ["dataset", about.dataset],
    ]
    for table in tables:
        rows.append([table.name, f"{table.title_zh} / {table.title_en}: {table.description}"])
    return rows


def _fixed_times(data: bytes) -> bytes:
    """The same zip with every entry dated ``ZIP_EPOCH``, in the same order, and no creation or
    modification date in the document properties (openpyxl always writes both)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            content = source.read(info.filename)
            if info.filename == CORE_PROPERTIES:
                content = DATES.sub(b"", content)
            target.writestr(entry, content)
    return out.getvalue()
