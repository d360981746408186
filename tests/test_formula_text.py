"""Text is text: no workbook or csv the program writes turns a value into a live formula.

openpyxl stores a str that begins with `=` as a formula; Excel runs a csv field that
begins with `=`, `+`, `-` or `@`. Each writer gets such values and the saved file is
read back twice: with openpyxl (a string cell holding the text) and as raw sheet XML
(no `<f>` element anywhere).
"""

from __future__ import annotations

import ast
import csv
import dataclasses
import io
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd
import pytest
from keyfigures import load, write
from openpyxl import load_workbook

from pipeline import config
from pipeline.coach.blank_workbooks import build
from pipeline.coach.input_workbooks import write_input
from pipeline.coach.next_year import next_year_rows, write_next_year
from pipeline.comparison import long_csv, table
from pipeline.comparison import workbook as compare_xlsx
from pipeline.comparison.reading import FileStatus
from pipeline.contract import schema as contract
from pipeline.publish.xlsx import Formula, save_workbook, workbook_bytes
from pipeline.validation.problems import Problem
from pipeline.validation.report import validation_report
from pipeline.validation.validate import validate
from tests.conftest import TODAY

HYPERLINK = '=HYPERLINK("http://x","klick")'
FORMULA_LIKE = (HYPERLINK, "+1+1", "-1+1", "@SUM(A1)")
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def formulas_in(source: Path | bytes) -> list[str]:
    """The text of every <f> element in the file's sheets, read as XML."""
    data = source if isinstance(source, bytes) else source.read_bytes()
    found = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                root = ElementTree.fromstring(archive.read(name))
                found += [f.text or "" for f in root.iter(f"{MAIN}f")]
    return found


def text_cells(source: Path | bytes, texts: tuple[str, ...]) -> dict[str, set[str]]:
    """Every cell that begins with one of the texts: its value → the cell types it has."""
    data = source if isinstance(source, bytes) else source.read_bytes()
    book = load_workbook(io.BytesIO(data))
    found: dict[str, set[str]] = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(texts):
                    found.setdefault(cell.value, set()).add(cell.data_type)
    return found


def assert_text(source: Path | bytes, expected: set[str]) -> None:
    """The expected values are in the file, each only as a string cell, and no formula is."""
    found = text_cells(source, FORMULA_LIKE + tuple(expected))
    assert expected <= set(found), sorted(expected - set(found))
    assert {v: t for v, t in found.items() if t != {"s"}} == {}
    assert formulas_in(source) == []


def test_the_writer_stores_every_str_as_text_and_formulas_only_on_purpose():
    data = workbook_bytes(
        {"Blad": (["Text", "Fel", "Formel"], [[v, "#N/A", Formula("=1+1")] for v in FORMULA_LIKE])}
    )
    book = load_workbook(io.BytesIO(data))
    cells = {c.coordinate: (c.value, c.data_type) for row in book["Blad"] for c in row}
    assert [cells[f"A{row}"] for row in range(2, 6)] == [(v, "s") for v in FORMULA_LIKE]
    assert cells["B2"] == ("#N/A", "s")  # text, not Excel's error value
    assert cells["C2"] == ("=1+1", "f")
    assert formulas_in(data) == ["1+1"] * 4


def test_a_formula_typed_as_text_stays_text_in_the_validation_report(books):
    """The issue's case: Kön holds the text =HYPERLINK(...); the report's Värde shows it."""
    books.rows["Remisser"][0][5] = HYPERLINK
    result = validate(books.write(), today=TODAY)
    found = [p for p in result.errors if p.column == "Kön"]
    assert [p.value for p in found] == [HYPERLINK]
    problems = [
        Problem(value, "Flik" + value, 2, "Kolumn" + value, value, value, value)
        for value in FORMULA_LIKE[1:]
    ]
    data = validation_report([*result.problems, *problems], result.sheets)
    assert_text(data, set(FORMULA_LIKE) | {"Flik+1+1", "Kolumn@SUM(A1)"})
    rows = list(load_workbook(io.BytesIO(data))["Problem"].iter_rows(values_only=True))
    assert any(row[4] == "Kön" and row[5] == HYPERLINK for row in rows)


@pytest.fixture(scope="module")
def region(tmp_path_factory) -> Path:
    """Files named like formulas, one of them holding figures, and an ordinary file."""
    folder = tmp_path_factory.mktemp("region")
    write(folder, "Habo", 2023)
    copy = (folder / "Habo-2023-nyckeltal.csv").read_text(encoding="utf-8")
    (folder / "=1+1-nyckeltal.csv").write_text(copy, encoding="utf-8")
    (folder / "+1+1-nyckeltal.csv").write_text("=1+1,@SUM(A1)\n-1,+1\n", encoding="utf-8")
    (folder / "-1+1-nyckeltal.csv").write_text(
        copy.replace(",Habo,", ",=HYPERLINK(1),"), encoding="utf-8"
    )
    other = write(folder, "Aneby", 2023, name="@SUM(A1)-nyckeltal.csv")
    other.write_text(
        other.read_text(encoding="utf-8").replace(",arenden_inkomna,kanal,FaR,", ",=1+1,kanal,@x,"),
        encoding="utf-8",
    )
    return folder


