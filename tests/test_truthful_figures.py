"""Figures that are true and reveal no one (issue 9), read back from the csv and the .docx."""

from __future__ import annotations

import csv
import datetime as dt
import io

import docx
import pytest

from pipeline.contract import schema as contract
from pipeline.figures import aggregate
from pipeline.figures.aggregate import compute, previous_year, to_csv
from pipeline.report.render import render
from pipeline.validation.validate import validate
from tests.conftest import HEADERS, TODAY
from tests.test_render import _rows, _table_after
from tests.test_suppression import possible_values

D = dt.date
THRESHOLD = contract.key_figure_format().undertryck_grans


def _report(folder):
    dataset = validate(folder, today=TODAY).dataset
    figures = compute(dataset)
    previous = previous_year(dataset)
    return figures, previous, docx.Document(io.BytesIO(render(dataset, figures, previous).docx))


def _csv_rows(figures) -> list[dict]:
    return list(csv.DictReader(io.StringIO(to_csv(figures))))


def _referral(index, year, kon, born, kanal="FaR"):
    remittent = None if kanal == "Egen kontakt" else "Vårdcentral"
    day = D(year, 1 + index % 12, 1 + index % 27)
    return [f"R{year}-{index}", day, kanal, remittent, None, kon, born, None, None]


@pytest.fixture
def small_groups(books):
    """Two years with small categories in kön and ålder: the audit's worst cases."""
    rows = []
    for year, women, men, other in ((2022, 44, 23, 2), (2023, 30, 4, 1)):
        people = ["Kvinna"] * women + ["Man"] * men + ["Annat/uppger ej"] * other
        for index, kon in enumerate(people):
            # Mostly 45–64; a few very old, a few young, so several age groups are small.
            born = year - (50 if index % 10 else 85) if index % 17 else year - 20
            rows.append(_referral(index, year, kon, born))
    books.rows["Remisser"] = rows
    books.rows["Samtal"] = []
    return books.write()


def _published_groups(document, year):
    """Per (year, dimension): the total and the cells as printed in the report."""
    samtal = _rows(_table_after(document, "Inflöde och samtal"))
    header = samtal[0]
    totals = {y: samtal[1][header.index(str(y))] for y in (year - 1, year)}
    demography = _rows(_table_after(document, "Kön och ålder"))
    head = demography[0]
    groups = {}
    for y in (year - 1, year):
        column = head.index(str(y))
        for row in demography[1:]:
            groups.setdefault((y, row[0]), {})[row[1]] = row[column]
    return totals, groups


def _audit(total: int, cells: dict[str, str], marked: bool = True) -> None:
    """No hidden cell can be pinned to a single value by arithmetic."""
    small_label = f"1–{THRESHOLD - 1}"
    hidden = {k for k, v in cells.items() if v in (small_label, "..")}
    small = {k for k, v in cells.items() if v == small_label}
    visible = {k: int(v.replace("\u00a0", "")) for k, v in cells.items() if k not in hidden}
    if not hidden:
        assert sum(visible.values()) == total
        return
    # Counts that make the published numbers: the hidden ones share what the visible leave.
    counts = dict(visible)
    rest = total - sum(visible.values())
    for k in hidden:
        counts[k] = 0
    counts[sorted(hidden)[0]] = rest  # any split: possible_values only uses the hidden sum
    values = possible_values(counts, hidden, small, THRESHOLD, marked)
    for k in hidden:
        assert len(values[k]) >= 2, (cells, k, values[k])


def test_no_hidden_count_recoverable_in_report_and_csv(small_groups):
    figures, previous, document = _report(small_groups)
    totals, groups = _published_groups(document, 2023)
    assert groups[(2022, "Kön")]["Kvinna"] == "44"  # the example: Annat 2 is hidden,
    assert groups[(2022, "Kön")]["Annat/uppger ej"] == "1–4"  # and so is Man (23), as ".."
    assert groups[(2022, "Kön")]["Man"] == ".."
    for (year, _dimension), cells in groups.items():
        _audit(int(totals[year]), cells)
    # The csv: the same groups, hidden counts without a value.
    rows = _csv_rows(figures) + _csv_rows(previous)
    for year_figures in (figures, previous):
        total = year_figures.value("arenden_inkomna")
        for dimension in ("kon", "aldersgrupp"):
            group = [
                r
                for r in rows
                if r["ar"] == str(year_figures.year)
                and r["nyckeltal"] == "arenden_inkomna"
                and r["dimension"] == dimension
            ]
            assert {r["kategori"] for r in group} == set(contract.categories(dimension))
            cells = {r["kategori"]: ".." if r["undertryckt"] == "1" else r["varde"] for r in group}
            assert all(r["varde"] == "" for r in group if r["undertryckt"] == "1")
            _audit(total, cells, marked=False)


