"""Blank input workbooks, generated from data/schemas/ (never a second copy of the columns).

Each workbook gets an `Instruktioner` sheet in Swedish, a styled and frozen
header row, drop-down lists for every choice column (kept on a hidden sheet
`Listor`, since some values contain commas), date formats on date columns and
Excel's own input checks on number and date columns.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from pipeline import config
from pipeline.contract import schema as contract
from pipeline.contract.docs import TYPES, requirement_text
from pipeline.contract.schema import Column, Sheet
from pipeline.publish.row_height import wrapped_height
from pipeline.publish.xlsx import DATE_FORMAT, fill_sheet, print_setup, save_workbook

ROWS = 2000  # how far down the drop-downs and checks reach
LISTS = "Listor"

GENERAL = [
    "Så fyller du i arbetsboken",
    "Rubrikerna står på rad 1 och får inte ändras. Fyll i en rad per uppgift från rad 2.",
    "Datum skrivs som datum i Excel eller som text ÅÅÅÅ-MM-DD, t.ex. 2023-03-01.",
    "Kolumner med en lista (en liten pil i cellen) tar bara värdena i listan.",
    "Skriv aldrig personnummer. Använd egna koder, t.ex. K0231 för en klient och D017 för en "
    "deltagare.",
    "Sammanfoga inte celler och lämna inga formler utan värde.",
    "Spara filen som Excel-arbetsbok (.xlsx) med samma namn och lägg den i mappen data/raw/.",
]


class TemplateExists(Exception):
    """A blank workbook would overwrite an existing file."""


def _instructions(book: Workbook, workbook: contract.Workbook) -> None:
    sheet = book.create_sheet("Instruktioner")
    sheet.append([f"{workbook.fil} – {workbook.beskrivning}"])
    sheet["A1"].font = Font(name="Calibri", bold=True, size=14)
    sheet.append([])
    for index, line in enumerate(GENERAL):
        sheet.append([line])
        if index == 0:
            sheet.cell(sheet.max_row, 1).font = Font(name="Calibri", bold=True)
    for data_sheet in workbook.flikar:
        sheet.append([])
        sheet.append([f"Fliken {data_sheet.namn}: {data_sheet.beskrivning.strip()}"])
        sheet.cell(sheet.max_row, 1).font = Font(name="Calibri", bold=True, size=12)
        columns = data_sheet.falt if data_sheet.typ == "falt" else data_sheet.kolumner
        sheet.append(
            ["Fält" if data_sheet.typ == "falt" else "Kolumn", "Typ", "Krav", "Beskrivning"]
        )
        for cell in sheet[sheet.max_row]:
            cell.font = Font(name="Calibri", bold=True)
        names = {c.nyckel: c.namn for c in columns}
        for column in columns:
            sheet.append(
                [
                    column.namn,
                    TYPES[column.typ],
                    requirement_text(column, names, markdown=False),
                    column.beskrivning.strip(),
                ]
            )
    for letter, width in zip("ABCD", (22, 11, 40, 70), strict=True):
        sheet.column_dimensions[letter].width = width
    # Titles and general lines run across the four columns; table rows wrap in theirs.
    for row in sheet.iter_rows():
        if row[0].value and all(c.value is None for c in row[1:]):
            sheet.merge_cells(
                start_row=row[0].row, start_column=1, end_row=row[0].row, end_column=4
            )
            row[0].alignment = Alignment(wrap_text=True, vertical="top")
            sheet.row_dimensions[row[0].row].height = wrapped_height([row[0].value], [143])
        elif row[0].value:
            fit_rows_of(sheet, row)
    print_setup(sheet, title_rows=None)


def fit_rows_of(sheet, row) -> None:
    """One table row of the instructions: wrapped, as high as its longest cell."""
    widths = [sheet.column_dimensions[c.column_letter].width for c in row]
    for cell in row:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[row[0].row].height = wrapped_height([c.value for c in row], widths)


def _list_range(book: Workbook, values: tuple[str, ...], cache: dict) -> str:
    """A range on the hidden sheet holding the values, one per row."""
    if values in cache:
        return cache[values]
    lists = book[LISTS] if LISTS in book.sheetnames else book.create_sheet(LISTS)
    lists.sheet_state = "hidden"
    column = len(cache) + 1
    for row, value in enumerate(values, start=1):
        lists.cell(row, column, value)
    letter = get_column_letter(column)
    cache[values] = f"{quote_sheetname(LISTS)}!${letter}$1:${letter}${len(values)}"
    return cache[values]


def _validation(book, column: Column, cells: str, cache: dict) -> DataValidation | None:
    """Excel's own check for one column (drop-down, date or number)."""
    if column.typ == "val":
        rule = DataValidation(
            type="list", formula1=_list_range(book, column.varden, cache), allow_blank=True
        )
        rule.error = f"Välj ett av värdena i listan: {column.allowed_text()}."
    elif column.typ == "datum":
        rule = DataValidation(
            type="date", operator="greaterThanOrEqual", formula1="DATE(1990,1,1)", allow_blank=True
        )
        rule.error = "Skriv ett datum, t.ex. 2023-03-01."
    elif column.typ in ("heltal", "decimaltal"):
        low = column.min if isinstance(column.min, int | float) else None
        if column.over is not None:
            low = column.over
        high = column.max if isinstance(column.max, int | float) else None
        if column.max == "rapportår":
            high = "YEAR(TODAY())"  # Excel's own clock: the workbook stays right next year
        kind = "whole" if column.typ == "heltal" else "decimal"
        rule = DataValidation(
            type=kind,
            operator="between",
            formula1=str(low or 0),
            formula2=str(high if high is not None else 10**9),
            allow_blank=True,
        )
        rule.error = "Skriv ett heltal." if kind == "whole" else "Skriv ett tal, t.ex. 1,5."
    else:
        return None
    rule.errorTitle = column.namn
    rule.showErrorMessage = True
    rule.add(cells)
    return rule


