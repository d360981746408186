"""The comparison workbook: a view of the measures table, for screen and print.

Every value comes from the table (pipeline.comparison.table); this module only lays
it out. Rates and shares stand with their numerator and denominator; a value on a
small base (a denominator under 20) is marked `*`. Colours rank municipalities only
where they are comparable (measures and shares, never raw counts) and follow each
measure's better direction: blue for the best quarter, orange for the worst, and
one purple hue (lighter to darker) where neither direction is better; both are told
apart by colour-blind readers and explained on the first sheet. Headers stand in
levels (a measure over its columns) with rows as high as their text, every cell
has a font, and every sheet has frozen panes and a print setup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from pipeline import config
from pipeline.comparison.measures import SPREAD_LABELS, Band
from pipeline.comparison.reading import Comparison
from pipeline.comparison.table import PEOPLE, Cell, Kind, MeasuresTable, Series
from pipeline.comparison.value import Value
from pipeline.contract import schema as contract
from pipeline.contract.comparison import (
    SMALL_BASE,
    Better,
    TargetStatus,
    measures,
    share_groups,
    themes,
)
from pipeline.publish.formatting import MISSING, SECONDARY
from pipeline.publish.row_height import POINTS_PER_LINE
from pipeline.publish.row_height import wrapped_height as _lines_height
from pipeline.publish.xlsx import HEADER_FILL, book_bytes, print_setup

FONT_NAME = "Calibri"  # every cell's font, named (LibreOffice falls back to a serif otherwise)
PLAIN = Font(name=FONT_NAME, size=11)
BOLD = Font(name=FONT_NAME, size=11, bold=True)
HEADER = Font(name=FONT_NAME, size=11, bold=True)
TITLE = Font(name=FONT_NAME, size=14, bold=True)
SUBTITLE = Font(name=FONT_NAME, size=12, bold=True)
QUIET = Font(name=FONT_NAME, size=11, bold=True, italic=True, color="595959")
GREY = PatternFill("solid", fgColor="E7E6E6")
TOP_LINE = Border(top=Side(style="thin", color="808080"))
RIGHT = Alignment(horizontal="right", vertical="top")
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")


def _fill(color: str) -> PatternFill:
    return PatternFill("solid", fgColor=color)


# Rank colours (ColorBrewer RdBu and Purples, light tints: black text stays readable).
# Blue and orange are told apart by colour-blind readers; where neither direction is
# better, one hue from light (lowest quarter) to dark (highest).
BAND_FILLS = {
    True: {Band.TOP: _fill("92C5DE"), Band.BOTTOM: _fill("F4A582")},
    False: {Band.TOP: _fill("BCBDDC"), Band.MIDDLE: _fill("DADAEB"), Band.BOTTOM: _fill("F2F0F7")},
}
STATUS_FILL = {
    TargetStatus.MET: _fill("BDD7EE"),
    TargetStatus.NEAR: _fill("FFE699"),
    TargetStatus.NOT_MET: _fill("F4B183"),
}
FIXED = (("Kommunkod", 11), ("Kommun", 15), ("Invånare", 10))
LABEL_WIDTH = FIXED[0][1] + FIXED[1][1]  # a summary row's label spans code and name
SMALL_MARK = " *"


def band_fill(series: Series, band: Band | None) -> PatternFill | None:
    if band is None:
        return None
    return BAND_FILLS[series.better != Better.NEITHER].get(band)


# --- cells ------------------------------------------------------------------------------


def put(cell, value: Value, decimals: int | None = 1, small: bool = False) -> None:
    """A value as the analyst reads it: a number (rounded as published), '..', '≥ 312' or
    '–' (never 0 for unknown). `decimals` None: a count, as the file has it."""
    if value.suppressed or value.number is None or value.at_least:
        cell.value, cell.alignment = value.text(decimals or 0), RIGHT
        return
    if decimals is None:
        cell.value = value.number
        whole = float(value.number).is_integer()
        cell.number_format = "#,##0" if whole else "#,##0.0#"
        return
    cell.value = value.rounded(decimals)
    number_format = "#,##0" if decimals == 0 else "#,##0." + "0" * decimals
    cell.number_format = number_format + (f'"{SMALL_MARK}"' if small else "")


def _write(sheet, row: int, column: int, value, font: Font = PLAIN, alignment=None):
    cell = sheet.cell(row=row, column=column, value=value)
    cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    return cell


# --- headers in levels ---------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column: its headings from the top level down (a measure, then its parts)."""

    path: tuple[str, ...]
    width: float


