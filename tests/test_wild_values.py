"""Wild values in any cell: the run ends with a report or a validation report, never a crash.

A property test writes the fixture workbooks with odd values in a few cells of
any sheet (years, dates, numbers far out of range, NaN and infinity as Excel
files can hold them, text in number cells, booleans, times, very long text) and
runs the check job as the command line would. Fields come from the contract,
so a new column is covered without a change here. Each value that crashed a run
before has its exact message below; the largest values allowed make a report.

The comparison reads key-figure files from many hands: a file with a year or a
figure the program cannot have written is "fel i filen", never a crash, and a
property test throws odd text at every field of such a file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

from pipeline.comparison import reading as compare
from pipeline.comparison.reading import NoFigures
from pipeline.contract import schema as contract
from pipeline.figures import aggregate
from pipeline.report.core import VALIDATION_REPORT, Status
from pipeline.report.job import build_report, check
from pipeline.validation.coerce import DATE_MIN, LARGEST_NUMBER
from pipeline.validation.validate import validate
from tests.conftest import BASE_ROWS, FILES, TODAY, Workbooks
from tests.keyfigures import figures, load, text

D = dt.date


# --- every cell the contract knows --------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One cell of the fixture workbooks: a sheet, a row (index in its rows, -1 for the
    header row) and a column; `key` is the contract's key of what the cell holds."""

    fil: str
    flik: str  # the sheet's name
    nyckel: str  # the sheet's key
    row: int
    column: int
    key: str  # the column's key, or the field's key for the Värde of a Fält/Värde sheet

    @property
    def excel_row(self) -> int:
        return self.row + 2

    @property
    def ref(self) -> str:
        return f"{get_column_letter(self.column + 1)}{self.excel_row}"


def _default(column: contract.Column) -> object:
    """A plain value for a row the fixture lacks (Tidigare år has no rows of its own)."""
    if column.typ == "datum":
        return D(2023, 1, 1)
    if column.typ in ("heltal", "decimaltal"):
        return 2021 if column.nyckel == "ar" else 1
    if column.typ == "val":
        return column.varden[0]
    return "x"


def _rows(sheet: contract.Sheet) -> list[list]:
    if BASE_ROWS.get(sheet.namn):
        return BASE_ROWS[sheet.namn]
    return [[_default(c) for c in sheet.kolumner]]


def _cells() -> list[Cell]:
    """Every header cell and every cell of every row, for every sheet of the contract."""
    cells = []
    for workbook in contract.workbooks():
        for sheet in workbook.flikar:
            rows = _rows(sheet)
            where = (workbook.fil, sheet.namn, sheet.nyckel)
            for column, spec in enumerate(sheet.kolumner):
                cells.append(Cell(*where, -1, column, spec.nyckel))
            if sheet.typ == "falt":  # a field's name in Fält, its value in Värde
                for field in sheet.falt:
                    row = next(i for i, r in enumerate(rows) if r[0] == field.namn)
                    cells.append(Cell(*where, row, 0, "falt"))
                    cells.append(Cell(*where, row, 1, field.nyckel))
                continue
            for row in range(len(rows)):
                for column, spec in enumerate(sheet.kolumner):
                    cells.append(Cell(*where, row, column, spec.nyckel))
    return cells


CELLS = _cells()
ROWS = range(2, 2 + max(c.excel_row for c in CELLS))


# --- odd values ----------------------------------------------------------------------


@dataclass(frozen=True)
class RawNumber:
    """A cell whose XML holds `text` as its number, in a number, date or duration format.

    openpyxl writes NaN and infinity as empty cells; other programs write them, and a
    date or duration format on a huge number makes a date no calendar has."""

    text: str
    style: str = "number"  # "number", "date" or "duration"


PLACEHOLDER = {"number": 1.0, "date": dt.datetime(2023, 1, 1), "duration": dt.timedelta(hours=1)}

