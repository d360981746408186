"""The comparison workbook: a sheet per theme, a trend sheet, and the list of input files."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from pipeline import contract
from pipeline.compare import (
    NO_FILE,
    SUPPRESSED,
    Comparison,
    county_total,
    rows,
    themes,
    trend_column,
    unweighted_mean,
)
from pipeline.xlsx import HEADER_FILL, HEADER_FONT, save_workbook

GREY = PatternFill("solid", fgColor="D9D9D9")
BOLD = Font(bold=True)
# Rank-based: the colour follows the position among the municipalities, not the size.
COLOR_SCALE = dict(
    start_type="percentile",
    start_value=0,
    start_color="F7FBFF",
    mid_type="percentile",
    mid_value=50,
    mid_color="9ECAE1",
    end_type="percentile",
    end_value=100,
    end_color="3182BD",
)
FIXED = ["Kommunkod", "Kommun", "Invånare"]


def _header(sheet, names: list[str]) -> None:
    sheet.append(names)
    for cell in sheet[sheet.max_row]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _format(cell, per_1000: bool) -> None:
    if isinstance(cell.value, int | float):
        cell.number_format = "0.0" if per_1000 else "#,##0"
    elif cell.value == SUPPRESSED:
        cell.alignment = Alignment(horizontal="right")


def _theme_sheet(book: Workbook, comparison: Comparison, name: str, columns) -> None:
    sheet = book.create_sheet(name)
    _header(sheet, FIXED + [c.rubrik for c in columns])
    for row in rows(comparison, columns):
        if row.missing:
            sheet.append([row.kod, row.namn, None, NO_FILE])
            for cell in sheet[sheet.max_row][: len(FIXED) + len(columns)]:
                cell.fill = GREY
            continue
        sheet.append([row.kod, row.namn, row.invanare, *row.cells])
        for cell, column in zip(sheet[sheet.max_row][len(FIXED) :], columns, strict=True):
            _format(cell, column.per_1000)
    municipalities = sheet.max_row
    inhabitants = [r.invanare for r in rows(comparison, []) if r.invanare]
    for label, function in (("Länet totalt", county_total), ("Ovägt medel", unweighted_mean)):
        people = sum(inhabitants) if label == "Länet totalt" and inhabitants else None
        sheet.append([None, label, people, *[function(comparison, column) for column in columns]])
        for cell in sheet[sheet.max_row]:
            cell.font = BOLD
        for cell, column in zip(sheet[sheet.max_row][len(FIXED) :], columns, strict=True):
            _format(cell, column.per_1000)
    for index in range(len(FIXED) + 1, len(FIXED) + len(columns) + 1):
        letter = get_column_letter(index)
        sheet.conditional_formatting.add(
            f"{letter}2:{letter}{municipalities}", ColorScaleRule(**COLOR_SCALE)
        )
        sheet.column_dimensions[letter].width = 14
    sheet.column_dimensions["B"].width = 14
    sheet.column_dimensions["C"].width = 11
    sheet.freeze_panes = "D2"


def _trend_sheet(book: Workbook, comparison: Comparison) -> None:
    columns = themes()[0][1] + [trend_column()]
    columns = list(dict.fromkeys(columns))
    sheet = book.create_sheet("Trend")
    _header(sheet, ["Kommunkod", "Kommun", "År", "Invånare", *[c.rubrik for c in columns]])
    for year in comparison.years:
        for row in rows(comparison, columns, year):
            if row.missing:
                sheet.append([row.kod, row.namn, year, None, NO_FILE])
                for cell in sheet[sheet.max_row][: 4 + len(columns)]:
                    cell.fill = GREY
                continue
            sheet.append([row.kod, row.namn, year, row.invanare, *row.cells])
            for cell, column in zip(sheet[sheet.max_row][4:], columns, strict=True):
                _format(cell, column.per_1000)
    sheet.freeze_panes = "E2"
    for index in range(5, 5 + len(columns)):
        sheet.column_dimensions[get_column_letter(index)].width = 14


def _files_sheet(book: Workbook, comparison: Comparison) -> None:
    sheet = book.create_sheet("Filer")
    _header(sheet, ["Fil", "SHA-256", "Innehåll", "Status", "Problem"])
    names = {k.kod: k.namn for k in contract.kommuner()}
    for entry in comparison.files:
        contents = ", ".join(f"{names[kod]} {year}" for kod, year in entry.contents)
        sheet.append(
            [
                entry.path.name,
                entry.sha256,
                contents,
                "används" if entry.used else "hoppades över",
                entry.problem,
            ]
        )
    for letter, width in zip("ABCDE", (34, 66, 40, 14, 80), strict=True):
        sheet.column_dimensions[letter].width = width


def _about_sheet(book: Workbook, comparison: Comparison) -> None:
    sheet = book.create_sheet("Om jämförelsen")
    missing = comparison.missing()
    skipped = [f for f in comparison.files if not f.used]
    lines = [
        f"Jämförelse av Hälsocenter i Jönköpings län {comparison.ar}",
        "",
        f"Kommuner med nyckeltal för {comparison.ar}: "
        f"{len(contract.kommuner()) - len(missing)} av {len(contract.kommuner())}.",
        "Kommuner utan fil: " + (", ".join(k.namn for k in missing) if missing else "inga") + ".",
        f"Filer som lästes: {len(comparison.files)}, varav {len(skipped)} hoppades över "
        "(se fliken Filer).",
        "År i trendfliken: " + ", ".join(str(y) for y in comparison.years) + ".",
        "",
        f"'{SUPPRESSED}' betyder att värdet är undertryckt (1–4 personer) och inte visas; det är "
        "aldrig 0. Ett totalt värde eller medelvärde som ett undertryckt värde skulle ingå i "
        f"visas också som '{SUPPRESSED}'.",
        f"'{NO_FILE}' (grå rad) betyder att kommunen inte har skickat någon nyckeltalsfil för "
        "året.",
        "Per 1 000 invånare räknas för kommuner som har angett Invånare. Länet totalt är summan "
        "(och för per 1 000: summan delad med de kommunernas sammanlagda invånare). Ovägt medel "
        "är medelvärdet av kommunernas värden, där varje kommun väger lika.",
        "Färgerna visar rangordningen i varje kolumn: mörkast för det högsta värdet.",
    ]
    for line in lines:
        sheet.append([line])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 120
    for row in sheet.iter_rows():
        row[0].alignment = Alignment(wrap_text=True)


def write(path: Path, comparison: Comparison) -> Path:
    book = Workbook()
    book.remove(book.active)
    _about_sheet(book, comparison)
    for name, columns in themes():
        _theme_sheet(book, comparison, name, columns)
    _trend_sheet(book, comparison)
    _files_sheet(book, comparison)
    return save_workbook(book, path)
