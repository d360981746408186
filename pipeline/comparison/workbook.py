"""The comparison workbook: measures, counts, shares, trend and the files, for screen and print.

Colour scales rank municipalities only where they are comparable (rates, shares,
the median waiting time), never on raw counts. Every sheet has a header row sized
for its text (LibreOffice does not grow rows for wrapped text), frozen panes and a
print setup (A4 landscape, fit to width, header row repeated).
"""

from __future__ import annotations

import math
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from pipeline import config
from pipeline.comparison.compare import (
    MEAN_LABEL,
    MISSING,
    SUPPRESSED,
    TARGET_MET,
    TARGET_NEAR,
    TARGET_NOT_MET,
    Comparison,
    Value,
    change,
    county_measure,
    county_share,
    county_sum,
    coverage_label,
    mean,
    measure_value,
    share,
)
from pipeline.contract import schema as contract
from pipeline.contract.comparison import measures, share_groups, themes
from pipeline.publish.formatting import tal
from pipeline.publish.xlsx import (
    HEADER_FILL,
    HEADER_FONT,
    POINTS_PER_LINE,
    print_setup,
    save_workbook,
)
from pipeline.publish.xlsx import wrapped_height as _header_height

GREY = PatternFill("solid", fgColor="E7E6E6")
BOLD = Font(bold=True)
TOP_LINE = Border(top=Side(style="thin", color="808080"))
RIGHT = Alignment(horizontal="right")
# Rank-based and sequential (light to dark blue, readable for colour-blind readers):
# the colour follows the position among the municipalities, not the size.
COLOR_SCALE = dict(
    start_type="percentile",
    start_value=0,
    start_color="F7FBFF",
    mid_type="percentile",
    mid_value=50,
    mid_color="9ECAE1",
    end_type="percentile",
    end_value=100,
    end_color="6BAED6",
)
STATUS_FILL = {
    TARGET_MET: PatternFill("solid", fgColor="BDD7EE"),
    TARGET_NEAR: PatternFill("solid", fgColor="FFE699"),
    TARGET_NOT_MET: PatternFill("solid", fgColor="F4B183"),
}
FIXED = ["Kommunkod", "Kommun", "Invånare"]
FIXED_WIDTHS = (12, 13, 10)


# --- cells, headers, print ------------------------------------------------------------


def put(cell, value: Value, decimals: int = 1, fixed: bool = True) -> None:
    """A value as the analyst reads it: a number, '..', '≥ 312' or '–' (never 0 for unknown).

    Measures keep `decimals` always (6,0 beside 6,6); counts (`fixed` False) show
    decimals only when they have them (hours).
    """
    if value.suppressed:
        cell.value, cell.alignment = SUPPRESSED, RIGHT
    elif value.number is None:
        cell.value, cell.alignment = MISSING, RIGHT
    elif value.at_least:
        cell.value, cell.alignment = f"≥ {tal(round(value.number, decimals))}", RIGHT
    else:
        cell.value = value.number
        whole = decimals == 0 or (not fixed and float(value.number).is_integer())
        cell.number_format = "#,##0" if whole else "#,##0." + "0" * decimals


def header(sheet, row: int, names: list[str], widths: list[float]) -> None:
    for column, (name, width) in enumerate(zip(names, widths, strict=True), start=1):
        cell = sheet.cell(row=row, column=column, value=name)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.row_dimensions[row].height = _header_height(names, widths)


def _color_scale(sheet, column: int, first: int, last: int) -> None:
    letter = get_column_letter(column)
    sheet.conditional_formatting.add(
        f"{letter}{first}:{letter}{last}", ColorScaleRule(**COLOR_SCALE)
    )


