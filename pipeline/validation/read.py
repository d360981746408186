"""Reading the coach's workbooks with python-calamine, mapped onto the contract.

A sheet becomes a DataFrame of raw cell values (object dtype) whose index is
the Excel row number, with one column per contract column. Header problems
(missing or unknown columns) and skipped empty rows are reported, not hidden.
"""

from __future__ import annotations

import difflib
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pandas as pd
from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

from pipeline.contract.schema import Sheet, Workbook
from pipeline.publish.formatting import number
from pipeline.validation.inspect_xlsx import is_ole
from pipeline.validation.problems import (
    Level,
    Problem,
    file_problem,
    sheet_notice,
    show_value,
)
from pipeline.validation.text import normalize_header
from pipeline.validation.xlsx_zip import MAX_CELL_CHARS, excel_ref


@dataclass
class RawSheet:
    file: str
    sheet: str
    cells: pd.DataFrame
    rows_read: int = 0
    empty_rows: int = 0
    problems: list[Problem] = field(default_factory=list)


class WorkbookError(Exception):
    """A workbook that cannot be read at all; carries the problem to show."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


def open_workbook(data: bytes, fil: str) -> CalamineWorkbook:
    """The workbook `fil` from its bytes (python-calamine reads them from memory)."""
    if not data:
        raise WorkbookError(
            file_problem(
                fil,
                "Filen är tom (0 byte).",
                "Spara arbetsboken på nytt från Excel som .xlsx.",
            )
        )
    if is_ole(data):
        raise WorkbookError(
            file_problem(
                fil,
                "Filen är lösenordsskyddad, eller sparad i det gamla Excel-formatet (.xls) "
                "fast namnet slutar på .xlsx.",
                "Öppna den i Excel, ta bort lösenordet (Arkiv > Information > Skydda "
                "arbetsbok) och spara som Excel-arbetsbok (.xlsx).",
            )
        )
    handle = io.BytesIO(data)
    handle.name = fil  # the file's name, for whoever looks (a test does)
    try:
        if not _is_xlsx(handle):
            raise CalamineError("not an .xlsx workbook")
        return CalamineWorkbook.from_filelike(handle)
    except (CalamineError, OSError, ValueError) as error:
        raise WorkbookError(
            file_problem(
                fil,
                "Filen går inte att öppna som en Excel-arbetsbok (.xlsx). Den kan vara "
                "skadad eller lösenordsskyddad.",
                "Öppna den i Excel, ta bort ett eventuellt lösenord och spara som "
                "Excel-arbetsbok (.xlsx).",
            )
        ) from error


def _is_xlsx(handle: io.BytesIO) -> bool:
    """A zip with an .xlsx workbook part. From memory, python-calamine would also read an
    .ods or .xlsb named .xlsx; opened by its name (.xlsx) it read only .xlsx, and still
    does."""
    try:
        with zipfile.ZipFile(handle) as archive:
            return any(name.casefold() == "xl/workbook.xml" for name in archive.namelist())
    except (zipfile.BadZipFile, ValueError, EOFError):
        return True  # python-calamine says what is wrong with it
    finally:
        handle.seek(0)


def _find_sheet(book: CalamineWorkbook, wanted: str) -> str | None:
    by_folded = {name.strip().casefold(): name for name in book.sheet_names}
    return by_folded.get(wanted.casefold())


def read_sheet(
    book: CalamineWorkbook, workbook: Workbook, sheet: Sheet, formulas: Callable[[], dict]
) -> RawSheet:
    """One sheet as raw cells under contract keys; problems for missing sheet or columns.

    `formulas` gives the formula cells without a value per sheet; it is asked only
    after calamine has parsed the sheet, so that a background scan can overlap.
    """
    fil = workbook.fil
    keys = [c.nyckel for c in sheet.kolumner]
    empty = pd.DataFrame(columns=keys, dtype=object)
    actual = _find_sheet(book, sheet.namn)
    if actual is None and sheet.valfri:
        return RawSheet(fil, sheet.namn, empty)
    if actual is None:
        return RawSheet(
            fil,
            sheet.namn,
            empty,
            problems=[
                Problem(
                    fil,
                    sheet.namn,
                    None,
                    None,
                    None,
                    f"Fliken {sheet.namn} saknas. Arbetsboken har flikarna: "
                    f"{', '.join(book.sheet_names)}.",
                    f"Lägg till fliken {sheet.namn} eller byt namn på rätt flik.",
                )
            ],
        )

    problems: list[Problem] = []
    hidden = next((m for m in book.sheets_metadata if m.name == actual), None)
    if hidden is not None and hidden.visible != SheetVisibleEnum.Visible:
        problems.append(
            sheet_notice(fil, sheet.namn, f"Fliken {sheet.namn} är dold i Excel men läses ändå.")
        )
    try:
        calamine_sheet = book.get_sheet_by_name(actual)
    except CalamineError:  # a cell's XML holds no number where it says it does
        return RawSheet(fil, sheet.namn, empty, problems=[_broken_sheet(fil, sheet.namn)])
    merged = calamine_sheet.merged_cell_ranges or []
    rows, unreadable = _rows(calamine_sheet)
    del calamine_sheet  # calamine's own copy of the cells goes before the frame is built
    problems.extend(_unreadable_row(fil, sheet.namn, row) for row in unreadable)
    if not rows:
        rows = [[]]
    header, data = rows[0], rows[1:]
    width = len(header)  # calamine returns a rectangle: every row is as wide
    frame = (
        pd.DataFrame(data, columns=range(width), dtype=object)
        if data
        else pd.DataFrame(columns=range(width), dtype=object)
    )
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    frame = frame.drop(index=[row for row in unreadable if row > 1])  # not empty: unread
    frame = frame.mask(frame.eq(""), None)  # calamine gives "" for an empty cell

    by_header = {normalize_header(h): i for i, h in reversed(list(enumerate(header))) if h != ""}
    known = {normalize_header(c.namn) for c in sheet.kolumner}
    problems.extend(_twice(fil, sheet, header, known))
    unknown = [str(h) for h in header if h != "" and normalize_header(h) not in known]
    near_misses: set[str] = set()
    positions: dict[str, int] = {}
    for column in sheet.kolumner:
        position = by_header.get(normalize_header(column.namn))
        if position is not None:
            positions[column.nyckel] = position
        elif (
            column.obligatorisk
            or column.obligatorisk_om
            or column.obligatorisk_utom
            or (sheet.typ == "falt")
        ):
            problems.append(_missing_column(fil, sheet, column.namn, header))
        else:
            problem = _missing_optional(fil, sheet, column, unknown)
            if problem is not None:
                problems.append(problem)
                near_misses.add(problem.value or "")

    for h in header:
        if h != "" and normalize_header(h) not in known and str(h) not in near_misses:
            problems.append(
                Problem(
                    fil,
                    sheet.namn,
                    1,
                    str(h),
                    None,
                    f"Kolumnen {h} finns inte i mallen och hoppas över.",
                    "",
                    Level.NOTICE,
                )
            )

    problems.extend(_unreadable_cells(fil, sheet, merged, header, formulas().get(actual, [])))
    problems.extend(_too_long(fil, sheet, header, frame, sorted(positions.values())))
    empty_rows = frame.isna().all(axis=1)
    cells = pd.DataFrame(
        {key: frame[positions[key]] if key in positions else None for key in keys},
        index=frame.index,
        dtype=object,
    )[~empty_rows]
    if empty_rows.any():
        problems.append(
            sheet_notice(
                fil, sheet.namn, f"{int(empty_rows.sum())} helt tomma rader hoppades över."
            )
        )
    return RawSheet(fil, sheet.namn, cells, len(frame), int(empty_rows.sum()), problems)


def _rows(calamine_sheet) -> tuple[list[list], list[int]]:
    """The sheet's rows from A1, and the Excel rows python-calamine cannot give as values.

    A cell formatted as a date or a duration whose number no calendar holds (1e12 as
    [t]:mm) makes the whole conversion raise; row by row, only that row is lost. A lost
    row stands as empty cells here, and its Excel row number is returned for its error."""
    try:
        return calamine_sheet.to_python(skip_empty_area=False), []
    except (OverflowError, ValueError):
        pass
    rows: list[list] = []
    lost: list[int] = []
    iterator = iter(calamine_sheet.iter_rows())
    while True:
        try:
            rows.append(next(iterator))
        except StopIteration:
            break
        except (OverflowError, ValueError):
            lost.append(len(rows))
            rows.append([""] * calamine_sheet.width)
    # Row by row, calamine starts at the first used column (and may start at the first used
    # row): fill in from A1, as to_python(skip_empty_area=False) does.
    first_row, first_column = calamine_sheet.start
    above = first_row if len(rows) == calamine_sheet.height else 0
    width = first_column + calamine_sheet.width
    rows = [[""] * width for _ in range(above)] + [[""] * first_column + r for r in rows]
    return rows, [above + index + 1 for index in lost]


def _unreadable_row(fil: str, flik: str, row: int) -> Problem:
    return Problem(
        fil,
        flik,
        row,
        None,
        None,
        "En cell på raden har datum- eller tidsformat men ett tal som inget datum och ingen "
        "tid kan ha, så raden går inte att läsa.",
        "Leta på raden efter en cell som visar ##### i Excel; skriv rätt datum eller antal "
        "timmar, eller ge cellen formatet Allmänt.",
    )


def _broken_sheet(fil: str, flik: str) -> Problem:
    return Problem(
        fil,
        flik,
        None,
        None,
        None,
        f"Fliken {flik} går inte att läsa: en cell har ett tal som inte är ett tal. Filen är "
        "troligen skadad eller skriven av ett annat program än Excel.",
        "Öppna filen i Excel och spara den igen som Excel-arbetsbok (.xlsx).",
    )


def _close(name: str, candidates: list[str]) -> str | None:
    """The candidate that looks like a misspelling of name (case-insensitive)."""
    close = difflib.get_close_matches(
        name.casefold(), [c.casefold() for c in candidates], n=1, cutoff=0.6
    )
    return next(c for c in candidates if c.casefold() == close[0]) if close else None


def _missing_optional(fil: str, sheet: Sheet, column, unknown: list[str]) -> Problem | None:
    """An optional column that is not there: a warning when another header looks like it."""
    effect = column.om_kolumnen_saknas or "Kolumnen räknas som tom på varje rad."
    written = _close(column.namn, unknown)
    if written is not None:
        return Problem(
            fil,
            sheet.namn,
            1,
            written,
            written,
            f"Kolumnen {written} finns inte i mallen. Menade du '{column.namn}'? Som det är nu "
            f"läses kolumnen inte: {effect}",
            f"Byt namn på rubriken till '{column.namn}'.",
            Level.WARNING,
        )
    if column.om_kolumnen_saknas:
        return Problem(
            fil,
            sheet.namn,
            1,
            column.namn,
            None,
            f"Kolumnen {column.namn} saknas (den är frivillig). {effect}",
            f"Lägg till kolumnen {column.namn} om du vill ha med de uppgifterna.",
            Level.NOTICE,
        )
    return None


def _twice(fil: str, sheet: Sheet, header: list, known: set[str]):
    """A contract column whose header stands in two columns: which one is meant is unclear."""
    seen: dict[str, list[int]] = {}
    for index, h in enumerate(header):
        if h != "" and normalize_header(h) in known:
            seen.setdefault(normalize_header(h), []).append(index)
    for indexes in seen.values():
        if len(indexes) > 1:
            name = str(header[indexes[0]]).strip()
            letters = " och ".join(excel_ref(0, i).rstrip("1") for i in indexes)
            yield Problem(
                fil,
                sheet.namn,
                1,
                name,
                None,
                f"Rubriken {name} står i två kolumner ({letters}). Programmet vet inte vilken "
                "som gäller.",
                "Ta bort den ena kolumnen eller byt namn på den, så att varje rubrik finns en "
                "gång.",
                Level.ERROR,
            )


def _missing_column(fil: str, sheet: Sheet, name: str, header: list) -> Problem:
    present = [str(h) for h in header if h != ""]
    close = difflib.get_close_matches(
        name.casefold(), [p.casefold() for p in present], n=1, cutoff=0.6
    )
    hint = ""
    if close:
        original = next(p for p in present if p.casefold() == close[0])
        hint = f" Menade du '{original}'? Byt namn på den kolumnen till '{name}'."
    return Problem(
        fil,
        sheet.namn,
        1,
        name,
        None,
        f"Kolumnen {name} saknas i rubrikraden.{hint}",
        "Rubrikerna ska stå på rad 1, som i mallen.",
        Level.ERROR,
    )


def _unreadable_cells(fil, sheet: Sheet, merged: list, header, formula_refs: list[str]):
    """Merged cells in the data area and formulas without a saved value."""

    def column_name(index: int) -> str:
        return str(header[index]) if index < len(header) and header[index] != "" else ""

    for (top, left), (bottom, right) in merged:
        if bottom < 1:
            continue  # merged header cells are harmless
        area = f"{excel_ref(top, left)}:{excel_ref(bottom, right)}"
        yield Problem(
            fil,
            sheet.namn,
            max(top, 1) + 1,
            column_name(left) or None,
            None,
            f"Sammanfogade celler ({area}). Bara den första cellen har ett värde, de andra "
            "raderna blir tomma.",
            "Markera cellerna och välj Sammanfoga och centrera > Dela upp celler; fyll sedan i "
            "värdet på varje rad.",
        )
    for ref in formula_refs:
        column_letters = "".join(c for c in ref if c.isalpha())
        row = int(ref[len(column_letters) :])
        index = 0
        for char in column_letters:
            index = index * 26 + ord(char) - 64
        yield Problem(
            fil,
            sheet.namn,
            row,
            column_name(index - 1) or None,
            None,
            f"Cellen {ref} innehåller en formel utan sparat resultat.",
            "Öppna filen i Excel och spara den igen, så sparas resultatet. Eller skriv in "
            "värdet i stället för formeln.",
        )


# infer_dtype's kinds for a column that holds no text at all: nothing to measure.
_NO_TEXT = {
    "floating", "integer", "mixed-integer-float", "decimal", "boolean", "datetime64",
    "datetime", "date", "timedelta64", "timedelta", "time", "empty",
}  # fmt: skip


def _long_positions(values) -> list[int]:
    """Positions of the texts longer than a cell in Excel can hold (fast when there are none)."""
    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind in _NO_TEXT:
        return []
    if kind == "string" and max(map(len, values[pd.notna(values)]), default=0) <= MAX_CELL_CHARS:
        return []
    return [i for i, v in enumerate(values) if isinstance(v, str) and len(v) > MAX_CELL_CHARS]


def _too_long(fil, sheet: Sheet, header: list, frame, positions: list[int]) -> Iterator[Problem]:
    """Cells longer than Excel allows: an error, so that the text goes no further."""

    def problem(row: int, index: int, value: str) -> Problem:
        name = str(header[index]) if index < len(header) and header[index] != "" else ""
        return Problem(
            fil,
            sheet.namn,
            row,
            (name if row > 1 else None) or None,
            show_value(value),
            f"Cellen {excel_ref(row - 1, index)} innehåller {number(len(value))} tecken, fler "
            f"än de {number(MAX_CELL_CHARS)} som en cell i Excel rymmer.",
            "Korta texten, eller dela upp den på flera rader.",
        )

    header_values = pd.Series(header, dtype=object).to_numpy()
    for index in _long_positions(header_values):
        yield problem(1, index, header[index])
    for index in positions:
        values = frame[index].to_numpy(dtype=object)
        for at in _long_positions(values):
            yield problem(int(frame.index[at]), index, values[at])