def fit_width(text: str, narrowest: float, widest: float = 24, lines: int = 3) -> float:
    """The narrowest column width (from `narrowest` up) at which a header wraps into at
    most `lines` lines (to `widest`)."""
    width = narrowest
    while width < widest and _lines_height([text], [width]) > lines * POINTS_PER_LINE + 4:
        width += 1
    return width


def _fixed_columns() -> list[Column]:
    return [Column((name,), width) for name, width in FIXED]


def header(sheet, columns: Sequence[Column], first_row: int = 1) -> int:
    """Headers in levels: equal headings side by side are one merged cell, a column whose
    path ends early reaches down to the last level. Rows are as high as their wrapped text.
    Returns the first row after the header."""
    depth = max(len(c.path) for c in columns)
    heights = [POINTS_PER_LINE + 4.0] * depth
    tall: list[tuple[int, int, float]] = []  # (first level, last level, height needed)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    for level in range(depth):
        index = 0
        while index < len(columns):
            column = columns[index]
            if len(column.path) <= level:
                index += 1
                continue
            end = index
            while (
                end + 1 < len(columns)
                and len(columns[end + 1].path) > level + 1
                and len(column.path) > level + 1
                and columns[end + 1].path[: level + 1] == column.path[: level + 1]
            ):
                end += 1
            last_level = level if len(column.path) > level + 1 else depth - 1
            row = first_row + level
            _write(sheet, row, index + 1, column.path[level], HEADER, HEADER_ALIGN)
            for spanned in range(index + 1, end + 2):
                for down in range(row, first_row + last_level + 1):
                    sheet.cell(row=down, column=spanned).fill = HEADER_FILL
                    sheet.cell(row=down, column=spanned).font = HEADER
            if end > index or last_level > level:
                sheet.merge_cells(
                    start_row=row,
                    start_column=index + 1,
                    end_row=first_row + last_level,
                    end_column=end + 1,
                )
            width = sum(c.width for c in columns[index : end + 1])
            tall.append((level, last_level, _lines_height([column.path[level]], [width])))
            index = end + 1
    for level, last_level, needed in sorted(tall, key=lambda t: t[1] - t[0]):
        have = sum(heights[level : last_level + 1])
        if needed > have:
            heights[last_level] += needed - have
    for level, height in enumerate(heights):
        sheet.row_dimensions[first_row + level].height = height
    return first_row + depth


PAGE_WIDTH = 128  # column-width units across a landscape A4 page at 100 %


def _blocks(columns: Sequence[Column]) -> list[tuple[int, float]]:
    """(first column, width) of each block after the fixed columns: a measure's or a
    breakdown's columns together, any other column alone."""
    blocks: list[tuple[int, float]] = []
    for index, column in enumerate(columns[len(FIXED) :], start=len(FIXED) + 1):
        previous = columns[index - 2]
        if blocks and len(column.path) > 1 and previous.path[:1] == column.path[:1]:
            blocks[-1] = (blocks[-1][0], blocks[-1][1] + column.width)
        else:
            blocks.append((index, column.width))
    return blocks


