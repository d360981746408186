"""Warnings do not stop the report; the validation report accounts for every row."""

from __future__ import annotations

import datetime as dt

from openpyxl import load_workbook

from pipeline.cli import main as cli
from pipeline.validation.validate import validate
from tests.conftest import TODAY

D = dt.date


def _warnings(books) -> list[str]:
    result = validate(books.write(), today=TODAY)
    assert result.ok, [p.line() for p in result.errors]
    return [p.line() for p in result.problems if p.level == "varning"]


def test_no_warnings_for_the_base_year(books):
    assert _warnings(books) == []


def test_first_conversation_before_its_referral(books):
    books.rows["Samtal"][4][1] = D(2023, 5, 1)  # A5 came in 2023-05-05
    assert _warnings(books) == [
        "Varning: remisser.xlsx, flik Samtal, rad 6, kolumn Datum: Första samtalet är daterat "
        "före remissen (Inkom 2023-05-05). Kontrollera datumen."
    ]


def test_attendance_before_the_start(books):
    books.rows["Närvaro"][8][0] = D(2022, 1, 10)  # start is 2022-03-01
    assert _warnings(books) == [
        "Varning: aktiviteter.xlsx, flik Närvaro, rad 10, kolumn Datum: Tillfället är före "
        "Hälsocentrets startdatum (2022-03-01). Kontrollera datumet, eller Startdatum i "
        "verksamhet.xlsx."
    ]


def test_referral_without_any_conversation_after_90_days(books):
    books.rows["Remisser"].append(
        ["A8", D(2023, 6, 1), "FaR", "Vårdcentral", None, None, None, None, None]
    )
    # Came in 1 June; no conversation by the end of the year.
    assert _warnings(books) == [
        "Varning: remisser.xlsx, flik Remisser, rad 9, kolumn Klient-ID: Ärendet kom in "
        "2023-06-01 men har inget samtal efter 90 dagar. Lägg in samtalet i fliken Samtal, "
        "eller fyll i Avböjde eller Retur."
    ]


def test_long_session(books):
    books.rows["Närvaro"][5][4] = 4.5
    assert _warnings(books) == [
        "Varning: aktiviteter.xlsx, flik Närvaro, rad 7, kolumn Timmar: Ett tillfälle på 4,5 "
        "timmar är ovanligt långt. Stämmer det? Timmar gäller ett tillfälle, inte hela terminen."
    ]


def test_validation_report_reconciles_every_sheet(books, tmp_path, capsys):
    books.rows["Remisser"].insert(3, [None] * 9)  # an empty row
    books.rows["Remisser"][0][2] = "Farr"  # an error
    books.rows["Remisser"][1][1] = "igår"  # another row with an error
    books.rows["Remisser"][1][5] = "X"  # a second error on the same row
    books.rows["Närvaro"][2][4] = 40  # an error
    out = tmp_path / "out"
    assert cli.main(["check", "--raw", str(books.write()), "--out", str(out)]) == 1
    capsys.readouterr()
    book = load_workbook(out / "valideringsrapport.xlsx")
    summary = {
        (row[0], row[1]): row[2:]
        for row in book["Sammanfattning"].iter_rows(min_row=2, values_only=True)
        if row[1]
    }
    assert summary[("remisser.xlsx", "Remisser")] == (8, 5, 1, 2)
    assert summary[("aktiviteter.xlsx", "Närvaro")] == (9, 8, 0, 1)
    assert summary[("remisser.xlsx", "Samtal")] == (9, 9, 0, 0)
    for read, used, empty, errors in summary.values():
        assert read == used + empty + errors
    problems = list(book["Problem"].iter_rows(min_row=2, values_only=True))
    assert [(p[0], p[1], p[2], p[3], p[4]) for p in problems] == [
        ("Fel", "aktiviteter.xlsx", "Närvaro", 4, "Timmar"),  # no "long session" warning too
        ("Notis", "remisser.xlsx", "Remisser", None, None),
        ("Fel", "remisser.xlsx", "Remisser", 2, "Kanal"),
        ("Fel", "remisser.xlsx", "Remisser", 3, "Inkom"),
        ("Fel", "remisser.xlsx", "Remisser", 3, "Kön"),
    ]
