"""The regional comparison, from key-figure files written by the tests (fast, by hand)."""

from __future__ import annotations

import json
import math
import re
import shutil

import docx
import pytest
from keyfigures import POPULATION, figures, text, write
from openpyxl import load_workbook

from pipeline.cli import main as cli
from pipeline.comparison import compare
from pipeline.comparison.compare import Target, Value
from pipeline.contract import comparison as comparison_layout
from pipeline.contract import datapackage
from pipeline.contract import schema as contract

YEARS = (2023, 2024)
SUM_9 = "Summa, 9 av 13 kommuner"


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """Files as the region gets them, each municipality's 2024 in a different state.

    Aneby: empty undertryckt; Gnosjö: saved again by Swedish Excel; Habo: plus a
    byte-identical copy; Mullsjö: two different files; Gislaved: a file written
    before the service-quality figures; Vaggeryd: garbage; Jönköping: schema 2;
    Eksjö: no file. The rest: ordinary files.
    """
    base = tmp_path_factory.mktemp("lan")
    region = base / "region"
    region.mkdir()
    for namn in POPULATION:
        write(region, namn, 2023)
    ordinary = ["Nässjö", "Värnamo", "Sävsjö", "Vetlanda", "Tranås"]
    for namn in ordinary:
        write(region, namn, 2024)
    write(region, "Aneby", 2024, flag_zero="")
    original = text("Gnosjö", 2024, figures("Gnosjö", 2024))
    (region / "Gnosjö-2024-nyckeltal.csv").write_bytes(excel_resave(original))
    write(region, "Habo", 2024)
    shutil.copy(region / "Habo-2024-nyckeltal.csv", region / "Habo-2024-nyckeltal (kopia).csv")
    write(region, "Mullsjö", 2024)
    changed = figures("Mullsjö", 2024)
    changed[("arenden_inkomna", "", "")] += 1
    write(region, "Mullsjö", 2024, changed, name="mullsjo-rattad.csv")
    write(region, "Gislaved", 2024, figures("Gislaved", 2024, service=False))
    (region / "Vaggeryd-2024-nyckeltal.csv").write_bytes(b"\xff\xfe\x00garbage\x00\x81")
    (region / "Jönköping-2024-nyckeltal.csv").write_text(
        text("Jönköping", 2024, figures("Jönköping", 2024)).replace("\n1,", "\n2,"),
        encoding="utf-8",
    )
    (region / "malvarden.csv").write_text(
        "matt;malvarde;battre\n"
        "andel_inom_30_dagar;70;högre\n"
        "vantetid_dagar_median;15,0;lägre\n"
        "okant_matt;3;högre\n"
        "andel_uteblivna;tio;lägre\n",
        encoding="utf-8",
    )
    out = base / "jamforelse"
    code = cli.main(["compare", "--in", str(region), "--out", str(out)])
    return region, out, code


def excel_resave(original: str) -> bytes:
    """What Swedish Excel writes: ';', decimal comma, no leading zero, BOM, CRLF, quotes."""
    lines = []
    for line in original.strip("\n").split("\n"):
        cells = line.split(",")
        if cells[1].isdigit():
            cells[1] = cells[1].lstrip("0")
        cells[7] = cells[7].replace(".", ",")
        cells = [f'"{c}"' if " " in c else c for c in cells]
        lines.append(";".join(cells))
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def _sheet(book, name):
    rows = list(book[name].iter_rows(values_only=True))
    return rows[0], {row[1] or row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}


@pytest.fixture(scope="module")
def book(county):
    return load_workbook(county[1] / "jamforelse-2024.xlsx")


def rate(namn, year, nyckeltal, scale=1000):
    values = figures(namn, year)
    return values[(nyckeltal, "", "")] / values[("invanare", "", "")] * scale


# --- reading what people send -----------------------------------------------------------