def _finish(sheet, columns: Sequence[Column], header_rows: int) -> None:
    """Frozen panes, and a print that stays readable however wide the sheet: pages side by
    side at one scale, each beginning at a measure's or breakdown's first column (never in
    the middle of one), with the header rows and the code and name columns on every page."""
    sheet.freeze_panes = f"D{header_rows + 1}"
    print_setup(sheet, title_rows=f"1:{header_rows}", title_columns="A:B")
    blocks = _blocks(columns)
    repeated = FIXED[0][1] + FIXED[1][1]
    first = repeated + FIXED[2][1]
    widest = max([first + blocks[0][1]] + [repeated + w for _, w in blocks])
    scale = min(100, int(PAGE_WIDTH * 100 / widest))
    room = PAGE_WIDTH * 100 / scale
    used = first
    for start, width in blocks:
        if used + width > room:
            sheet.col_breaks.append(Break(id=start - 1))
            used = repeated
        used += width
    sheet.sheet_properties.pageSetUpPr.fitToPage = False
    sheet.page_setup.scale = scale


# --- rows -------------------------------------------------------------------------------


def _municipality_rows(
    sheet,
    table: MeasuresTable,
    first_row: int,
    columns: Sequence[Column],
    fill: Callable[[int, str], None],
) -> int:
    """The 13 rows: code, name, inhabitants, then fill(row, kod); a row without figures is
    grey and says why at the start of every block (so every printed page says it).
    Returns the row after them."""
    row = first_row
    state_of = {c.kommunkod: c.state for c in table.column(PEOPLE)}
    for kommun in contract.kommuner():
        _write(sheet, row, 1, kommun.kod)
        _write(sheet, row, 2, kommun.namn)
        state = state_of[kommun.kod]
        if state is not None:
            for column in range(1, len(columns) + 1):
                sheet.cell(row=row, column=column).fill = GREY
            for start, _ in _blocks(columns):
                _write(sheet, row, start, str(state), PLAIN)
        else:
            put(sheet.cell(row=row, column=3), table.cell(kommun.kod, PEOPLE).value, 0)
            fill(row, kommun.kod)
        row += 1
    return row


def _summary_row(sheet, row: int, label: str, width: int, people: float | None = None) -> None:
    """A bold row under the municipalities; its label spans the code and name columns, and
    its values stand level with the label's first line."""
    for column in range(1, width + 1):
        cell = sheet.cell(row=row, column=column)
        cell.font, cell.border, cell.alignment = BOLD, TOP_LINE, TOP
    _write(sheet, row, 1, label, BOLD, WRAP)
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
    if people is not None:
        put(sheet.cell(row=row, column=3), Value(people), 0)
    sheet.row_dimensions[row].height = _lines_height([label], [LABEL_WIDTH])


def _bold(sheet, row: int, column: int) -> None:
    sheet.cell(row=row, column=column).font = BOLD


def _notes(sheet, row: int) -> None:
    """The marks explained under a table, within the code and name columns, so that every
    printed page (they repeat) carries them."""
    for text in NOTES:
        _write(sheet, row, 1, text, PLAIN, WRAP)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        sheet.row_dimensions[row].height = _lines_height([text], [LABEL_WIDTH])
        row += 1


NOTES = (
    f"* Liten bas: nämnaren är under {SMALL_BASE}.",
    "Färger och tecken: se fliken Om jämförelsen.",
)


# --- the sheets -----------------------------------------------------------------------------


def _value_heading(series: Series) -> str:
    m = series.measure
    unit = "Procent" if m.procent else ("Dagar" if not m.summable else "Per 1 000 inv.")
    if series.better == Better.NEITHER:
        return unit
    return f"{unit}, {series.better} är bättre"


def _measures_sheet(book: Workbook, table: MeasuresTable) -> None:
    """One block per measure: its value, numerator and denominator (and target status);
    under the municipalities the county, the unweighted mean, minimum, median, maximum."""
    sheet = book.create_sheet("Mått")
    columns = _fixed_columns()
    parts: list[tuple[Series, str]] = []
    for series in table.of_kind(Kind.MEASURE):
        m = series.measure
        columns.append(Column((m.rubrik, _value_heading(series)), 15))
        parts.append((series, "value"))
        if m.summable:
            columns.append(Column((m.rubrik, m.taljare_rubrik), 14))
            parts.append((series, "numerator"))
        columns.append(Column((m.rubrik, m.namnare_rubrik), 14))
        parts.append((series, "denominator"))
        if series.target:
            target = series.target
            heading = f"Mot målvärde ({target.bound_word} {Value(target.malvarde).text(1)})"
            columns.append(Column((m.rubrik, heading), 14))
            parts.append((series, "status"))
    _parts_sheet(sheet, table, columns, parts)