def _municipality_rows(sheet, comparison: Comparison, first_row: int, width: int, fill) -> int:
    """The 13 rows: code, name, inhabitants, then fill(row, kod); a row without figures says why."""
    row = first_row
    for kommun in contract.kommuner():
        sheet.cell(row=row, column=1, value=kommun.kod)
        sheet.cell(row=row, column=2, value=kommun.namn)
        state = comparison.state(kommun.kod)
        if state:
            sheet.cell(row=row, column=4, value=state)
            for column in range(1, width + 1):
                sheet.cell(row=row, column=column).fill = GREY
        else:
            people = comparison.inhabitants(kommun.kod)
            put(sheet.cell(row=row, column=3), Value(people), 0)
            fill(row, kommun.kod)
        row += 1
    return row


def _summary_row(sheet, row: int, label: str, width: int, people=None) -> None:
    """A bold row under the municipalities; its label spans the code and name columns."""
    sheet.cell(row=row, column=1, value=label)
    if people is not None:
        put(sheet.cell(row=row, column=3), Value(people), 0)
    for column in range(1, width + 1):
        cell = sheet.cell(row=row, column=column)
        cell.font, cell.border = BOLD, TOP_LINE
    sheet.cell(row=row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
    sheet.row_dimensions[row].height = _header_height([label], [sum(FIXED_WIDTHS[:2])])


def _present_people(comparison: Comparison) -> float | None:
    people = [comparison.inhabitants(k.kod) for k in comparison.present()]
    return sum(people) if people and all(people) else None


# --- sheets ---------------------------------------------------------------------------


def _measures_sheet(book: Workbook, comparison: Comparison) -> None:
    sheet = book.create_sheet("Mått")
    names, widths, columns = list(FIXED), list(FIXED_WIDTHS), []
    for m in measures():
        names.append(m.rubrik)
        widths.append(14)
        columns.append((m, False))
        target = comparison.targets.get(m.id)
        if target:
            word = "minst" if target.battre == "högre" else "högst"
            names.append(f"Mot målvärde ({word} {tal(target.malvarde)})")
            widths.append(12)
            columns.append((m, True))
    header(sheet, 1, names, widths)

    def fill(row, kod):
        for offset, (m, is_status) in enumerate(columns):
            cell = sheet.cell(row=row, column=len(FIXED) + 1 + offset)
            value = measure_value(comparison, kod, m)
            if is_status:
                status = comparison.targets[m.id].status(value)
                cell.value = status or MISSING
                if status:
                    cell.fill = STATUS_FILL[status]
            else:
                put(cell, value)

    last = _municipality_rows(sheet, comparison, 2, len(names), fill)
    _summary_row(sheet, last, coverage_label(comparison), len(names), _present_people(comparison))
    _summary_row(sheet, last + 1, MEAN_LABEL, len(names))
    for offset, (m, is_status) in enumerate(columns):
        column = len(FIXED) + 1 + offset
        if is_status:
            continue
        values = [measure_value(comparison, k.kod, m) for k in comparison.present()]
        put(sheet.cell(row=last, column=column), county_measure(comparison, m))
        put(sheet.cell(row=last + 1, column=column), mean(values))
        _color_scale(sheet, column, 2, last - 1)
    sheet.freeze_panes = "D2"
    print_setup(sheet, title_columns="A:B")


def _counts_sheet(book: Workbook, comparison: Comparison, name: str, columns) -> None:
    sheet = book.create_sheet(name)
    names = FIXED + [c.rubrik for c in columns]
    widths = list(FIXED_WIDTHS) + [13] * len(columns)
    header(sheet, 1, names, widths)

    def fill(row, kod):
        for offset, column in enumerate(columns):
            put(
                sheet.cell(row=row, column=4 + offset), comparison.figure(kod, column.key), 1, False
            )

    last = _municipality_rows(sheet, comparison, 2, len(names), fill)
    _summary_row(sheet, last, coverage_label(comparison), len(names), _present_people(comparison))
    for offset, column in enumerate(columns):
        cell = sheet.cell(row=last, column=4 + offset)
        if column.summeras:
            put(cell, county_sum(comparison, column.key), 1, False)
        else:
            cell.value, cell.alignment = "summeras inte", RIGHT
            cell.font = Font(bold=True, italic=True, color="595959")
    sheet.freeze_panes = "D2"
    print_setup(sheet, title_columns="A:B")


def _breakdown_sheet(book: Workbook, title: str, flik: str, unit: str):
    """A sheet with one column per category of the breakdowns on `flik`, header written."""
    sheet = book.create_sheet(title)
    columns = [(g, c) for g in share_groups() if g.flik == flik for c in g.categories()]
    names = FIXED + [f"{g.rubrik}: {c}{unit}" for g, c in columns]
    header(sheet, 1, names, list(FIXED_WIDTHS) + [12] * len(columns))
    return sheet, columns, names


def _shares_sheet(book: Workbook, comparison: Comparison, flik: str) -> None:
    """Shares (%) of each breakdown, colour-ranked; the county's share can be a lower bound."""
    sheet, columns, names = _breakdown_sheet(book, f"Andelar {flik}", flik, " (%)")

    def fill(row, kod):
        for offset, (group, kategori) in enumerate(columns):
            put(sheet.cell(row=row, column=4 + offset), share(comparison, kod, group, kategori))

    last = _municipality_rows(sheet, comparison, 2, len(names), fill)
    _summary_row(sheet, last, coverage_label(comparison), len(names), _present_people(comparison))
    _summary_row(sheet, last + 1, MEAN_LABEL, len(names))
    for offset, (group, kategori) in enumerate(columns):
        column = 4 + offset
        values = [share(comparison, k.kod, group, kategori) for k in comparison.present()]
        put(sheet.cell(row=last, column=column), county_share(comparison, group, kategori))
        put(sheet.cell(row=last + 1, column=column), mean(values))
        _color_scale(sheet, column, 2, last - 1)
    sheet.freeze_panes = "D2"
    print_setup(sheet, title_columns="A:B")


def _breakdown_counts_sheet(book: Workbook, comparison: Comparison, flik: str) -> None:
    """The counts behind the shares; a sum with a hidden count is a lower bound."""
    sheet, columns, names = _breakdown_sheet(book, f"Antal {flik}", flik, "")

    def fill(row, kod):
        for offset, (group, kategori) in enumerate(columns):
            put(
                sheet.cell(row=row, column=4 + offset),
                comparison.figure(kod, group.key(kategori)),
                0,
            )

    last = _municipality_rows(sheet, comparison, 2, len(names), fill)
    _summary_row(sheet, last, coverage_label(comparison), len(names), _present_people(comparison))
    for offset, (group, kategori) in enumerate(columns):
        put(sheet.cell(row=last, column=4 + offset), county_sum(comparison, group.key(kategori)), 0)
    sheet.freeze_panes = "D2"
    print_setup(sheet, title_columns="A:B")


def _trend_sheet(book: Workbook, comparison: Comparison) -> None:
    """One block per measure: years as columns, the change from the previous year, the county."""
    sheet = book.create_sheet("Trend")
    years = comparison.years
    row = 1
    for number, m in enumerate(measures()):
        unit = "procentenheter" if m.procent else ("dagar" if not m.summable else "")
        change_name = f"Förändring {years[-2]}–{years[-1]}" if len(years) > 1 else "Förändring"
        if unit:
            change_name += f" ({unit})"
        sheet.cell(row=row, column=1, value=m.rubrik).font = Font(bold=True, size=12)
        sheet.row_dimensions[row].height = 20
        row += 1
        names = ["Kommunkod", "Kommun", *[str(y) for y in years], change_name]
        widths = [12, 13] + [10] * len(years) + [16]
        header(sheet, row, names, widths)
        first = row + 1
        row = first
        for kommun in contract.kommuner():
            sheet.cell(row=row, column=1, value=kommun.kod)
            sheet.cell(row=row, column=2, value=kommun.namn)
            values = []
            for offset, year in enumerate(years):
                cell = sheet.cell(row=row, column=3 + offset)
                state = comparison.state(kommun.kod, year)
                if state:
                    cell.value, cell.alignment, cell.fill = state, RIGHT, GREY
                    values.append(Value())
                    continue
                value = measure_value(comparison, kommun.kod, m, year)
                put(cell, value)
                values.append(value)
            put(sheet.cell(row=row, column=3 + len(years)), change(values))
            row += 1
        county = [county_measure(comparison, m, y) for y in years]
        label = sheet.cell(row=row, column=1, value="Kommunerna med fil tillsammans")
        label.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        sheet.row_dimensions[row].height = 2 * POINTS_PER_LINE
        for offset, value in enumerate(county):
            if m.summable:
                put(sheet.cell(row=row, column=3 + offset), value)
        if m.summable:
            put(sheet.cell(row=row, column=3 + len(years)), change(county))
        for column in range(1, len(names) + 1):
            cell = sheet.cell(row=row, column=column)
            cell.font, cell.border = BOLD, TOP_LINE
        for offset in range(len(years)):
            _color_scale(sheet, 3 + offset, first, row - 1)
        row += 2
        if number % 2 == 1:
            sheet.row_breaks.append(Break(id=row - 1))
    sheet.freeze_panes = "C1"
    print_setup(sheet, title_rows=None, title_columns="A:B")
    sheet.sheet_properties.pageSetUpPr.fitToPage = False  # two blocks a page, not fit to width
    sheet.page_setup.scale = 75


def _files_sheet(book: Workbook, comparison: Comparison) -> None:
    sheet = book.create_sheet("Filer")
    names = ["Fil", "Status", "Vad som hände med filen", "SHA-256"]
    widths = [34, 14, 90, 66]
    header(sheet, 1, names, widths)
    for row, entry in enumerate(comparison.files, start=2):
        line = entry.line()
        sheet.cell(row=row, column=1, value=entry.path.name)
        sheet.cell(row=row, column=2, value=entry.status)
        sheet.cell(row=row, column=3, value=line).alignment = Alignment(
            wrap_text=True, vertical="top"
        )
        sheet.cell(row=row, column=4, value=entry.sha256)
        lines = max(1, math.ceil(len(line) / 85))
        sheet.row_dimensions[row].height = lines * POINTS_PER_LINE + 2
    sheet.freeze_panes = "B2"
    print_setup(sheet, title_columns="A:A")


def _about_sheet(book: Workbook, comparison: Comparison) -> None:
    sheet = book.create_sheet("Om jämförelsen")
    total = len(contract.kommuner())
    missing = comparison.missing()
    lines = [
        (f"Jämförelse av Hälsocenter i Jönköpings län {comparison.ar}", Font(bold=True, size=14)),
        (
            f"Kommuner med nyckeltal för {comparison.ar}: {total - len(missing)} av {total}. "
            + (
                "Utan nyckeltal: "
                + ", ".join(f"{k.namn} ({comparison.state(k.kod)})" for k in missing)
                + "."
                if missing
                else ""
            ),
            None,
        ),
        (
            f"Filer som lästes: {len(comparison.files)} (se fliken Filer). År i trendfliken: "
            + ", ".join(str(y) for y in comparison.years)
            + ".",
            None,
        ),
        ("Tecken och rader", Font(bold=True, size=12)),
        (
            f"'{SUPPRESSED}' betyder att värdet är dolt för att skydda enskilda (små tal, "
            f"1–{_threshold() - 1} personer, och tal som döljs för att de små inte ska kunna "
            "räknas fram). Det är "
            "aldrig 0. En andel som bygger på ett dolt tal är också dold.",
            None,
        ),
        (
            "'≥ 312' betyder att summan innehåller dolda tal: den är minst så stor. Ett dolt tal "
            "kan vara 0 (det kan vara dolt bara för att skydda ett annat), så gränsen är summan "
            "av de synliga talen.",
            None,
        ),
        (
            f"'{MISSING}' betyder att värdet saknas: kommunens fil har inte nyckeltalet (en fil "
            "från en äldre version av programmet) eller så går det inte att räkna (ingen "
            "nämnare). Det är aldrig 0.",
            None,
        ),
        (
            "Grå rad: 'ingen fil' = kommunen har inte skickat någon fil för året; 'fel i filen' = "
            "filen kunde inte läsas (se fliken Filer); 'motstridiga filer' = två filer med olika "
            "värden för samma kommun och år, och ingen av dem används.",
            None,
        ),
        (
            "Summaraden säger vilka kommuner den täcker ('Summa, 7 av 13 kommuner, 61 % av "
            "länets invånare'); länets invånare tas för kommuner utan fil för året från närmaste "
            "år med fil. För måtten är summaraden kvoten av summorna. Styrgruppsmöten och "
            "medianer summeras inte. Ovägt medel är medelvärdet av kommunernas värden, där varje "
            "kommun väger lika.",
            None,
        ),
        (
            "Färgskalan visar rangordningen i kolumnen (mörkast för det högsta värdet) och finns "
            "bara för mått och andelar, som går att jämföra mellan kommuner av olika storlek: "
            "aldrig för antal.",
            None,
        ),
        ("Måtten", Font(bold=True, size=12)),
    ]
    for row, (text, font) in enumerate(lines, start=1):
        cell = sheet.cell(row=row, column=1, value=text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if font:
            cell.font = font
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=5)
        sheet.row_dimensions[row].height = max(1, math.ceil(len(text) / 130)) * POINTS_PER_LINE + (
            8 if font else 2
        )
    row = len(lines) + 1
    names, widths = ["Mått-id", "Mått", "Definition"], [26, 30, 90]
    if comparison.has_targets_file:  # without malvarden.csv nothing about targets
        names, widths = names + ["Målvärde", "Bättre"], widths + [10, 10]
    header(sheet, row, names, widths)
    for m in measures():
        row += 1
        target = comparison.targets.get(m.id)
        values = [m.id, m.rubrik, m.definition]
        if comparison.has_targets_file:
            values += [target.malvarde, target.battre] if target else [None, None]
        for column, value in enumerate(values, start=1):
            sheet.cell(row=row, column=column, value=value).alignment = Alignment(
                wrap_text=True, vertical="top"
            )
        sheet.row_dimensions[row].height = max(1, math.ceil(len(m.definition) / 85)) * 15 + 2
    if comparison.has_targets_file:
        row += 2
        sheet.cell(row=row, column=1, value="Målvärden").font = Font(bold=True, size=12)
        row += 1
        text = (
            "Regionens målvärden kommer från malvarden.csv. Varje värde får en status bredvid "
            f"rangfärgen: '{TARGET_MET}' (når målet), '{TARGET_NEAR}' (inom 10 % av målvärdet) "
            f"eller '{TARGET_NOT_MET}'."
        )
        for line in [text, *comparison.target_problems]:
            cell = sheet.cell(row=row, column=1, value=line)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=5)
            sheet.row_dimensions[row].height = max(1, math.ceil(len(line) / 130)) * 15 + 2
            row += 1
    print_setup(sheet, title_rows=None, title_columns=None)


def _threshold() -> int:
    """The small-count threshold the key-figure files were made with (the setting)."""
    setting = config.suppression_threshold()
    return contract.key_figure_format().undertryck_grans if setting is None else setting


def write(path: Path, comparison: Comparison) -> Path:
    book = Workbook()
    book.remove(book.active)
    _about_sheet(book, comparison)
    _measures_sheet(book, comparison)
    for name, columns in themes():
        _counts_sheet(book, comparison, name, columns)
    for flik in dict.fromkeys(g.flik for g in share_groups()):
        _shares_sheet(book, comparison, flik)
        _breakdown_counts_sheet(book, comparison, flik)
    _trend_sheet(book, comparison)
    _files_sheet(book, comparison)
    return save_workbook(book, path)