def test_every_municipality_row_says_what_it_has(county, book, capsys):
    _, _, code = county
    assert code == 1  # a conflict and two bad files
    _, table = _sheet(book, "Mått")
    first = comparison_layout.measures()[0].rubrik
    expected = {
        "Aneby": pytest.approx(rate("Aneby", 2024, "arenden_inkomna")),
        "Gnosjö": pytest.approx(rate("Gnosjö", 2024, "arenden_inkomna")),
        "Mullsjö": None,
        "Habo": pytest.approx(rate("Habo", 2024, "arenden_inkomna")),
        "Gislaved": pytest.approx(rate("Gislaved", 2024, "arenden_inkomna")),
        "Vaggeryd": None,
        "Jönköping": None,
        "Eksjö": None,
    }
    states = {"Mullsjö": "motstridiga filer", "Vaggeryd": "fel i filen"}
    states |= {"Jönköping": "fel i filen", "Eksjö": "ingen fil"}
    for kommun in contract.kommuner():
        row = table[kommun.namn]
        assert row["Kommunkod"] == kommun.kod
        if kommun.namn in states:
            assert row[first] == states[kommun.namn], kommun.namn
        elif kommun.namn in expected:
            assert row[first] == expected[kommun.namn], kommun.namn
        else:
            assert row[first] == pytest.approx(rate(kommun.namn, 2024, "arenden_inkomna"))
    assert SUM_9 in next(k for k in table if str(k).startswith("Summa"))


def test_each_file_fate_on_one_line(county, book):
    region, out, _ = county
    files = {r[0]: r for r in book["Filer"].iter_rows(min_row=2, values_only=True)}
    assert files["Habo-2024-nyckeltal (kopia).csv"][1] == "kopia"
    assert files["Habo-2024-nyckeltal (kopia).csv"][2] == (
        "Habo-2024-nyckeltal (kopia).csv: kopia av Habo-2024-nyckeltal.csv för Habo 2024 "
        "(byte för byte); den används inte, Habo-2024-nyckeltal.csv används."
    )
    assert files["Habo-2024-nyckeltal.csv"][1] == "används"
    assert files["mullsjo-rattad.csv"][2] == (
        "mullsjo-rattad.csv: motstridiga filer: Mullsjö 2024 finns också i "
        "Mullsjö-2024-nyckeltal.csv med andra värden. Ingen av dem används; ta bort den som är "
        "fel och kör igen."
    )
    assert files["Gnosjö-2024-nyckeltal.csv"][2] == (
        "Gnosjö-2024-nyckeltal.csv: används (Gnosjö 2024). Läst som originalet trots "
        "semikolon som avgränsare och decimalkomma."
    )
    assert files["Vaggeryd-2024-nyckeltal.csv"][1] == "fel i filen"
    assert files["Jönköping-2024-nyckeltal.csv"][2] == (
        "Jönköping-2024-nyckeltal.csv: fel i filen, används inte. Rad 2: filen har "
        "schema_version 2; jämförelsen läser version 1. Skapa filen på nytt med programmets "
        "senaste version."
    )
    assert "malvarden.csv" not in files


def test_excel_resave_reads_like_the_original(tmp_path):
    original = text("Gnosjö", 2024, figures("Gnosjö", 2024))
    parsed = compare.parse(excel_resave(original))
    assert parsed.values == compare.parse(original.encode()).values
    cp1252 = excel_resave(original).decode("utf-8-sig").encode("cp1252")
    assert compare.parse(cp1252).values == parsed.values
    assert compare.parse(cp1252).notes == [
        "Windows-1252",
        "semikolon som avgränsare",
        "decimalkomma",
    ]
    median = parsed.values[("0617", 2024)][("vantetid_dagar_median", "", "")]
    assert median == Value(13.5)


def test_empty_undertryckt_is_zero_and_figure_copy_is_a_copy(tmp_path):
    folder = tmp_path / "r"
    folder.mkdir()
    write(folder, "Habo", 2024, flag_zero="")
    write(folder, "Habo", 2024, name="habo-igen.csv")  # same figures, other bytes
    comparison = compare.load(folder)
    assert comparison.state("0643") is None
    received = figures("Habo", 2024)[("arenden_inkomna", "", "")]
    assert comparison.figure("0643", ("arenden_inkomna", "", "")).number == received
    copy = next(f for f in comparison.files if f.path.name == "habo-igen.csv")
    assert copy.status == "kopia"
    assert "(samma nyckeltal)" in copy.line()


def test_old_file_figures_are_missing_never_zero(county, book):
    _, table = _sheet(book, "Mått")
    gislaved = table["Gislaved"]
    for m in comparison_layout.measures():
        if m.id.startswith("andel") and m.id != "andel_uteblivna" or m.id.startswith("vantetid"):
            assert gislaved[m.rubrik] == "–", m.id
    summa = next(v for k, v in table.items() if str(k).startswith("Summa"))
    assert summa[comparison_layout.measure("andel_inom_30_dagar").rubrik] == "–"
    assert summa[comparison_layout.measure("vantetid_dagar_median").rubrik] == "–"