def _table_sheet(book: Workbook, sheet: Sheet, cache: dict) -> None:
    target = book.create_sheet(sheet.namn)
    fill_sheet(target, contract.headers(sheet), [])
    print_setup(target, landscape=len(sheet.kolumner) > 4)
    for index, column in enumerate(sheet.kolumner, start=1):
        letter = get_column_letter(index)
        target.column_dimensions[letter].width = max(len(column.namn) + 4, 16)
        if column.typ == "datum":
            target.column_dimensions[letter].number_format = DATE_FORMAT
        rule = _validation(book, column, f"{letter}2:{letter}{ROWS}", cache)
        if rule is not None:
            target.add_data_validation(rule)


def _field_sheet(book: Workbook, sheet: Sheet, cache: dict) -> None:
    target = book.create_sheet(sheet.namn)
    fill_sheet(target, contract.headers(sheet), [[f.namn, None] for f in sheet.falt])
    print_setup(target, landscape=False)
    target.column_dimensions["A"].width = 20
    target.column_dimensions["B"].width = 24
    for row, field in enumerate(sheet.falt, start=2):
        if field.typ == "datum":
            target.cell(row, 2).number_format = DATE_FORMAT
        rule = _validation(book, field, f"B{row}", cache)
        if rule is not None:
            target.add_data_validation(rule)


def build(workbook: contract.Workbook) -> Workbook:
    book = Workbook()
    book.remove(book.active)
    _instructions(book, workbook)
    cache: dict = {}
    for sheet in workbook.flikar:
        if sheet.typ == "falt":
            _field_sheet(book, sheet, cache)
        else:
            _table_sheet(book, sheet, cache)
    if LISTS in book.sheetnames:
        book.move_sheet(LISTS, offset=len(book.sheetnames))
    return book


def write_blank_workbooks(folder: Path = config.RAW, overwrite: bool = False) -> list[Path]:
    """The three blank workbooks in folder; refuses to overwrite unless asked."""
    targets = [folder / w.fil for w in contract.workbooks()]
    existing = [p for p in targets if p.exists()]
    if existing and not overwrite:
        raise TemplateExists(", ".join(p.name for p in existing))
    for workbook, path in zip(contract.workbooks(), targets, strict=True):
        save_workbook(build(workbook), path)
    return targets