def test_a_change_is_never_shown_for_a_hidden_count(small_groups):
    _, _, document = _report(small_groups)
    for row in _rows(_table_after(document, "Kön och ålder"))[1:]:
        if ".." in row[2:4] or "1–4" in row[2:4]:
            assert row[4] == "–", row


@pytest.fixture
def starts_in_2024(books):
    """A coach who registers from 2024 on; the Hälsocenter started in 2022."""
    books.rows["Uppgifter"] = [
        ["Kommun", "Habo"],
        ["År", 2024],
        ["Startdatum", D(2022, 3, 1)],
        ["Invånare", 12500],
    ]
    books.rows["Remisser"] = [_referral(i, 2024, "Kvinna", 1970) for i in range(20)]
    books.rows["Remisser"][0][2:4] = ["Egen kontakt", None]
    books.rows["Samtal"] = [
        [f"R2024-{i}", D(2024, 12, 30), "Första samtal", "Genomfört"] for i in range(6)
    ]
    books.rows["Närvaro"] = [[D(2024, 3, 1), "Gympa", "P1", None, 1]]
    return books


def test_missing_years_give_no_since_start_and_no_zeros(starts_in_2024):
    folder = starts_in_2024.write()
    result = validate(folder, today=TODAY)
    warning = next(p for p in result.problems if p.sheet == "Tidigare år")
    assert warning.level == "varning"
    assert warning.message.startswith(
        "Uppgifter saknas för 2022 och 2023: Hälsocentret startade 2022, men remisser.xlsx har "
        "rader först från 2024 och fliken Tidigare år har inga rader för 2022 och 2023."
    )
    assert warning.fix == (
        "Fyll i fliken Tidigare år i verksamhet.xlsx med en rad per år (2022 och 2023) och "
        "kolumnerna Ärenden, varav FaR och Första samtal från de årens verksamhetsberättelser."
    )
    figures, previous, document = _report(folder)
    assert previous is None
    names = {r["nyckeltal"] for r in _csv_rows(figures)}
    assert not names & {"arenden_sedan_start", "far_sedan_start", "forsta_samtal_sedan_start"}
    samtal = _rows(_table_after(document, "Inflöde och samtal"))
    assert samtal[0] == ["Nyckeltal", "2023", "2024", "Förändring", "Sedan start"]
    assert samtal[1] == ["Inkomna ärenden", "–", "20", "–", "uppgift saknas"]
    assert all(row[1] == "–" for row in samtal[1:])  # never a 0 for a year without data
    demography = _rows(_table_after(document, "Kön och ålder"))
    assert all(row[2] == "–" for row in demography[1:])
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Sedan dess har det kommit" not in text
    assert "eftersom uppgifter saknas för 2022 och 2023" in text


def test_earlier_years_from_tidigare_ar(starts_in_2024):
    starts_in_2024.rows["Tidigare år"] = [[2022, 30, 25, 20], [2023, 50, 40, None]]
    folder = starts_in_2024.write()
    result = validate(folder, today=TODAY)
    assert result.ok and not [p for p in result.problems if p.sheet == "Tidigare år"]
    figures, previous, document = _report(folder)
    assert figures.value("arenden_sedan_start") == 30 + 50 + 20
    assert figures.value("far_sedan_start") == 25 + 40 + 19
    # 2023 has no Första samtal: that since-start figure is unknown, not a partial sum.
    assert figures.value("forsta_samtal_sedan_start") is None
    samtal = _rows(_table_after(document, "Inflöde och samtal"))
    assert samtal[1] == ["Inkomna ärenden", "50", "20", "−30", "100"]
    assert samtal[2] == ["varav FaR", "40", "19", "−21", "84"]
    assert samtal[3][1] == "–" and samtal[3][4] == "uppgift saknas"
    demography = _rows(_table_after(document, "Kön och ålder"))
    assert all(row[2] == "–" for row in demography[1:])  # totals only for a typed year