def _parts_sheet(sheet, table: MeasuresTable, columns: list[Column], parts) -> None:
    """A sheet of measures' parts (`parts`: (series, 'value' | 'numerator' | 'denominator' |
    'status') per column after the fixed ones): the header, the municipalities, the county
    and the spread, the notes, the print setup."""
    first = header(sheet, columns)
    offset = len(FIXED) + 1

    def fill(row, kod):
        for index, (series, part) in enumerate(parts):
            cell = sheet.cell(row=row, column=offset + index)
            _measure_part(cell, table.cell(kod, series.id), series, part)

    last = _municipality_rows(sheet, table, first, columns, fill)
    _spread_rows(sheet, table, last, len(columns), parts, offset)
    _notes(sheet, last + len(SPREAD_LABELS) + 2)
    _finish(sheet, columns, first - 1)


def _measure_part(cell, found: Cell, series: Series, part: str) -> None:
    if part == "value":
        put(cell, found.value, series.decimals, found.small_base)
        fill = band_fill(series, found.band)
        if fill is not None:
            cell.fill = fill
    elif part == "numerator":
        put(cell, found.numerator, None)
    elif part == "denominator":
        put(cell, found.denominator, None)
    else:
        _write(cell.parent, cell.row, cell.column, str(found.status or MISSING), PLAIN)
        if found.status:
            cell.fill = STATUS_FILL[found.status]


def _spread_rows(sheet, table: MeasuresTable, row: int, width: int, parts, offset: int) -> None:
    """The county (with its numerator and denominator), then the spread of the values."""
    _summary_row(sheet, row, table.coverage[table.year], width, table.people[table.year])
    for label_row, label in enumerate(SPREAD_LABELS, start=row + 1):
        _summary_row(sheet, label_row, label, width)
    for index, (series, part) in enumerate(parts):
        column = offset + index
        summary = table.summary(series.id)
        if part == "value":
            put(sheet.cell(row=row, column=column), summary.county, series.decimals)
            spread = (summary.mean, summary.minimum, summary.median, summary.maximum)
            for down, value in enumerate(spread, start=row + 1):
                put(sheet.cell(row=down, column=column), value, series.decimals)
                _bold(sheet, down, column)
        elif part in ("numerator", "denominator"):
            value = summary.numerator if part == "numerator" else summary.denominator
            put(sheet.cell(row=row, column=column), value, None)
        _bold(sheet, row, column)


def _counts_sheet(book: Workbook, table: MeasuresTable, name: str, columns_spec) -> None:
    sheet = book.create_sheet(name)
    columns = _fixed_columns() + [
        Column((c.grupp, c.rubrik) if c.grupp else (c.rubrik,), fit_width(c.rubrik, 13, lines=2))
        for c in columns_spec
    ]
    first = header(sheet, columns)

    def fill(row, kod):
        for index, column in enumerate(columns_spec):
            put(sheet.cell(row=row, column=4 + index), table.cell(kod, column.id).value, None)

    last = _municipality_rows(sheet, table, first, columns, fill)
    _summary_row(sheet, last, table.coverage[table.year], len(columns), table.people[table.year])
    for index, column in enumerate(columns_spec):
        cell = sheet.cell(row=last, column=4 + index)
        if column.summeras:
            put(cell, table.summary(column.id).county, None)
            cell.font = BOLD
        else:
            _write(sheet, last, 4 + index, "summeras inte", QUIET, RIGHT)
    _finish(sheet, columns, first - 1)