EDGES = [
    99999,
    -1,
    0,
    1e300,
    -1e300,
    5e-324,
    2**63,
    10**20,
    1e15,
    0.5,
    True,
    False,
    "",
    " ",
    "99999",
    "-1",
    "1e308",
    "NaN",
    "inf",
    "12,5",
    "0001-01-01",
    "9999-12-31",
    "2023-02-30",
    "１２",
    "=1+1",
    "x" * 32767,
    D(1, 1, 1),
    D(1899, 12, 31),
    D(1989, 12, 31),
    D(9999, 12, 31),
    dt.datetime(2262, 4, 12),
    dt.time(1, 30),
    dt.timedelta(days=3),
    RawNumber("inf"),
    RawNumber("-inf"),
    RawNumber("NaN"),
    RawNumber("1e400"),
    RawNumber("-0"),
    RawNumber("2958466", "date"),
    RawNumber("2958465", "date"),
    RawNumber("-1", "date"),
    RawNumber("NaN", "date"),
    RawNumber("1e300", "date"),
    RawNumber("1e12", "duration"),
    RawNumber("-1e10", "duration"),
    RawNumber("inf", "duration"),
]

WILD = st.one_of(
    st.sampled_from(EDGES),
    st.integers(min_value=-(10**25), max_value=10**25),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=D(1, 1, 1), max_value=D(9999, 12, 31)),
    st.integers(min_value=1800, max_value=2300),
    st.text(st.characters(exclude_categories=("Cc", "Cs"), include_characters="\t\n"), max_size=20),
    st.sampled_from([RawNumber(t, s) for t in ("inf", "NaN", "1e308") for s in PLACEHOLDER]),
)


def _write(folder: Path, changes: dict[Cell, object]) -> Path:
    books = Workbooks(folder)
    raw: dict[Cell, RawNumber] = {}
    for cell, value in changes.items():
        if isinstance(value, RawNumber):
            raw[cell] = value
            value = PLACEHOLDER[value.style]
        if cell.row < 0:
            books.headers[cell.flik][cell.column] = value
            continue
        sheet = contract.sheet(cell.nyckel)
        rows = books.rows.setdefault(cell.flik, [list(r) for r in _rows(sheet)])
        width = len(contract.headers(sheet))
        rows[cell.row] = list(rows[cell.row]) + [None] * (width - len(rows[cell.row]))
        rows[cell.row][cell.column] = value
    books.write()
    for fil in {c.fil for c in raw}:
        _poke(folder / fil, {c: v for c, v in raw.items() if c.fil == fil})
    return folder


def _poke(path: Path, raw: dict[Cell, RawNumber]) -> None:
    """Put each cell's raw number text into the sheet XML (the sheets are sheet1, sheet2, …)."""
    order = FILES[path.name]
    parts = {}
    with zipfile.ZipFile(path) as source:
        for info in source.infolist():
            parts[info] = source.read(info.filename)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in parts.items():
            for cell, value in raw.items():
                if info.filename == f"xl/worksheets/sheet{order.index(cell.flik) + 1}.xml":
                    pattern = rb'(<c r="%s"[^>]*><v>)[^<]*(</v>)' % cell.ref.encode()
                    data, count = re.subn(
                        pattern, rb"\g<1>" + value.text.encode() + rb"\g<2>", data
                    )
                    assert count == 1, (cell, value)
            target.writestr(info, data)


# --- what a run may end with ---------------------------------------------------------


def _in_range(value: object, column: contract.Column, ar: int | None) -> bool:
    """Whether a value that passed the checks lies where the contract allows."""
    if value is None or pd.isna(value):
        return True
    if column.typ == "datum":
        return DATE_MIN <= value <= pd.Timestamp(TODAY)
    if column.typ not in ("heltal", "decimaltal"):
        return True
    low = column.min
    high = ar if column.max == "rapportår" else column.max
    return (
        (low is None or value >= low)
        and (high is None or value <= high)
        and (column.over is None or value > column.over)
    )


