"""A new year: next year's verksamhet.xlsx from this year's plan and texts."""

from __future__ import annotations

import shutil

from openpyxl import load_workbook

from pipeline import config
from pipeline.cli import main as cli
from pipeline.coach.next_year import NextYearStatus, prepare_next_year
from pipeline.report.job import check
from pipeline.validation.validate import validate
from tests.conftest import TODAY


def _next_year(raw, out, **options):
    return prepare_next_year(check(raw, out).validation, out, **options)


def test_next_year_from_this_years_plan(tmp_path):
    out = tmp_path / "out"
    result = _next_year(config.EXAMPLE, out)
    assert result.status == NextYearStatus.WRITTEN
    assert (result.year, result.planned, result.drafts) == (2024, 14, 6)
    assert result.target == out / "Vaggeryd-2024-verksamhet.xlsx"
    book = load_workbook(result.target)
    fields = {r[0]: r[1] for r in book["Uppgifter"].iter_rows(min_row=2, values_only=True)}
    assert fields["År"] == 2024 and fields["Kommun"] == "Vaggeryd"
    assert fields["Startdatum"].date().isoformat() == "2021-10-25"
    assert fields["Styrgruppsmöten"] is None
    plan = list(book["Plan"].iter_rows(min_row=2, values_only=True))
    assert plan[0] == ("Fysisk aktivitet", "FaR träningsgrupp (Fortsätter 2024)", None, None)
    texts = list(book["Texter"].iter_rows(min_row=2, values_only=True))
    assert texts[0][0] == "Arbetssätt"
    assert texts[0][1].startswith("[Utkast från 2023] Samtalen bygger på")

    # The prepared file passes validation for 2024, with a warning per draft text.
    raw = tmp_path / "raw"
    shutil.copytree(config.EXAMPLE, raw)
    shutil.copy(out / "Vaggeryd-2024-verksamhet.xlsx", raw / "verksamhet.xlsx")
    result = validate(raw, today=TODAY)
    assert result.ok
    drafts = [p for p in result.problems if p.sheet == "Texter" and p.level == "varning"]
    assert len(drafts) == 6
    assert drafts[0].line() == (
        "Varning: verksamhet.xlsx, flik Texter, rad 2, kolumn Text: Texten är ett utkast från "
        "förra året. Skriv om texten för i år och ta bort [Utkast ...]."
    )


def test_next_year_never_overwrites_without_asking(tmp_path):
    out = tmp_path / "out"
    target = _next_year(config.EXAMPLE, out).target
    target.write_bytes(b"edited by the coach")
    asked = []
    result = _next_year(config.EXAMPLE, out, confirm=lambda path: asked.append(path) or False)
    assert (result.status, asked) == (NextYearStatus.EXISTS, [target])
    assert target.read_bytes() == b"edited by the coach"
    assert _next_year(config.EXAMPLE, out, confirm=lambda path: True).target == target
    assert target.read_bytes() != b"edited by the coach"
    target.write_bytes(b"edited again")
    assert _next_year(config.EXAMPLE, out, overwrite=True).status == NextYearStatus.WRITTEN
    assert target.read_bytes() != b"edited again"


def test_nytt_ar_says_what_it_did_and_what_it_would_not_do(tmp_path, capsys):
    """The command line: what was written and what to do with it; a file prepared before
    is not replaced without --skriv-over (no terminal to ask on here)."""
    out = tmp_path / "out"
    assert cli.main(["nytt-ar", "--raw", str(config.EXAMPLE), "--out", str(out)]) == 0
    target = out / "Vaggeryd-2024-verksamhet.xlsx"
    printed = capsys.readouterr().out.splitlines()
    assert printed[-2:] == [
        f"Skrev {target}: År 2024, 14 planerade aktiviteter från årets framtidsplan och 6 "
        "texter som utkast.",
        "När det nya året börjar: spara undan årets verksamhet.xlsx, byt namn på den nya filen "
        f"till verksamhet.xlsx och lägg den i {config.EXAMPLE}.",
    ]
    assert cli.main(["nytt-ar", "--raw", str(config.EXAMPLE), "--out", str(out)]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"{target} finns redan och skrevs inte över. Kör med --skriv-over "
        "(make nytt-ar SKRIV_OVER=1) för att ersätta den."
    )


def test_no_next_year_from_a_verksamhet_with_errors(books, tmp_path):
    books.rows["Uppgifter"][1][1] = "tjugotjugotre"
    result = _next_year(books.write(), tmp_path / "out")
    assert result.status == NextYearStatus.INPUT_ERRORS
    assert not (tmp_path / "out" / "Vaggeryd-2024-verksamhet.xlsx").exists()


def test_tidigare_ar_is_carried_over(tmp_path, books):
    books.rows["Tidigare år"] = [[2021, 12, 10, None]]
    books.rows["Uppgifter"][2][1] = "2021-05-01"  # Startdatum: before the rows begin (2022)
    raw = books.write()
    out = tmp_path / "out"
    assert _next_year(raw, out).status == NextYearStatus.WRITTEN
    book = load_workbook(out / "Vaggeryd-2024-verksamhet.xlsx")
    assert list(book["Tidigare år"].iter_rows(min_row=2, values_only=True)) == [
        (2021, 12, 10, None)
    ]