def _shares_sheet(book: Workbook, table: MeasuresTable, flik: str) -> None:
    """Each breakdown on the sheet: its total (the shares' denominator) first, then each
    category's count and share (%), colour-ranked; under them the county and the spread."""
    sheet = book.create_sheet(flik)
    columns = _fixed_columns()
    parts: list[tuple[Series, str]] = []
    for group in (g for g in share_groups() if g.flik == flik):
        shares = [table.get(m.id) for m in group.measures()]
        total = "Totalt" if group.total is not None else "Totalt (FaR och Remiss)"
        columns.append(Column((group.rubrik, total), 11))
        parts.append((shares[0], "denominator"))
        for kategori, series in zip(group.categories(), shares, strict=True):
            columns.append(Column((group.rubrik, kategori, "Antal"), 9))
            parts.append((series, "numerator"))
            columns.append(Column((group.rubrik, kategori, "%"), 9))
            parts.append((series, "value"))
    _parts_sheet(sheet, table, columns, parts)


def _trend_sheet(book: Workbook, table: MeasuresTable) -> None:
    """One block per measure: years as columns, the change from the year before, the county."""
    sheet = book.create_sheet("Trend")
    years = table.years
    row = 1
    widths = [FIXED[0][1], FIXED[1][1]] + [10] * len(years) + [18]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for number, series in enumerate(table.of_kind(Kind.MEASURE)):
        m = series.measure
        change_name = f"Förändring {years[-2]}–{years[-1]}" if len(years) > 1 else "Förändring"
        if m.change_unit:
            change_name += f" ({m.change_unit})"
        _write(sheet, row, 1, m.rubrik, SUBTITLE)
        sheet.row_dimensions[row].height = 20
        row += 1
        names = ["Kommunkod", "Kommun", *[str(y) for y in years], change_name]
        row = header(sheet, [Column((n,), w) for n, w in zip(names, widths, strict=True)], row)
        for kommun in contract.kommuner():
            _write(sheet, row, 1, kommun.kod)
            _write(sheet, row, 2, kommun.namn)
            for offset, year in enumerate(years):
                cell = table.cell(kommun.kod, series.id, year)
                target = sheet.cell(row=row, column=3 + offset)
                if cell.state is not None:
                    _write(sheet, row, 3 + offset, str(cell.state), PLAIN, RIGHT).fill = GREY
                    continue
                put(target, cell.value, series.decimals, cell.small_base)
                fill = band_fill(series, cell.band)
                if fill is not None:
                    target.fill = fill
            last_year = table.cell(kommun.kod, series.id, years[-1])
            put(sheet.cell(row=row, column=3 + len(years)), last_year.change)
            row += 1
        label = "Kommunerna med fil tillsammans"
        _summary_row(sheet, row, label, len(names))
        if m.summable:
            for offset, year in enumerate(years):
                put(sheet.cell(row=row, column=3 + offset), table.summary(series.id, year).county)
                _bold(sheet, row, 3 + offset)
            put(
                sheet.cell(row=row, column=3 + len(years)),
                table.summary(series.id, years[-1]).change,
            )
            _bold(sheet, row, 3 + len(years))
        row += 2
        if number % 2 == 1:
            sheet.row_breaks.append(Break(id=row - 1))
    sheet.freeze_panes = "C1"
    print_setup(sheet, title_rows=None, title_columns="A:B")
    sheet.sheet_properties.pageSetUpPr.fitToPage = False  # two blocks a page, not fit to width
    sheet.page_setup.scale = 75


def _files_sheet(book: Workbook, comparison: Comparison) -> None:
    sheet = book.create_sheet("Filer")
    widths = [34, 14, 90, 66]
    first = header(
        sheet,
        [
            Column((n,), w)
            for n, w in zip(
                ["Fil", "Status", "Vad som hände med filen", "SHA-256"], widths, strict=True
            )
        ],
    )
    for row, entry in enumerate(comparison.fates, start=first):
        line = entry.line()
        _write(sheet, row, 1, entry.name, PLAIN, WRAP)
        _write(sheet, row, 2, str(entry.status), PLAIN, WRAP)
        _write(sheet, row, 3, line, PLAIN, WRAP)
        _write(sheet, row, 4, entry.sha256, PLAIN, WRAP)
        sheet.row_dimensions[row].height = _lines_height(
            [entry.name, line, entry.sha256], [widths[0], widths[2], widths[3]]
        )
    sheet.freeze_panes = f"B{first}"
    print_setup(sheet, title_columns="A:A")