def _assert_ends_well(folder: Path, out: Path, changes: dict[Cell, object]) -> None:
    result = check(folder, out, today=TODAY)
    assert result.status in (Status.DONE, Status.INPUT_ERRORS)
    assert (out / VALIDATION_REPORT).is_file()
    validation = result.validation
    for problem in validation.errors:
        assert problem.file and problem.message
        if problem.row is not None:  # a cell, or a row python-calamine cannot give
            assert problem.sheet, problem
            assert problem.column or "raden går inte att läsa" in problem.message, problem
    flagged = {(p.file, p.sheet, p.row) for p in validation.errors}
    # A sheet with a header problem is not checked further: its cells wait for the header.
    flagged |= {(p.file, p.sheet, row) for p in validation.errors if p.row == 1 for row in ROWS}
    ar = validation.fields.get("ar")
    for cell in changes:
        if cell.row < 0 or cell.key == "falt" or (cell.fil, cell.flik, cell.excel_row) in flagged:
            continue
        sheet = contract.sheet(cell.nyckel)
        column = sheet.column(cell.key)
        if sheet.typ == "falt":
            value = validation.fields.get(cell.key)
        else:
            value = validation.sheet(cell.nyckel).data.at[cell.excel_row, cell.key]
        assert _in_range(value, column, ar), (cell, value)
    if result.status == Status.DONE:
        figures = aggregate.compute(validation.dataset)
        aggregate.previous_year(validation.dataset)
        aggregate.to_csv(figures)


CHANGES = st.dictionaries(st.sampled_from(CELLS), WILD, min_size=1, max_size=6)


def _cell(flik: str, row: int, key: str) -> Cell:
    return next(c for c in CELLS if c.flik == flik and c.row == row and c.key == key)


