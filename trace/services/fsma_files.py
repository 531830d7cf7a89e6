"""The FSMA 204 spreadsheet's columns and files: CSV, XLSX, and the glossary that says, for
each column, which paragraph of 21 CFR asks for it and what trace writes there (kept as data
in fsma_glossary.csv beside this module). trace/services/fsma.py gathers the rows."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path
from typing import Any

from . import spreadsheet

_GLOSSARY_FILE = Path(__file__).with_name("fsma_glossary.csv")
with _GLOSSARY_FILE.open(encoding="utf-8", newline="") as _file:
    _HEADER, *_ENTRIES = csv.reader(_file)

# (column, 21 CFR paragraphs, what trace writes there)
GLOSSARY: list[tuple[str, str, str]] = [(name, cfr, meaning) for name, cfr, meaning in _ENTRIES]
COLUMNS = [name for name, _, _ in GLOSSARY]


def to_csv(table: list[dict[str, Any]]) -> bytes:
    """UTF-8 with a byte-order mark; every cell through the one spreadsheet writer."""
    return spreadsheet.csv_bytes(COLUMNS, ([row[c] for c in COLUMNS] for row in table))


def glossary_csv() -> bytes:
    return spreadsheet.csv_bytes(_HEADER, GLOSSARY)


def to_xlsx(table: list[dict[str, Any]], title: str, created: datetime) -> bytes:
    """A workbook: the KDEs (frozen header, filters, so it sorts) and a Glossary sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet), "a new workbook opens on its one worksheet"
    sheet.title = "FSMA 204 KDEs"
    spreadsheet.append_row(sheet, COLUMNS)
    for row in table:
        spreadsheet.append_row(sheet, [row[c] for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(len(table) + 1, 2)}"
    for index, column in enumerate(COLUMNS, 1):
        width = max([len(column) // 2, *(len(str(r[column])) for r in table[:200])], default=10)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width, 12), 60)
    glossary = book.create_sheet("Glossary")
    spreadsheet.append_row(glossary, _HEADER)
    for entry in GLOSSARY:
        spreadsheet.append_row(glossary, entry)
    for cell in glossary[1]:
        cell.font = Font(bold=True)
    glossary.column_dimensions["A"].width = 45
    glossary.column_dimensions["B"].width = 40
    glossary.column_dimensions["C"].width = 100
    book.properties.title = title
    book.properties.creator = "trace"
    book.properties.created = created.replace(tzinfo=None)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