def test_file_names_and_values_of_received_files_stay_text_in_the_comparison(region, tmp_path):
    comparison = load(region)
    path = tmp_path / "jamforelse.xlsx"
    path.write_bytes(compare_xlsx.to_bytes(comparison, table.build(comparison)))
    names = {"=1+1-nyckeltal.csv", "+1+1-nyckeltal.csv", "-1+1-nyckeltal.csv"}
    assert_text(path, names | {"@SUM(A1)-nyckeltal.csv"})
    files = {r[0]: r for r in load_workbook(path)["Filer"].iter_rows(min_row=2, values_only=True)}
    assert files["=1+1-nyckeltal.csv"][1] == "kopia"
    assert files["-1+1-nyckeltal.csv"][1] == FileStatus.BAD
    assert "inte '=HYPERLINK(1)'" in files["-1+1-nyckeltal.csv"][2]
    assert files["@SUM(A1)-nyckeltal.csv"][1] == "används"  # a category '@x' is only a key


def test_the_long_csv_quotes_a_text_that_begins_like_a_formula(region, tmp_path, monkeypatch):
    """Only the contract's names reach the long csv; were one to begin with a formula
    character, Excel would show it with the apostrophe OWASP advises, never run it.
    Numbers stay numbers, a negative target too."""
    real = contract.kommuner()
    renamed = tuple(dataclasses.replace(k, namn="=Habo") if k.namn == "Habo" else k for k in real)
    monkeypatch.setattr(contract, "kommuner", lambda: renamed)
    text = (region / "Habo-2023-nyckeltal.csv").read_text(encoding="utf-8")
    (tmp_path / "a.csv").write_text(text.replace(",Habo,", ",=Habo,"), encoding="utf-8")
    (tmp_path / "malvarden.csv").write_text(
        "matt;malvarde;battre\nandel_inom_30_dagar;-5;högre\n", encoding="utf-8"
    )
    comparison = load(tmp_path)
    data = long_csv.to_bytes(table.build(comparison))
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert {(r["kommunkod"], r["kommun"]) for r in rows} == {("0643", "'=Habo")}
    target = next(r for r in rows if r["matt"] == "andel_inom_30_dagar")
    assert (target["malvarde"], target["battre"]) == ("-5", "högre")
    assert [long_csv.csv_text(v) for v in FORMULA_LIKE] == [f"'{v}" for v in FORMULA_LIKE]
    assert [long_csv.csv_text(v) for v in ("Habo", "uppnått", "")] == ["Habo", "uppnått", ""]


def test_blank_workbooks_keep_contract_text_as_text(tmp_path):
    """A header, a description or a choice in the contract that begins like a formula."""
    workbook = contract.workbook("aktiviteter")
    sheet = workbook.flikar[0]
    first, area = sheet.kolumner[0], sheet.kolumner[1]
    columns = (
        dataclasses.replace(first, namn=HYPERLINK, beskrivning="@SUM(A1)"),
        dataclasses.replace(area, varden=("+1+1", "-1+1")),
        *sheet.kolumner[2:],
    )
    changed = dataclasses.replace(
        workbook, flikar=(dataclasses.replace(sheet, kolumner=columns), *workbook.flikar[1:])
    )
    path = save_workbook(build(changed), tmp_path / "aktiviteter.xlsx")
    assert_text(path, set(FORMULA_LIKE))
    book = load_workbook(path)
    assert book["Aktiviteter"]["A1"].value == HYPERLINK
    assert {book["Listor"]["A1"].value, book["Listor"]["A2"].value} == {"+1+1", "-1+1"}


def test_next_years_workbook_keeps_the_coachs_text_as_text(tmp_path):
    plan = pd.DataFrame(
        {
            "fokusomrade": ["Fysisk aktivitet"] * 4,
            "aktivitet": list(FORMULA_LIKE),
            "framtidsplan": ["Fortsätter"] * 4,
        }
    )
    texter = pd.DataFrame({"avsnitt": ["Arbetssätt"], "text": ["=1+1"]})
    rows = next_year_rows({"kommun": "Habo", "ar": 2023}, texter, plan)
    rows["texter"].append(["Övrigt", "@SUM(A1)"])
    path = write_next_year(tmp_path / "Habo-2024-verksamhet.xlsx", rows)
    assert_text(path, {f"{v} (Fortsätter)" for v in FORMULA_LIKE} | {"@SUM(A1)"})


def test_example_and_synthetic_input_keep_text_as_text(tmp_path):
    rows = {
        "aktiviteter": [[v, "Övrigt", "Grupp", v, v] for v in FORMULA_LIKE],
        "texter": [["Övrigt", v] for v in FORMULA_LIKE],
    }
    for path in write_input(tmp_path, rows):
        expected = set() if path.name == "remisser.xlsx" else set(FORMULA_LIKE)
        assert_text(path, expected)


SAVES = ("save", "write_data")  # openpyxl's Workbook.save and ExcelWriter.write_data


def test_no_workbook_is_saved_around_the_one_place():
    """Only pipeline/publish/xlsx.py saves a workbook (book_bytes); the one other save is the Word
    template's (docxtpl). A writer that saved on its own would skip keep_text."""
    saves = []
    for path in sorted((config.ROOT / "pipeline").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) in SAVES:
                saves.append((path.name, ast.unparse(node.func.value)))
    assert sorted(saves) == [("docx_fill.py", "tpl"), ("xlsx.py", "_InMemory(book, archive)")]