@settings(
    max_examples=10,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(changes=CHANGES)
@example(changes={_cell("Uppgifter", 1, "ar"): 99999})
def test_wild_values_end_in_a_report_or_a_validation_report(changes):
    with tempfile.TemporaryDirectory() as scratch:
        folder = _write(Path(scratch) / "raw", changes)
        _assert_ends_well(folder, Path(scratch) / "out", changes)


# --- each value that crashed a run, named exactly ------------------------------------


def _lines(changes: dict[Cell, object], tmp_path: Path) -> list[str]:
    result = validate(_write(tmp_path / "raw", changes), today=TODAY)
    assert result.dataset is None
    return [p.line() for p in result.problems]


def test_values_out_of_every_range_are_named_with_what_is_allowed(tmp_path):
    """Each of these stopped the run with exit 2 or passed unchecked before."""
    lines = _lines(
        {
            _cell("Remisser", 1, "inkom"): "0001-01-01",
            _cell("Remisser", 2, "inkom"): D(9999, 12, 31),
            _cell("Remisser", 0, "fodelsear"): 2**63,
            _cell("Närvaro", 7, "antal"): 1e300,
            _cell("Närvaro", 0, "timmar"): RawNumber("inf"),
            _cell("Närvaro", 3, "timmar"): RawNumber("1e12", "duration"),
            _cell("Uppgifter", 3, "invanare"): 10**15,
            _cell("Uppgifter", 2, "startdatum"): D(2025, 6, 1),
        },
        tmp_path,
    )
    assert {line for line in lines if line.startswith("Fel")} == {
        "Fel: remisser.xlsx, flik Remisser, rad 3, kolumn Inkom: Datumet 0001-01-01 är före "
        "1990. Kontrollera årtalet.",
        "Fel: remisser.xlsx, flik Remisser, rad 4, kolumn Inkom: Datumet 9999-12-31 ligger i "
        "framtiden. Kontrollera datumet; fyll bara i det som har hänt.",
        "Fel: remisser.xlsx, flik Remisser, rad 2, kolumn Födelseår: 9.223372036854776e+18 är "
        "för stort. Största tillåtna värde är rapportåret.",
        "Fel: aktiviteter.xlsx, flik Närvaro, rad 9, kolumn Antal: 1e+300 är för stort. Största "
        "tillåtna värde är 10 000 000.",
        "Fel: aktiviteter.xlsx, flik Närvaro, rad 2, kolumn Timmar: 'inf' är inte ett tal. Skriv "
        "Timmar som ett tal (decimalkomma går bra), större än 0 och högst 12, t.ex. 1,5.",
        "Fel: aktiviteter.xlsx, flik Närvaro, rad 5: En cell på raden har datum- eller "
        "tidsformat men ett tal som inget datum och ingen tid kan ha, så raden går inte att "
        "läsa. Leta på raden efter en cell som visar ##### i Excel; skriv rätt datum eller "
        "antal timmar, eller ge cellen formatet Allmänt.",
        "Fel: verksamhet.xlsx, flik Uppgifter, rad 5, kolumn Värde (Invånare): 1000000000000000 "
        "är för stort. Största tillåtna värde är 10 000 000.",
        "Fel: verksamhet.xlsx, flik Uppgifter, rad 4, kolumn Värde (Startdatum): Startdatum "
        "2025-06-01 ligger efter rapportåret (År 2023). Startdatum är dagen då Hälsocentret tog "
        "emot sin första klient, senast under rapportåret. Rätta Startdatum eller År i fliken "
        "Uppgifter.",
    }


@pytest.mark.parametrize(
    ("value", "line"),
    [
        (99999, "99999 är för stort. Största tillåtna värde är 2100."),
        (-1, "-1 är för litet. Minsta tillåtna värde är 2000."),
        (1e300, "1e+300 är för stort. Största tillåtna värde är 2100."),
    ],
    ids=["99999", "-1", "1e300"],
)
def test_a_report_year_out_of_range_is_an_error_not_a_crash(tmp_path, value, line):
    """Before, the warnings built a date from År 99999: ValueError, exit 2, no report."""
    result = check(_write(tmp_path / "raw", {_cell("Uppgifter", 1, "ar"): value}), tmp_path / "ut")
    assert result.status == Status.INPUT_ERRORS
    assert [p.line() for p in result.validation.errors] == [
        f"Fel: verksamhet.xlsx, flik Uppgifter, rad 3, kolumn Värde (År): {line}"
    ]
    assert result.validation.fields["ar"] is None  # no later stage sees it
    assert (tmp_path / "ut" / VALIDATION_REPORT).is_file()


def test_fields_under_a_broken_header_are_never_used(books, tmp_path):
    """A header twice skips the checks of the fields: År 99999 then reached the warnings."""
    books.headers["Uppgifter"] = ["Fält", "Värde", "Värde"]
    books.rows["Uppgifter"][1] = ["År", 99999, None]
    result = validate(books.write(), today=TODAY)
    assert [p.line() for p in result.errors] == [
        "Fel: verksamhet.xlsx, flik Uppgifter, rad 1, kolumn Värde: Rubriken Värde står i två "
        "kolumner (B och C). Programmet vet inte vilken som gäller. Ta bort den ena kolumnen "
        "eller byt namn på den, så att varje rubrik finns en gång."
    ]
    assert set(result.fields.values()) == {None}


def test_a_number_cell_without_a_number_in_the_file_names_the_sheet(tmp_path):
    """python-calamine raised on `<v>abc</v>` in a number cell: a damaged file, exit 2."""
    folder = _write(tmp_path / "raw", {_cell("Plan", 0, "uppfoljning"): RawNumber("abc")})
    lines = [p.line() for p in validate(folder, today=TODAY).errors]
    assert lines == [
        "Fel: verksamhet.xlsx, flik Plan: Fliken Plan går inte att läsa: en cell har ett tal som "
        "inte är ett tal. Filen är troligen skadad eller skriven av ett annat program än Excel. "
        "Öppna filen i Excel och spara den igen som Excel-arbetsbok (.xlsx)."
    ]


def test_the_largest_and_smallest_values_allowed_make_a_report(books, tmp_path):
    """Every limit at once, on its allowed side: the run ends with a report, exit 0."""
    books.rows["Uppgifter"][2][1] = D(1990, 1, 1)  # Startdatum: the earliest date
    books.rows["Uppgifter"][3][1] = LARGEST_NUMBER  # Invånare
    books.rows["Uppgifter"][4][1] = LARGEST_NUMBER  # Styrgruppsmöten
    books.rows["Remisser"][0][6] = 1900  # Födelseår
    books.rows["Närvaro"][7][3:5] = [LARGEST_NUMBER, 12]  # Antal, Timmar
    books.rows["Närvaro"][0][4] = 5e-324  # the smallest number above 0
    books.rows["Tidigare år"] = [[y, LARGEST_NUMBER, LARGEST_NUMBER, 0] for y in range(1990, 2022)]
    result = build_report(books.write(), tmp_path / "ut", today=TODAY)
    assert result.status == Status.DONE
    rows = {
        (r["nyckeltal"], r["dimension"]): r["varde"]
        for r in csv.DictReader(io.StringIO(result.paths["key_figures"].read_text()))
    }
    assert rows[("invanare", "")] == "10000000"
    assert rows[("arenden_sedan_start", "")] == "320000007"  # 32 earlier years + 7 rows
    assert rows[("deltagartimmar", "")] == "120000009"  # 10 000 000 × 12 + 9 of the rest


# --- the comparison: a key-figure file with an impossible value is "fel i filen" ------

KEY_FIGURE_COLUMNS = contract.key_figure_format().kolumner
FIRST_YEAR, LAST_YEAR = compare.years()
KODS = {k.kod for k in contract.kommuner()}
CSV_EDGES = [
    "1e308",
    "-1e308",
    "1e309",
    "1e-320",
    "nan",
    "inf",
    "-inf",
    "0",
    "-0",
    "-1",
    "0.001",
    "12,5",
    "1 234",
    "99999",
    "0000",
    str(FIRST_YEAR - 1),
    str(LAST_YEAR + 1),
    f"{FIRST_YEAR}.5",
    "1000000000000001",
    "-100001",
    "665",
    "0999",
    "",
    " ",
    "١٢",
    "=1+1",
]
CSV_WILD = st.one_of(
    st.sampled_from(CSV_EDGES),
    st.integers().map(str),
    st.floats().map(str),
    st.text(max_size=12),
)


def _csv(rows: list[list[str]], separator: str) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=separator, lineterminator="\n").writerows(
        [list(KEY_FIGURE_COLUMNS), *rows]
    )
    return buffer.getvalue().encode("utf-8")