# --- the first sheet ----------------------------------------------------------------------


def _threshold() -> int:
    """The small-count threshold the key-figure files were made with (the setting)."""
    setting = config.suppression_threshold()
    return contract.key_figure_format().undertryck_grans if setting is None else setting


ABOUT_WIDTHS = (26, 34, 70, 12, 12)


def _about_sheet(book: Workbook, comparison: Comparison, table: MeasuresTable) -> None:
    sheet = book.create_sheet("Om jämförelsen")
    for index, width in enumerate(ABOUT_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    total = len(contract.kommuner())
    missing = comparison.missing()
    year = comparison.year
    row = 1

    def line(text: str, font: Font = PLAIN, space: float = 2) -> None:
        nonlocal row
        _write(sheet, row, 1, text, font, WRAP)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=5)
        height = _lines_height([text], [sum(ABOUT_WIDTHS) * 0.95])
        sheet.row_dimensions[row].height = height + (space if font is PLAIN else 6)
        row += 1

    line(f"Jämförelse av Hälsocenter i Jönköpings län {year}", TITLE)
    without = (
        "Utan nyckeltal: "
        + ", ".join(f"{k.namn} ({comparison.state(k.kod)})" for k in missing)
        + "."
        if missing
        else ""
    )
    line(f"Kommuner med nyckeltal för {year}: {total - len(missing)} av {total}. {without}".strip())
    line(
        f"Filer som lästes: {len(comparison.fates)} (se fliken Filer). År i fliken Trend: "
        + ", ".join(str(y) for y in table.years)
        + "."
    )
    line(
        "Flikarna: Mått (måtten med täljare och nämnare"
        + (", målvärden), " if comparison.has_targets_file else "), ")
        + ", ".join(name for name, _ in themes())
        + " (antal), "
        + ", ".join(dict.fromkeys(g.flik for g in share_groups()))
        + " (uppdelningar: antal och andelar), Trend (alla år) och Filer (varje fil som lästes)."
    )
    line("Tecken och rader", SUBTITLE)
    line(
        f"'{SECONDARY}' betyder att värdet är dolt för att skydda enskilda (små tal, "
        f"1–{_threshold() - 1} personer, och tal som döljs för att de små inte ska kunna "
        "räknas fram). Det är aldrig 0. En andel som bygger på ett dolt tal är också dold, "
        "och medel, lägsta, median och högsta döljs när en kommuns värde är dolt."
    )
    line(
        "'≥ 312' betyder att summan innehåller dolda tal: den är minst så stor. Ett dolt tal "
        "kan vara 0 (det kan vara dolt bara för att skydda ett annat), så gränsen är summan "
        "av de synliga talen. En andel för länet med ett dolt tal är på samma sätt det minsta "
        "den kan vara ('≥ 48,2'), räknat med uppdelningens total."
    )
    line(
        f"'{MISSING}' betyder att värdet saknas: kommunens fil har inte nyckeltalet (en fil "
        "från en äldre version av programmet) eller så går det inte att räkna (ingen "
        "nämnare). Det är aldrig 0."
    )
    line(
        f"'*' efter ett värde betyder liten bas: nämnaren (för medianen antalet ärenden den "
        f"bygger på) är under {SMALL_BASE}, så några få personer ändrar värdet mycket."
    )
    line(
        "Grå rad: 'ingen fil' = kommunen har inte skickat någon fil för året; 'fel i filen' = "
        "filen kunde inte läsas (se fliken Filer); 'motstridiga filer' = två filer med olika "
        "värden för samma kommun och år, och ingen av dem används."
    )
    line(
        "Summaraden säger vilka kommuner den täcker ('Summa, 7 av 13 kommuner, 61 % av "
        "länets invånare'); länets invånare tas för kommuner utan fil för året från närmaste "
        "år med fil. För måtten är summaraden kvoten av summorna, med täljarnas och nämnarnas "
        "summor bredvid. Styrgruppsmöten och medianer summeras inte. Ovägt medel är "
        "medelvärdet av kommunernas värden, där varje kommun väger lika; lägsta, median och "
        "högsta är kommunernas."
    )
    line("Färgerna", SUBTITLE)
    line(
        "Färgerna visar var kommunens värde står bland kommunernas, som i Koladas jämförelser: "
        "den bästa fjärdedelen, mitten och den sämsta fjärdedelen, efter vad som är bättre "
        "för måttet. De finns bara för mått och andelar, som går att jämföra mellan kommuner "
        "av olika storlek, aldrig för antal, och bara när minst fyra kommuner har ett värde."
    )
    legend = [
        (BAND_FILLS[True][Band.TOP], "Bland de 25 % bästa (högre eller lägre är bättre)."),
        (None, "Mitten: ingen färg."),
        (BAND_FILLS[True][Band.BOTTOM], "Bland de 25 % sämsta."),
        (BAND_FILLS[False][Band.TOP], "Inget håll är bättre: bland de 25 % högsta."),
        (BAND_FILLS[False][Band.MIDDLE], "Inget håll är bättre: mitten."),
        (BAND_FILLS[False][Band.BOTTOM], "Inget håll är bättre: bland de 25 % lägsta."),
    ]
    for fill, text in legend:
        sample = _write(sheet, row, 1, "6,5", PLAIN, RIGHT)
        if fill is not None:
            sample.fill = fill
        _write(sheet, row, 2, text, PLAIN)
        sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=5)
        sheet.row_dimensions[row].height = POINTS_PER_LINE + 2
        row += 1
    row += 1
    line("Måtten", SUBTITLE)
    names = ["Mått-id", "Mått", "Definition", "Bättre"]
    if comparison.has_targets_file:  # without malvarden.csv nothing about targets
        names.append("Målvärde")
    row = header(sheet, [Column((n,), w) for n, w in zip(names, ABOUT_WIDTHS, strict=False)], row)
    for m in measures():
        target = comparison.targets.get(m.id)
        parts = f" Täljare: {m.taljare_rubrik}." if m.taljare_rubrik else ""
        parts += f" {'Nämnare' if m.summable else 'Bas'}: {m.namnare_rubrik}."
        values = [m.id, m.rubrik, m.definition + parts, str(m.battre)]
        if comparison.has_targets_file:
            values.append(target.malvarde if target else None)
        for column, value in enumerate(values, start=1):
            _write(sheet, row, column, value, PLAIN, WRAP)
        sheet.row_dimensions[row].height = _lines_height(values, ABOUT_WIDTHS[: len(values)])
        row += 1
    if comparison.has_targets_file:
        row += 1
        line("Målvärden", SUBTITLE)
        line(
            "Regionens målvärden kommer från malvarden.csv. Varje värde får en status bredvid "
            f"rangfärgen: '{TargetStatus.MET}' (når målet), '{TargetStatus.NEAR}' (inom 10 % av "
            f"målvärdet) eller '{TargetStatus.NOT_MET}'. Målvärdets 'battre' ska stämma med "
            "måttets."
        )
        for problem in comparison.target_problems:
            line(problem)
    print_setup(sheet, title_rows=None, title_columns=None)


def to_bytes(comparison: Comparison, table: MeasuresTable) -> bytes:
    book = Workbook()
    book.remove(book.active)
    _about_sheet(book, comparison, table)
    _measures_sheet(book, table)
    for name, columns in themes():
        _counts_sheet(book, table, name, columns)
    for flik in dict.fromkeys(g.flik for g in share_groups()):
        _shares_sheet(book, table, flik)
    _trend_sheet(book, table)
    _files_sheet(book, comparison)
    return book_bytes(book)


def sheet_names() -> list[str]:
    """The workbook's sheets, in order (the README lists them)."""
    return [
        "Om jämförelsen",
        "Mått",
        *(name for name, _ in themes()),
        *dict.fromkeys(g.flik for g in share_groups()),
        "Trend",
        "Filer",
    ]
