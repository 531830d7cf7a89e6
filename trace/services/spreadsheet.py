"""The one writer of every spreadsheet trace makes (the recall report, FSMA 204 CSV and XLSX,
the glossary): whatever a cell holds, a spreadsheet program shows it and never runs it.

CSV injection: a text that starts like a formula (`=`, `+`, `-`, `@`, a tab or a carriage
return) gets a leading apostrophe, so a place named `=HYPERLINK(…)` never becomes a live link
in an inspector's spreadsheet. Numbers stay numbers (a negative number is not text). In a
worksheet such a text is also written as a string cell, and characters XML 1.0 cannot hold
are shown as U+FFFD.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")

# Characters a worksheet (XML 1.0 in UTF-8) cannot hold: C0 controls other than tab and line
# breaks, and lone surrogates.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def neutral(value: object) -> object:
    """A cell's value that no spreadsheet program calculates."""
    if isinstance(value, str) and value[:1] in FORMULA_LEADS:
        return "'" + value
    return value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 with a byte-order mark (spreadsheet programs then read Vietnamese right), CRLF."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutral(cell) for cell in header])
    writer.writerows([neutral(cell) for cell in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode()


def append_row(sheet: Worksheet, values: Iterable[object]) -> None:
    """One row of an openpyxl worksheet, every text cell shown and never calculated."""
    cells = []
    for value in values:
        if isinstance(value, str):
            value = _NOT_IN_XML.sub("\ufffd", value)
        cells.append(value)
    sheet.append(cells)
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"
