"""Writing simple workbooks with openpyxl: example data, test fixtures, reports.

Dates are written as real Excel dates with a ÅÅÅÅ-MM-DD format, the header
row is bold and frozen, and the file is written atomically. Text is always
stored as text: every workbook the program writes is saved through
`book_bytes`, which keeps a str that openpyxl would store as a formula (it
begins with `=`) or as an error value (`#N/A`) the text it is.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Collection, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

from pipeline.publish.folder import write_bytes
from pipeline.publish.ooxml import fixed_dates
from pipeline.publish.row_height import wrapped_height

HEADER_FONT = Font(name="Calibri", bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
DATE_FORMAT = "yyyy-mm-dd"

SheetRows = tuple[Sequence[str], Sequence[Sequence[object]]]
Place = tuple[str, str]  # (sheet title, cell coordinate such as "E4")
WRAP = Alignment(wrap_text=True, vertical="top")


def fit_rows(sheet, first_row: int = 1) -> None:
    """Wrap every cell from first_row on and give each row the height its text needs."""
    widths = [
        sheet.column_dimensions[get_column_letter(c)].width or 10
        for c in range(1, sheet.max_column + 1)
    ]
    for row in sheet.iter_rows(min_row=first_row):
        for cell in row:
            cell.alignment = Alignment(
                wrap_text=True, vertical="top", horizontal=cell.alignment.horizontal
            )
        sheet.row_dimensions[row[0].row].height = wrapped_height(
            [c.value for c in row], widths[: len(row)]
        )


def print_setup(
    sheet,
    title_rows: str | None = "1:1",
    title_columns: str | None = None,
    landscape: bool = True,
) -> None:
    """A4, fit to the page width, the header row on every page, the sheet's name and page."""
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.gridLines = False
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    if title_rows:
        sheet.print_title_rows = title_rows
    if title_columns:
        sheet.print_title_cols = title_columns
    sheet.oddFooter.center.text = "&A – sida &P av &N"


class Formula(str):
    """A formula written on purpose, e.g. `Formula("=E3*2")` in a test's fixture workbook.

    Only `write_workbook`, `workbook_bytes` and `write_input` keep it a formula. Any
    other str is stored as text, whatever it begins with.
    """


def fill_sheet(sheet, header: Sequence[str], rows: Sequence[Sequence[object]]) -> set[str]:
    """The header row and the rows; returns the coordinates of the `Formula` values."""
    formulas = set()
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    for row in rows:
        sheet.append(list(row))
        formulas |= {
            f"{get_column_letter(index)}{sheet.max_row}"
            for index, value in enumerate(row, start=1)
            if isinstance(value, Formula)
        }
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
    return formulas


def keep_text(book: Workbook, formulas: Collection[Place] = ()) -> None:
    """Every str in the workbook stored as text, never as a formula or an error value.

    openpyxl stores a str that begins with `=` as a formula, and `#N/A` or `#REF!` as an
    error: a coach's `=HYPERLINK(...)` in a cell, a file named `=1+1-nyckeltal.csv`, would
    be live in a report. Setting the type back to string after the value is what openpyxl
    allows (the cell is saved as an inline string, `t="inlineStr"`). `formulas` are the
    places of formulas written on purpose (`Formula`).
    """
    for sheet in book.worksheets:
        # The cells the sheet holds, as openpyxl's own writer walks them; iter_rows would
        # create every empty cell of the sheet's rectangle and add empty rows to the file.
        for cell in sheet._cells.values():
            if (
                cell.data_type in ("f", "e")
                and isinstance(cell.value, str)
                and (sheet.title, cell.coordinate) not in formulas
            ):
                cell.data_type = "s"


FIXED_STAMP = "2000-01-01T00:00:00Z"


def book_bytes(book: Workbook, formulas: Collection[Place] = ()) -> bytes:
    """The saved file, text as text, with no author and fixed dates: same content, same bytes.

    Every workbook the program writes is saved here, in memory (no temporary file).
    """
    keep_text(book, formulas)
    book.properties.creator = ""
    book.properties.lastModifiedBy = ""
    book.properties.modified = dt.datetime(2000, 1, 1)  # as openpyxl's save sets it (to now)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        _InMemory(book, archive).save()
    return fixed_dates(buffer.getvalue(), FIXED_STAMP)


class _InMemory(ExcelWriter):
    """openpyxl's writer, with each sheet's XML kept in memory: its own puts it in a
    temporary file first, and a web server saving a workbook should write no file."""

    def write_worksheet(self, ws) -> None:
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = WorksheetWriter(ws, out=io.BytesIO())
        writer.write()
        ws._rels = writer._rels
        self._archive.writestr(ws.path[1:], writer.read())
        self.manifest.append(ws)


def save_workbook(book: Workbook, path: Path) -> Path:
    """Save atomically, with no author and fixed dates: same content, same bytes."""
    return write_bytes(path, book_bytes(book))


def workbook_bytes(
    sheets: dict[str, SheetRows], widths: dict[str, Sequence[float]] | None = None
) -> bytes:
    """A workbook with one sheet per entry, as the bytes of the file.

    A sheet with `widths` is laid out to be read and printed: those column widths,
    wrapped cells with rows as high as their text, A4 landscape fit to the width,
    the header row on every page.
    """
    book = Workbook()
    book.remove(book.active)
    formulas: set[Place] = set()
    for name, (header, rows) in sheets.items():
        sheet = book.create_sheet(name)
        formulas |= {(sheet.title, place) for place in fill_sheet(sheet, header, rows)}
        if widths and name in widths:
            for index, width in enumerate(widths[name], start=1):
                sheet.column_dimensions[get_column_letter(index)].width = width
            fit_rows(sheet)
            print_setup(sheet, landscape=sum(widths[name]) > 90)
    return book_bytes(book, formulas)


def write_workbook(
    path: Path, sheets: dict[str, SheetRows], widths: dict[str, Sequence[float]] | None = None
) -> Path:
    """A workbook with one sheet per entry, written to a temporary file and renamed."""
    return write_bytes(path, workbook_bytes(sheets, widths))
