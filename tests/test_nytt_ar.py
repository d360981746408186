"""A new year: next year's verksamhet.xlsx from this year's plan and texts."""

from __future__ import annotations

import shutil

from openpyxl import load_workbook

from pipeline import config
from pipeline.cli import main as cli
from pipeline.validation.validate import validate
from tests.conftest import TODAY


def test_next_year_from_this_years_plan(tmp_path, capsys):
    out = tmp_path / "out"
    assert cli.main(["nytt-ar", "--raw", str(config.EXAMPLE), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "År 2024, 14 planerade aktiviteter" in printed
    book = load_workbook(out / "Vaggeryd-2024-verksamhet.xlsx")
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


def test_next_year_never_overwrites_without_asking(tmp_path, capsys):
    out = tmp_path / "out"
    assert cli.main(["nytt-ar", "--raw", str(config.EXAMPLE), "--out", str(out)]) == 0
    target = out / "Vaggeryd-2024-verksamhet.xlsx"
    target.write_bytes(b"edited by the coach")
    assert cli.main(["nytt-ar", "--raw", str(config.EXAMPLE), "--out", str(out)]) == 1
    assert "finns redan och skrevs inte över" in capsys.readouterr().out
    assert target.read_bytes() == b"edited by the coach"
    assert (
        cli.main(["nytt-ar", "--raw", str(config.EXAMPLE), "--out", str(out), "--skriv-over"]) == 0
    )
    assert target.read_bytes() != b"edited by the coach"


def test_tidigare_ar_is_carried_over(tmp_path, books, capsys):
    books.rows["Tidigare år"] = [[2021, 12, 10, None]]
    books.rows["Uppgifter"][2][1] = "2021-05-01"  # Startdatum: before the rows begin (2022)
    raw = books.write()
    out = tmp_path / "out"
    assert cli.main(["nytt-ar", "--raw", str(raw), "--out", str(out)]) == 0, capsys.readouterr()
    book = load_workbook(out / "Vaggeryd-2024-verksamhet.xlsx")
    assert list(book["Tidigare år"].iter_rows(min_row=2, values_only=True)) == [
        (2021, 12, 10, None)
    ]
