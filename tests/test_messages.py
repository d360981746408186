"""Every error says what is allowed, and shows what was found, invisible characters too."""

from __future__ import annotations

import contextlib

import pandas as pd
import pytest

from pipeline.contract import schema as contract
from pipeline.validation.coerce import coerce_column
from pipeline.validation.column_checks import CheckContext, column_checks
from pipeline.validation.input_files import Folder, find_problems_with_files
from pipeline.validation.inspect_xlsx import OLE_MAGIC
from pipeline.validation.problems import Level, Problem, show_value, visible
from pipeline.validation.read import WorkbookError, open_workbook
from pipeline.validation.validate import validate
from tests.conftest import TODAY
from tests.test_validate import BAD_INPUT

COLUMNS = [
    column
    for workbook in contract.workbooks()
    for sheet in workbook.flikar
    for column in (*sheet.kolumner, *sheet.falt)
]
BAD_CELLS = ["1:30", "1968-05-12", "sextiotal", True, 2.5, 45000, "2023-02-30", "1 1/2"]


@pytest.mark.parametrize(
    "column", [c for c in COLUMNS if c.typ in ("datum", "heltal", "decimaltal")], ids=str
)
def test_every_value_that_cannot_be_read_gets_a_fix(column):
    cells = pd.Series(BAD_CELLS, index=range(2, 2 + len(BAD_CELLS)), dtype=object)
    coerced = coerce_column(cells, column)
    assert coerced.bad, column.namn
    for row, message in coerced.bad.items():
        assert message.strip()
        assert coerced.fixes[row].strip(), (column.namn, message)


def test_the_fix_says_what_is_allowed():
    timmar = next(c for c in COLUMNS if c.nyckel == "timmar")
    fodelsear = next(c for c in COLUMNS if c.nyckel == "fodelsear")
    cells = pd.Series(["1:30", "1968-05-12"], index=[2, 3], dtype=object)
    assert coerce_column(cells, timmar).bad == {
        2: "'1:30' är inte ett tal.",
        3: "'1968-05-12' är inte ett tal.",
    }
    assert coerce_column(cells, timmar).fixes[2] == (
        "Skriv Timmar som ett tal med decimalkomma, inte som klockslag: 1:30 blir 1,5."
    )
    assert coerce_column(cells, fodelsear).fixes[3] == (
        "Skriv bara årtalet med fyra siffror, t.ex. 1968, inte ett helt datum."
    )


@pytest.mark.parametrize("column", COLUMNS, ids=str)
def test_every_check_message_has_a_fix(column):
    context = CheckContext(year=2023)
    for _check, message in column_checks(column, context).values():
        problem, fix = message("X")
        assert problem.strip() and fix.strip(), column.namn


def test_every_problem_in_a_very_bad_input_has_a_fix(books):
    for change, _expected in BAD_INPUT.values():
        with contextlib.suppress(IndexError, KeyError):  # an earlier change removed the row
            change(books)
    result = validate(books.write(), today=TODAY)
    assert len(result.errors) > 20
    empty = [
        p.line() for p in result.problems if p.level in (Level.ERROR, Level.WARNING) and not p.fix
    ]
    assert empty == []


def test_every_file_problem_has_a_fix(tmp_path):
    (tmp_path / "remisser.xls").write_bytes(b"old")
    (tmp_path / "aktiviteter .xlsx").write_bytes(b"")
    problems = find_problems_with_files(Folder(tmp_path), str(tmp_path))
    assert len(problems) == 3
    assert all(p.fix for p in problems)
    for content in (b"", b"PK\x03\x04 inte en arbetsbok", OLE_MAGIC + b"\0" * 504):
        with pytest.raises(WorkbookError) as error:
            open_workbook(content, "verksamhet.xlsx")
        assert error.value.problem.fix


def test_invisible_characters_are_named():
    assert show_value("HB0010\u200b") == "HB0010⟨nollbreddsmellanslag⟩"
    assert show_value("D\u00a0017") == "D⟨hårt mellanslag⟩017"
    assert show_value("a\u2062b") == "a⟨osynligt tecken U+2062⟩b"
    assert show_value("Vaggeryd") == "Vaggeryd"
    assert visible("1\u00a0000 deltagare", spaces=False) == "1\u00a0000 deltagare"
    problem = Problem("f", "s", 2, "k", "HB0010\u200b", "'HB0010\u200b' finns inte i fliken X.")
    assert problem.message == "'HB0010⟨nollbreddsmellanslag⟩' finns inte i fliken X."


def test_a_zero_width_space_in_a_reference_is_shown(books):
    books.rows["Närvaro"][4][1] = "Gympa\u200b"
    result = validate(books.write(), today=TODAY)
    assert (
        "Fel: aktiviteter.xlsx, flik Närvaro, rad 6, kolumn Aktivitet: "
        "'Gympa⟨nollbreddsmellanslag⟩' finns inte i fliken Aktiviteter. Lägg till raden i "
        "fliken Aktiviteter eller rätta stavningen."
    ) in [p.line() for p in result.errors]