BAD_FILES = {
    "fel schemaversion": (
        lambda f: write(f, "Habo", 2023, name="habo.csv").write_text(
            text("Habo", 2023, {("arenden_inkomna", "", ""): 3}).replace("\n1,", "\n2,")
        ),
        "Rad 2: filen har schema_version 2; jämförelsen läser version 1.",
    ),
    "kolumner saknas": (
        lambda f: (f / "habo.csv").write_text("kommun,varde\nHabo,12\n", encoding="utf-8"),
        "Kolumner saknas: schema_version, kommunkod, ar, nyckeltal, dimension, kategori, "
        "undertryckt. Det här ser inte ut som en nyckeltalsfil.",
    ),
    "okänd kommunkod": (
        lambda f: (f / "habo.csv").write_text(
            text("Habo", 2023, {("arenden_inkomna", "", ""): 3}).replace("0643", "0999")
        ),
        "Rad 2: okänd kommunkod '0999'. Länets kommuner har koderna 0604–0687.",
    ),
    "värde som inte är ett tal": (
        lambda f: write(f, "Habo", 2023, {("arenden_inkomna", "", ""): "tolv"}, name="habo.csv"),
        "Rad 2: värdet 'tolv' för arenden_inkomna är inte ett tal.",
    ),
    "skräp": (
        lambda f: (f / "habo.csv").write_bytes(b"\xff\xfe\x00garbage\x00\x81"),
        "Filen är ingen csv-textfil",
    ),
    "fel kommunnamn för koden": (
        lambda f: (f / "habo.csv").write_text(
            text("Habo", 2023, {("arenden_inkomna", "", ""): 3}).replace(",Habo,", ",Tranås,")
        ),
        "Rad 2: kommunkod 0643 är Habo, inte 'Tranås'.",
    ),
    "undertryckt med fel värde": (
        lambda f: write(
            f, "Habo", 2023, {("arenden_inkomna", "", ""): 3}, name="habo.csv", flag_zero="ja"
        ),
        "Rad 2: undertryckt ska vara 0, 1 eller tomt, inte 'ja'.",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_files_are_skipped_and_named(tmp_path, case):
    folder = tmp_path / "r"
    folder.mkdir()
    write(folder, "Aneby", 2023)
    make, expected = BAD_FILES[case]
    make(folder)
    comparison = compare.load(folder)
    bad = next(f for f in comparison.files if f.path.name == "habo.csv")
    assert bad.status == "fel i filen"
    assert expected in bad.line()
    assert comparison.state("0604") is None


# --- measures, shares, honest sums ------------------------------------------------------


def test_measures_and_shares_from_the_files(county, book):
    _, table = _sheet(book, "Mått")
    habo = figures("Habo", 2024)
    assert table["Habo"][comparison_layout.measure("andel_inom_30_dagar").rubrik] == pytest.approx(
        habo[("forsta_samtal_inom_30_dagar", "", "")] / habo[("arenden_inkomna", "", "")] * 100
    )
    uteblivna = habo[("uteblivna_samtal", "", "")]
    talks = uteblivna + habo[("forsta_samtal", "", "")] + habo[("uppfoljande_samtal", "", "")]
    assert table["Habo"][comparison_layout.measure("andel_uteblivna").rubrik] == pytest.approx(
        uteblivna / talks * 100
    )
    ja, delvis, nej = (
        habo[("klienter_med_uppfoljning", "foljsamhet", k)] for k in ("Ja", "Delvis", "Nej")
    )
    assert table["Habo"][comparison_layout.measure("andel_foljer_planen").rubrik] == pytest.approx(
        ja / (ja + delvis + nej) * 100
    )
    assert table["Habo"][comparison_layout.measure("vantetid_dagar_median").rubrik] == 15.5
    _, shares = _sheet(book, "Andelar kön, ålder, följsamhet")
    women = habo[("arenden_inkomna", "kon", "Kvinna")]
    assert shares["Habo"]["Kön: Kvinna (%)"] == pytest.approx(
        women / habo[("arenden_inkomna", "", "")] * 100
    )
    assert shares["Habo"]["Kön: Annat/uppger ej (%)"] == ".."  # a hidden count


def test_sum_row_label_and_lower_bounds(county, book):
    present = ["Aneby", "Gnosjö", "Habo", "Gislaved", "Nässjö", "Värnamo", "Sävsjö"]
    present += ["Vetlanda", "Tranås"]
    people = sum(POPULATION[n] for n in present)
    share = round(people / sum(POPULATION.values()) * 100)
    _, counts = _sheet(book, "Inflöde och samtal")
    label = f"{SUM_9}, {share} % av länets invånare"
    assert label in counts
    assert counts[label]["Inkomna ärenden"] == sum(
        figures(n, 2024)[("arenden_inkomna", "", "")] for n in present
    )
    assert counts[label]["Styrgruppsmöten"] == "summeras inte"
    _, antal = _sheet(book, "Antal kön, ålder, följsamhet")
    visible = sum(figures(n, 2024).get(("arenden_inkomna", "kon", "Man")) or 0 for n in present)
    assert any(figures(n, 2024).get(("arenden_inkomna", "kon", "Man"), 0) is None for n in present)
    assert antal[label]["Kön: Man"] == f"≥ {visible}"  # never an exact number
    _, shares = _sheet(book, "Andelar kön, ålder, följsamhet")
    total = sum(figures(n, 2024)[("arenden_inkomna", "", "")] for n in present)
    bound = shares[label]["Kön: Man (%)"]
    assert bound.startswith("≥ ")
    assert float(bound[2:].replace(",", ".")) == pytest.approx(visible / total * 100, abs=0.05)
    assert shares["Ovägt medel"]["Kön: Man (%)"] == ".."


def test_county_sum_bound_ignores_hidden_as_zero():
    comparison = compare.Comparison(2024, [2024], {}, [])
    key = ("arenden_inkomna", "kon", "Man")
    comparison.values = {
        ("0604", 2024): {key: Value(300)},
        ("0617", 2024): {key: Value(None, True)},
    }
    assert compare.county_sum(comparison, key) == Value(300, at_least=True)
    comparison.values[("0642", 2024)] = {}
    assert compare.county_sum(comparison, key) == Value()  # a file without the figure


def test_colour_scales_only_on_comparable_columns(book):
    for name in book.sheetnames:
        sheet = book[name]
        scaled = {str(cf.sqref) for cf in sheet.conditional_formatting}
        if name.startswith(("Mått", "Andelar")):
            assert scaled, name
            assert all(s.endswith("14") and s[1:].startswith("2:") for s in scaled), name
        elif name in ("Inflöde och samtal", "Fokusområden") or name.startswith("Antal"):
            assert not scaled, name


def test_trend_years_as_columns_with_change_and_county(county):
    region, out, _ = county
    rows = list(load_workbook(out / "jamforelse-2024.xlsx")["Trend"].iter_rows(values_only=True))
    assert rows[0][0] == comparison_layout.measures()[0].rubrik
    assert rows[1][:5] == ("Kommunkod", "Kommun", "2023", "2024", "Förändring 2023–2024")
    habo = next(r for r in rows[2:16] if r[1] == "Habo")
    assert habo[2] == pytest.approx(rate("Habo", 2023, "arenden_inkomna"))
    assert habo[3] == pytest.approx(rate("Habo", 2024, "arenden_inkomna"))
    assert habo[4] == pytest.approx(habo[3] - habo[2])
    eksjo = next(r for r in rows[2:16] if r[1] == "Eksjö")
    assert eksjo[3] == "ingen fil" and eksjo[4] == "–"
    assert rows[15][0] == "Kommunerna med fil tillsammans"
    block = next(
        i for i, r in enumerate(rows) if r[0] == comparison_layout.measure("andel_uteblivna").rubrik
    )
    assert rows[block + 1][4] == "Förändring 2023–2024 (procentenheter)"


def test_every_sheet_is_set_up_for_screen_and_print(book):
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape", sheet.title
        if sheet.title not in ("Om jämförelsen",):
            assert sheet.freeze_panes, sheet.title
        if sheet.title not in ("Om jämförelsen", "Trend"):
            assert sheet.print_title_rows == "$1:$1", sheet.title
            assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
            assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
            for cell in sheet[1]:  # about one character per unit of column width
                width = sheet.column_dimensions[cell.column_letter].width
                lines = math.ceil(len(str(cell.value)) / width)
                assert sheet.row_dimensions[1].height >= 15 * lines, (sheet.title, cell.value)


# --- targets ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("battre", "value", "status"),
    [
        ("högre", 80, "uppnått"),
        ("högre", 85, "uppnått"),
        ("högre", 72, "nära"),  # exactly 10 % under
        ("högre", 71.9, "ej uppnått"),
        ("lägre", 80, "uppnått"),
        ("lägre", 50, "uppnått"),
        ("lägre", 88, "nära"),  # exactly 10 % over
        ("lägre", 88.1, "ej uppnått"),
    ],
)
def test_target_status_with_the_ten_per_cent_band(battre, value, status):
    assert Target("andel_inom_30_dagar", 80, battre).status(Value(value)) == status


def test_target_status_needs_an_exact_value():
    target = Target("andel_inom_30_dagar", 80, "högre")
    assert target.status(Value(None, suppressed=True)) is None
    assert target.status(Value()) is None
    assert target.status(Value(90, at_least=True)) is None


def test_targets_in_workbook_and_report_and_bad_lines_reported(county, book, capsys):
    _, out, _ = county
    _, table = _sheet(book, "Mått")
    header = "Mot målvärde (minst 70)"
    habo = table["Habo"]
    value = habo[comparison_layout.measure("andel_inom_30_dagar").rubrik]
    expected = "uppnått" if value >= 70 else ("nära" if value >= 63 else "ej uppnått")
    assert habo[header] == expected
    assert table["Habo"]["Mot målvärde (högst 15)"] == "nära"  # 15,5 days: within 10 %
    about = [r[0] for r in book["Om jämförelsen"].iter_rows(values_only=True) if r[0]]
    assert (
        "malvarden.csv rad 4: okänt mått 'okant_matt'; raden hoppades över. Måtten är "
        + ", ".join(m.id for m in comparison_layout.measures())
        + "."
    ) in about
    assert "malvarden.csv rad 5: målvärdet 'tio' är inte ett tal; raden hoppades över." in about
    document = docx.Document(out / "jamforelse-2024.docx")
    habo_row = next(r for r in document.tables[0].rows if r.cells[0].text == "Habo")
    assert habo_row.cells[5].text.endswith("\n" + expected)
    assert habo_row.cells[8].text == "15,5\nnära"


def test_without_targets_nothing_about_targets(tmp_path):
    folder = tmp_path / "r"
    folder.mkdir()
    for namn in ("Habo", "Aneby"):
        write(folder, namn, 2024)
    out = tmp_path / "out"
    assert cli.main(["compare", "--in", str(folder), "--out", str(out)]) == 0
    book = load_workbook(out / "jamforelse-2024.xlsx")
    header = [c.value for c in book["Mått"][1]]
    assert not any("mål" in str(h).casefold() for h in header)
    about = " ".join(str(r[0]) for r in book["Om jämförelsen"].iter_rows(values_only=True))
    assert "målvärde" not in about.casefold() and "bättre" not in about.casefold()
    document = docx.Document(out / "jamforelse-2024.docx")
    body = "\n".join(p.text for p in document.paragraphs)
    assert "målvärde" not in body.casefold() and "uppnått" not in body
    assert all("uppnått" not in c.text for r in document.tables[0].rows for c in r.cells)


# --- the report ---------------------------------------------------------------------------

SWEDISH = re.compile(r"^(≥ )?\d{1,3}(\u00a0\d{3})*,\d$")


def test_report_numbers_are_swedish_with_one_decimal(county):
    _, out, _ = county
    document = docx.Document(out / "jamforelse-2024.docx")
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == [
        "Kommun",
        *[m.kort for m in comparison_layout.measures()],
    ]
    seen = 0
    for row in table.rows[1:]:
        for cell in row.cells[1:]:
            first = cell.text.split("\n")[0]
            if first in ("", "..", "–", "ingen fil", "fel i filen", "motstridiga filer"):
                continue
            assert SWEDISH.match(first), first
            seen += 1
    assert seen > 50
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Kommuner utan nyckeltal för 2024: Mullsjö (motstridiga filer), Vaggeryd (fel i " in text
    assert "Eksjö (ingen fil)" in text


def test_charts_sorted_by_value_with_mean_and_alt_text(county):
    _, out, _ = county
    document = docx.Document(out / "jamforelse-2024.docx")
    ns = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
    alts = [d.get("descr") for d in document.element.body.iter(ns)]
    assert len(alts) == 6  # four bar charts, two trends
    bars = alts[0].split(" Ovägt medel")[0]
    assert bars.startswith("Liggande stapeldiagram, sorterat efter värde: Inkomna ärenden per")
    numbers = [float(v.replace(",", ".")) for v in re.findall(r": (\d+,\d)(?=;|\.)", bars)]
    assert numbers == sorted(numbers, reverse=True) and len(numbers) == 9
    assert "Ovägt medel: " in alts[0] and "ingen fil: Eksjö." in alts[0]
    assert alts[-1].startswith("Linjediagram, en ruta per kommun")


def test_axis_formatter_is_swedish():
    from matplotlib.figure import Figure

    from pipeline.comparison.charts import number_text, swedish_axis

    axes = Figure().subplots()
    swedish_axis(axes.xaxis, 1)
    assert axes.xaxis.get_major_formatter()(6.5, 0) == "6,5"
    assert number_text(1234.5) == "1\u00a0234,5" and number_text(6) == "6,0"


# --- open formats and the import rule -------------------------------------------------------


def _check_against_schema(csv_text: str, schema: dict) -> int:
    """A small Table Schema check: header, types, required fields and enums, row by row."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(csv_text)))
    fields = schema["fields"]
    assert rows[0] == [f["name"] for f in fields]
    for row in rows[1:]:
        for cell, spec in zip(row, fields, strict=True):
            constraints = spec.get("constraints", {})
            if cell in schema["missingValues"]:
                assert not constraints.get("required"), spec["name"]
                continue
            value = {"integer": int, "number": float, "string": str}[spec["type"]](cell)
            if "enum" in constraints:
                assert value in constraints["enum"], (spec["name"], value)
    return len(rows) - 1


def test_descriptors_describe_the_files(county, tmp_path):
    region, out, _ = county
    package = json.loads((out / "jamforelse-2024.datapackage.json").read_text(encoding="utf-8"))
    resource = package["resources"][0]
    assert package["profile"] == "tabular-data-package"
    assert resource["path"] == "jamforelse-2024.csv" and resource["name"] == "jamforelse-2024"
    tidy = (out / "jamforelse-2024.csv").read_text(encoding="utf-8")
    assert _check_against_schema(tidy, resource["schema"]) == 9 * 8 + 13 * 8
    descriptor = datapackage.key_figure_descriptor("Jönköping-2023-nyckeltal.csv")
    assert descriptor["name"] == "jonkoping-2023-nyckeltal"
    nyckeltal = (region / "Jönköping-2023-nyckeltal.csv").read_text(encoding="utf-8")
    schema = descriptor["resources"][0]["schema"]
    assert _check_against_schema(nyckeltal, schema) == len(figures("Jönköping", 2023))


def test_no_usable_files(tmp_path, capsys):
    folder = tmp_path / "tom"
    folder.mkdir()
    out = tmp_path / "out"
    assert cli.main(["compare", "--in", str(folder), "--out", str(out)]) == 1
    assert "Det finns inga användbara nyckeltal" in capsys.readouterr().out
    assert not out.exists()


def test_end_to_end_two_municipalities(tmp_path, capsys):
    """make report for two small municipalities, then make compare on their csv files."""
    from pipeline.coach import synthetic

    region = tmp_path / "region"
    region.mkdir()
    for namn in ("Aneby", "Mullsjö"):
        raw, out = tmp_path / namn, tmp_path / f"ut-{namn}"
        synthetic.write(raw, namn, 2024, seed=7)
        assert cli.main(["report", "--raw", str(raw), "--out", str(out)]) == 0
        shutil.copy(out / f"{namn}-2024-nyckeltal.csv", region)
    out = tmp_path / "jamforelse"
    assert cli.main(["compare", "--in", str(region), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "jamforelse-2024.csv",
        "jamforelse-2024.datapackage.json",
        "jamforelse-2024.docx",
        "jamforelse-2024.xlsx",
    ]
    _, table = _sheet(load_workbook(out / "jamforelse-2024.xlsx"), "Inflöde och samtal")
    values = compare.parse((region / "Aneby-2024-nyckeltal.csv").read_bytes()).values
    assert (
        table["Aneby"]["Inkomna ärenden"]
        == values[("0604", 2024)][("arenden_inkomna", "", "")].number
    )
    assert table["Habo"]["Inkomna ärenden"] == "ingen fil"