HABO_ROWS = list(csv.reader(io.StringIO(text("Habo", 2023, figures("Habo", 2023)))))[1:]


@settings(max_examples=200, deadline=None, database=None)
@given(
    changes=st.dictionaries(
        st.tuples(st.integers(0, len(HABO_ROWS) - 1), st.integers(0, len(KEY_FIGURE_COLUMNS) - 1)),
        CSV_WILD,
        min_size=1,
        max_size=4,
    ),
    separator=st.sampled_from([",", ";"]),
)
def test_a_key_figure_file_is_read_within_its_ranges_or_refused(changes, separator):
    rows = [list(row) for row in HABO_ROWS]
    for (row, column), value in changes.items():
        rows[row][column] = value
    try:
        parsed = compare.parse(_csv(rows, separator), Path("Habo-2023-nyckeltal.csv"))
    except compare.FileProblem as problem:
        assert str(problem).strip()
        for kod, year in problem.claims:  # the rows read so far, or the file's name
            assert kod in KODS and FIRST_YEAR <= year <= LAST_YEAR
        return
    for (kod, year), values in parsed.values.items():
        assert kod in KODS
        assert FIRST_YEAR <= year <= LAST_YEAR
        for (nyckeltal, _, _), value in values.items():
            if value.number is not None:
                assert math.isfinite(value.number)
                assert round(value.number, 2) == value.number
                if nyckeltal in compare.DIFFERENCES:
                    assert abs(value.number) <= compare.LARGEST_DAYS
                else:
                    assert 0 <= value.number <= compare.LARGEST_FIGURE


RESEND = "Be kommunen skicka filen igen, som programmet skrev den."


