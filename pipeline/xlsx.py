"""Writing simple workbooks with openpyxl: example data, test fixtures, reports.

Dates are written as real Excel dates with a ÅÅÅÅ-MM-DD format, the header
row is bold and frozen, and the file is written atomically.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from pipeline.files import write_bytes
from pipeline.ooxml import fixed_dates

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
DATE_FORMAT = "yyyy-mm-dd"

SheetRows = tuple[Sequence[str], Sequence[Sequence[object]]]


def fill_sheet(sheet, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    for row in rows:
        sheet.append(list(row))
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, dt.date | dt.datetime):
                cell.number_format = DATE_FORMAT
    sheet.freeze_panes = "A2"
    for index, name in enumerate(header, start=1):
        longest = max(
            [len(str(name))]
            + [
                len(str(r[index - 1]))
                for r in rows
                if index - 1 < len(r) and r[index - 1] is not None
            ]
        )
        sheet.column_dimensions[get_column_letter(index)].width = min(max(longest + 2, 10), 60)


FIXED_STAMP = "2000-01-01T00:00:00Z"


def book_bytes(book: Workbook) -> bytes:
    """The saved file, with no author and fixed dates: same content, same bytes."""
    book.properties.creator = ""
    book.properties.lastModifiedBy = ""
    buffer = io.BytesIO()
    book.save(buffer)
    return fixed_dates(buffer.getvalue(), FIXED_STAMP)


def save_workbook(book: Workbook, path: Path) -> Path:
    """Save atomically, with no author and fixed dates: same content, same bytes."""
    return write_bytes(path, book_bytes(book))


def workbook_bytes(sheets: dict[str, SheetRows]) -> bytes:
    """A workbook with one sheet per entry, as the bytes of the file."""
    book = Workbook()
    book.remove(book.active)
    for name, (header, rows) in sheets.items():
        fill_sheet(book.create_sheet(name), header, rows)
    return book_bytes(book)


def write_workbook(path: Path, sheets: dict[str, SheetRows]) -> Path:
    """A workbook with one sheet per entry, written to a temporary file and renamed."""
    return write_bytes(path, workbook_bytes(sheets))


def write_input(folder: Path, rows: dict[str, Sequence[Sequence[object]]]) -> list[Path]:
    """The three input workbooks, with the contract's headers, from rows per sheet name."""
    from pipeline import contract

    paths = []
    for workbook in contract.workbooks():
        sheets = {s.namn: (contract.headers(s), rows.get(s.namn, [])) for s in workbook.flikar}
        paths.append(write_workbook(folder / workbook.fil, sheets))
    return paths
