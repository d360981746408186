"""Blank workbooks from the contract: drop-downs, instructions, and they pass when filled in."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from openpyxl import load_workbook

from pipeline import config
from pipeline.cli import main as cli
from pipeline.coach.blank_workbooks import TemplateExists, write_blank_workbooks
from pipeline.contract import schema as contract
from pipeline.report.job import build_report
from pipeline.validation.validate import validate
from tests.conftest import BASE_ROWS, TODAY


def _drop_down(book, sheet_name: str, column_letter: str) -> list[str]:
    """The values offered by the drop-down on the column, read from the list it points to."""
    sheet = book[sheet_name]
    for rule in sheet.data_validations.dataValidation:
        if rule.type == "list" and any(str(r).startswith(column_letter) for r in rule.sqref.ranges):
            list_sheet, cells = rule.formula1.split("!")
            lists = book[list_sheet.strip("'")]
            first, last = cells.replace("$", "").split(":")
            return [c.value for row in lists[first:last] for c in row]
    raise AssertionError(f"no drop-down on {sheet_name}!{column_letter}")


def test_blank_workbooks_have_the_contract_drop_downs(tmp_path):
    write_blank_workbooks(tmp_path)
    remisser = load_workbook(tmp_path / "remisser.xlsx")
    assert remisser.sheetnames == ["Instruktioner", "Remisser", "Samtal", "Listor"]
    assert remisser["Listor"].sheet_state == "hidden"
    assert [c.value for c in remisser["Remisser"][1]] == contract.headers(
        contract.sheet("remisser")
    )
    assert remisser["Remisser"].freeze_panes == "A2"
    assert remisser["Remisser"]["A1"].font.bold
    assert _drop_down(remisser, "Remisser", "C") == ["FaR", "Remiss", "Egen kontakt"]
    assert _drop_down(remisser, "Remisser", "F") == ["Kvinna", "Man", "Annat/uppger ej"]
    assert _drop_down(remisser, "Samtal", "C") == [
        "Första samtal",
        "Uppföljande samtal",
        "Spontant besök",
    ]
    assert remisser["Remisser"].column_dimensions["B"].number_format == "yyyy-mm-dd"

    aktiviteter = load_workbook(tmp_path / "aktiviteter.xlsx")
    assert _drop_down(aktiviteter, "Aktiviteter", "B") == [
        "Fysisk aktivitet",
        "Matvanor",
        "Stress och återhämtning",
        "Gemenskap, psykiskt välbefinnande och existentiell hälsa",
        "Föreläsningar",
        "Övrigt",
    ]

    verksamhet = load_workbook(tmp_path / "verksamhet.xlsx")
    assert [verksamhet["Uppgifter"].cell(r, 1).value for r in range(2, 7)] == [
        "Kommun",
        "År",
        "Startdatum",
        "Invånare",
        "Styrgruppsmöten",
    ]
    assert _drop_down(verksamhet, "Uppgifter", "B") == [k.namn for k in contract.kommuner()]
    assert len(_drop_down(verksamhet, "Uppgifter", "B")) == 13


def test_instructions_explain_every_column(tmp_path):
    write_blank_workbooks(tmp_path)
    text = [
        row[0]
        for row in load_workbook(tmp_path / "aktiviteter.xlsx")["Instruktioner"].iter_rows(
            values_only=True
        )
        if row and row[0]
    ]
    for sheet in contract.workbook("aktiviteter").flikar:
        for column in sheet.kolumner:
            assert column.namn in text
    assert any("personnummer" in line for line in text)


def test_filled_in_blank_workbooks_pass_and_make_a_report(tmp_path):
    raw = tmp_path / "raw"
    write_blank_workbooks(raw)
    for fil, sheets in {w.fil: w.flikar for w in contract.workbooks()}.items():
        book = load_workbook(raw / fil)
        for sheet in sheets:
            if sheet.typ == "falt":
                values = dict(BASE_ROWS[sheet.namn])
                for row in range(2, 2 + len(sheet.falt)):
                    name = book[sheet.namn].cell(row, 1).value
                    book[sheet.namn].cell(row, 2, values[name])
            else:
                for row in BASE_ROWS.get(sheet.namn, []):
                    book[sheet.namn].append(row)
        book.save(raw / fil)
    assert validate(raw, today=TODAY).ok
    out = tmp_path / "out"
    assert (
        build_report(raw, out).paths["report"] == out / "Vaggeryd-2023-verksamhetsberattelse.docx"
    )
    assert (out / "Vaggeryd-2023-verksamhetsberattelse.docx").is_file()


def test_blank_workbooks_never_overwrite_without_asking(tmp_path, capsys):
    shutil.copy(config.EXAMPLE / "remisser.xlsx", tmp_path / "remisser.xlsx")
    before = (tmp_path / "remisser.xlsx").read_bytes()
    with pytest.raises(TemplateExists):
        write_blank_workbooks(tmp_path)
    assert cli.main(["mallar", "--ut", str(tmp_path)]) == 1
    assert "Filerna finns redan" in capsys.readouterr().out
    assert (tmp_path / "remisser.xlsx").read_bytes() == before
    assert not (tmp_path / "aktiviteter.xlsx").exists()
    assert cli.main(["mallar", "--ut", str(tmp_path), "--skriv-over"]) == 0
    assert (tmp_path / "remisser.xlsx").read_bytes() != before


def test_dates_typed_as_dates_in_the_template_are_read(tmp_path):
    write_blank_workbooks(tmp_path)
    book = load_workbook(tmp_path / "verksamhet.xlsx")
    assert book["Uppgifter"]["B4"].number_format == "yyyy-mm-dd"
    book["Uppgifter"]["B4"] = dt.date(2021, 10, 25)
    book.save(tmp_path / "verksamhet.xlsx")
    result = validate(tmp_path, today=TODAY)
    assert result.fields["startdatum"].date() == dt.date(2021, 10, 25)


def test_invented_example_workbooks_for_any_municipality(tmp_path):
    """`halsocenter exempel`: any spelling of a municipality of the contract, never over
    workbooks that are there unless asked."""
    from pipeline.coach.synthetic import ExampleStatus, write_example

    made = write_example("habo", 2023, seed=1, folder=tmp_path)
    assert (made.status, made.kommun) == (ExampleStatus.WRITTEN, "Habo")
    assert sorted(p.name for p in made.paths) == sorted(contract.files())
    before = {p.name: p.read_bytes() for p in made.paths}
    again = write_example("Habo", 2023, seed=2, folder=tmp_path)
    assert again.status == ExampleStatus.EXISTS and sorted(again.paths) == sorted(made.paths)
    assert {p.name: p.read_bytes() for p in made.paths} == before
    assert write_example("Hobo", 2023).status == ExampleStatus.UNKNOWN_KOMMUN