def test_tidigare_ar_may_not_count_a_year_twice(starts_in_2024):
    starts_in_2024.rows["Tidigare år"] = [[2022, 30, None, None], [2024, 5, None, None]]
    result = validate(starts_in_2024.write(), today=TODAY)
    assert [p.line() for p in result.errors] == [
        "Fel: verksamhet.xlsx, flik Tidigare år, rad 3, kolumn År: 2024 har redan rader i "
        "remisser.xlsx och skulle räknas två gånger. Ta bort raden för 2024 i fliken Tidigare "
        "år; där står bara år innan raderna i remisser.xlsx börjar."
    ]


def test_far_may_not_exceed_the_year_total(starts_in_2024):
    starts_in_2024.rows["Tidigare år"] = [[2022, 30, 31, None], [2023, 1, None, None]]
    result = validate(starts_in_2024.write(), today=TODAY)
    assert [p.line() for p in result.errors] == [
        "Fel: verksamhet.xlsx, flik Tidigare år, rad 2, kolumn varav FaR: varav FaR är större "
        "än Ärenden (30). varav FaR är en del av Ärenden och kan vara högst lika stort."
    ]


def test_head_counts_give_unknown_unique_participants(base_report):
    figures, document = base_report.figures, base_report.document
    names = {(r["nyckeltal"], r["kategori"]) for r in _csv_rows(figures)}
    assert ("unika_deltagare", "Föreläsning om sömn") not in names
    assert ("unika_deltagare", "Föreläsningar") not in names
    assert ("deltagartillfallen", "Föreläsning om sömn") in names
    areas = _rows(_table_after(document, "Aktiviteter per fokusområde"))
    lecture = next(r for r in areas if r[0] == "Föreläsningar")
    assert lecture[3] == "–" and lecture[4] == "70"
    text = [p.text for p in document.paragraphs]
    assert any(
        p.startswith("”–” under Unika deltagare betyder att antalet inte är känt") for p in text
    )
    assert not any("0 unika deltagare" in p for p in text)
    assert any(p.startswith("Föreläsning om sömn: 70 deltagare") for p in text)


def test_remittent_covers_far_and_remiss_only(base_report):
    figures, document = base_report.figures, base_report.document
    remittent = [r for r in _csv_rows(figures) if r["dimension"] == "remittent"]
    assert {r["kategori"] for r in remittent} == set(
        contract.sheet("remisser").column("remittent").varden
    )
    assert sum(int(r["varde"]) for r in remittent) == 4  # five referrals, one own contact
    inflow = _rows(_table_after(document, "Inkomna ärenden per kanal och remittent"))
    assert not any(row[0] == "Remittent" and row[1] == "uppgift saknas" for row in inflow)


@pytest.mark.parametrize(
    ("sheet", "row", "column", "value"),
    [
        ("Texter", 0, 1, "Vi hjälpte 19680512-1234 att komma igång."),
        ("Plan", 0, 2, "Uppföljd med 680512-1234"),
        ("Remisser", 0, 4, "VC 6805121234"),
        ("Aktiviteter", 0, 3, "Grupp för 680512+1234"),
    ],
)
def test_personnummer_refused_in_free_text(books, sheet, row, column, value):
    books.rows[sheet][row][column] = value
    result = validate(books.write(), today=TODAY)
    assert not result.ok
    (error,) = result.errors
    assert error.sheet == sheet and error.row == row + 2
    assert error.column == HEADERS[sheet][column]
    assert error.message.startswith("Texten innehåller något som ser ut som ett personnummer")
    assert "ÅÅMMDD-XXXX" in error.message
    assert "1234" not in error.line() and "680512" not in error.line()


@pytest.mark.parametrize(
    ("sheet", "index", "column"), [("Uppgifter", 3, "Värde (Invånare)"), ("Närvaro", 7, "Antal")]
)
def test_personnummer_refused_in_a_number_cell(books, sheet, index, column):
    target = books.rows[sheet][index]
    target[1 if sheet == "Uppgifter" else 3] = 6805121234
    result = validate(books.write(), today=TODAY)
    (error,) = result.errors
    assert (error.sheet, error.column) == (sheet, column)
    assert error.message.startswith("Värdet ser ut som ett personnummer (ÅÅMMDD-XXXX).")
    assert "6805121234" not in error.line()