def _habo(**changed: str) -> bytes:
    """Habo's 2023 file with fields of the arenden_inkomna total changed (`median_…`: of
    the median waiting time)."""
    rows = [list(row) for row in HABO_ROWS]
    first = next(r for r in rows if r[4] == "arenden_inkomna" and not r[5])
    median = next(r for r in rows if r[4] == "vantetid_dagar_median")
    for name, value in changed.items():
        row = median if name.startswith("median_") else first
        row[KEY_FIGURE_COLUMNS.index(name.removeprefix("median_"))] = value
    return _csv(rows, ",")


@pytest.mark.parametrize(
    ("changed", "message"),
    [
        (
            {"ar": "1e308"},
            "Rad {row}: året '1e308' är inget möjligt rapportår; nyckeltalsfilerna har år från "
            "2000 till 2100.",
        ),
        (
            {"ar": "0"},
            "Rad {row}: året '0' är inget möjligt rapportår; nyckeltalsfilerna har år "
            "från 2000 till 2100.",
        ),
        (
            {"ar": "2023.5"},
            "Rad {row}: året '2023.5' är inget möjligt rapportår; nyckeltalsfilerna har år från "
            "2000 till 2100.",
        ),
        (
            {"varde": "-5"},
            "Rad {row}: värdet '-5' för arenden_inkomna är mindre än 0; så skriver programmet "
            "aldrig ett nyckeltal.",
        ),
        (
            {"varde": "1e16"},
            "Rad {row}: värdet '1e16' för arenden_inkomna är större än 1 000 000 000 000 000; så "
            "skriver programmet aldrig ett nyckeltal.",
        ),
        (
            {"varde": "1e-320"},
            "Rad {row}: värdet '1e-320' för arenden_inkomna har fler än två decimaler; så skriver "
            "programmet aldrig ett nyckeltal.",
        ),
        (
            {"median_varde": "-100001"},
            "Rad {median}: värdet '-100001' för vantetid_dagar_median är fler dagar än 100 000, åt "
            "något håll; så skriver programmet aldrig ett nyckeltal.",
        ),
    ],
    ids=["ar 1e308", "ar 0", "ar 2023.5", "varde -5", "varde 1e16", "varde 1e-320", "median"],
)
def test_an_impossible_year_or_figure_is_a_file_error(changed, message):
    data = _habo(**changed)
    lines = data.decode().split("\n")
    row = next(i for i, line in enumerate(lines, 1) if ",arenden_inkomna,," in line)
    median = next(i for i, line in enumerate(lines, 1) if ",vantetid_dagar_median," in line)
    with pytest.raises(compare.FileProblem) as refused:
        compare.parse(data, Path("Habo-2023-nyckeltal.csv"))
    assert str(refused.value) == message.format(row=row, median=median) + " " + RESEND
    assert refused.value.claims == [("0643", 2023)]


def test_a_file_with_an_impossible_year_is_told_and_never_names_an_output(tmp_path):
    """`ar` = 1e308 became the year of the comparison: its file name was too long, exit 2."""
    folder = tmp_path / "region"
    folder.mkdir()
    (folder / "Habo-2023-nyckeltal.csv").write_bytes(
        _csv([[*row[:3], "1e308", *row[4:]] for row in HABO_ROWS], ",")
    )
    (folder / "Aneby-2023-nyckeltal.csv").write_text(text("Aneby", 2023, figures("Aneby", 2023)))
    comparison = load(folder)
    assert comparison.years == [2023]
    habo = next(f for f in comparison.fates if f.name.startswith("Habo"))
    assert habo.line() == (
        "Habo-2023-nyckeltal.csv: fel i filen, används inte. Rad 2: året '1e308' är inget "
        "möjligt rapportår; nyckeltalsfilerna har år från 2000 till 2100. " + RESEND
    )
    assert comparison.state("0643") == NoFigures.BAD_FILE
    assert comparison.problems()


def test_a_median_below_zero_stays_inside_its_chart():
    """Waiting days below 0 (talks dated before the referral) overflowed the chart's raster."""
    from pipeline.comparison.charts import bars_across

    bars = bars_across("Väntetid", {"Habo": -30000.0}, mean=-30000.0, unit="dagar")
    assert bars.png.startswith(b"\x89PNG")
    assert "Habo: \u221230\u00a0000,0" in bars.alt_text