def test_ids_are_matched_as_a_person_reads_them(books):
    books.rows["Närvaro"][1][2] = "p1"  # Gympa 2023-01-03: P1 written in lower case
    books.rows["Närvaro"][4][2] = " P3\u200b"  # a space before, a zero-width space after
    books.rows["Samtal"][4][0] = "a5"
    result = validate(books.write(), today=TODAY)
    assert result.ok, [p.line() for p in result.errors]
    figures = compute(result.dataset)
    # Gympa 2023: P1, p1 (= P1) and P1 again → one person; the area: P1 and P3.
    assert figures.value("unika_deltagare", "aktivitet", "Gympa") == 1
    assert figures.value("unika_deltagare", "fokusomrade", "Fysisk aktivitet") == 2
    assert figures.value("forsta_samtal") == 3  # a5's talk found its referral A5
    notices = [p for p in result.problems if "på olika sätt" in p.message]
    assert [p.file for p in notices] == ["aktiviteter.xlsx", "remisser.xlsx"]
    assert notices[0].message == (
        "En kod är skriven på olika sätt men räknas som samma person ('P1' = 'p1'). Stora och "
        "små bokstäver, mellanslag och osynliga tecken gör inte två koder olika."
    )


def test_the_same_id_twice_in_remisser_is_an_error_whatever_the_case(books):
    books.rows["Remisser"][1][0] = "a1"
    result = validate(books.write(), today=TODAY)
    assert any(
        p.sheet == "Remisser" and p.column == "Klient-ID" and "finns på flera rader" in p.message
        for p in result.errors
    )


def test_misspelt_optional_column_is_a_warning_that_says_what_follows(books):
    headers = books.headers["Remisser"]
    headers[headers.index("Födelseår")] = "Födelsår"
    result = validate(books.write(), today=TODAY)
    assert result.ok
    (warning,) = [p for p in result.problems if p.column == "Födelsår"]
    assert warning.line() == (
        "Varning: remisser.xlsx, flik Remisser, rad 1, kolumn Födelsår: Kolumnen Födelsår finns "
        "inte i mallen. Menade du 'Födelseår'? Som det är nu läses kolumnen inte: "
        "Åldersgruppen blir 'uppgift saknas' för alla ärenden. Byt namn på rubriken till "
        "'Födelseår'."
    )
    ages = compute(result.dataset).breakdown("arenden_inkomna", "aldersgrupp")
    assert [f.category for f in ages if not f.suppressed and f.value] == ["uppgift saknas"]


def test_a_header_twice_is_an_error_naming_both_columns(books):
    books.headers["Remisser"].append("Kön")
    result = validate(books.write(), today=TODAY)
    assert [p.line() for p in result.errors] == [
        "Fel: remisser.xlsx, flik Remisser, rad 1, kolumn Kön: Rubriken Kön står i två kolumner "
        "(F och J). Programmet vet inte vilken som gäller. Ta bort den ena kolumnen eller byt "
        "namn på den, så att varje rubrik finns en gång."
    ]


def test_blank_workbooks_explain_tidigare_ar_and_foljsamhet(tmp_path):
    from openpyxl import load_workbook

    from pipeline.coach.blank_workbooks import write_blank_workbooks

    write_blank_workbooks(tmp_path)
    verksamhet = load_workbook(tmp_path / "verksamhet.xlsx")
    assert "Tidigare år" in verksamhet.sheetnames
    assert [c.value for c in verksamhet["Tidigare år"][1]] == [
        "År",
        "Ärenden",
        "varav FaR",
        "Första samtal",
    ]
    instructions = " ".join(
        str(c.value) for row in verksamhet["Instruktioner"].iter_rows() for c in row if c.value
    )
    assert "Fliken Tidigare år: Frivillig. Bara om Hälsocentret startade innan" in instructions
    remisser = load_workbook(tmp_path / "remisser.xlsx")
    assert "Följsamhet" in [c.value for c in remisser["Samtal"][1]]
    text = " ".join(
        str(c.value) for row in remisser["Instruktioner"].iter_rows() for c in row if c.value
    )
    assert "följer personen sin plan" in text


def test_example_still_reproduces_the_seed(tmp_path):
    from pipeline import config

    dataset = validate(config.EXAMPLE, today=TODAY).dataset
    figures = aggregate.compute(dataset)
    assert figures.value("arenden_sedan_start") == 167
    assert figures.value("forsta_samtal_sedan_start") == 152
    assert figures.value("arenden_inkomna") == 81
    assert figures.value("forsta_samtal") == 89
