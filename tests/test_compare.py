"""The regional comparison, from key-figure files written by the tests (fast, by hand)."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil

import docx
import pytest
from keyfigures import POPULATION, figures, load, text, write
from openpyxl import load_workbook

from pipeline.cli import main as cli
from pipeline.comparison import long_csv, reading, table, workbook
from pipeline.comparison.targets import Target
from pipeline.comparison.value import Value
from pipeline.contract import comparison as comparison_layout
from pipeline.contract import datapackage
from pipeline.contract import schema as contract
from pipeline.contract.comparison import Better, TargetStatus

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
        "andel_uteblivna;tio;lägre\n"
        "andel_med_forsta_samtal;90;lägre\n",
        encoding="utf-8",
    )
    out = base / "jamforelse"
    code = cli.main(["compare", "--in", str(region), "--out", str(out)])
    return region, out, code


@pytest.fixture(scope="module")
def measures_table(county):
    """The measures table of the same files, built again (the outputs are views of it)."""
    return table.build(load(county[0]))


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


def _grid(sheet) -> tuple[list[str], list[list]]:
    """A sheet's column names (its header levels joined by ' / ', merged cells filled in)
    and its rows below the header."""
    depth = int(re.sub(r"[A-Z]", "", sheet.freeze_panes)) - 1
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    for merged in sheet.merged_cells.ranges:
        if merged.min_row <= depth:
            value = cells[merged.min_row - 1][merged.min_col - 1]
            for r in range(merged.min_row - 1, min(merged.max_row, depth)):
                for c in range(merged.min_col - 1, merged.max_col):
                    cells[r][c] = value
    names = [
        " / ".join(dict.fromkeys(str(cells[r][c]) for r in range(depth) if cells[r][c]))
        for c in range(len(cells[0]))
    ]
    return names, cells[depth:]


def _sheet(book, name):
    names, rows = _grid(book[name])
    return names, {row[1] or row[0]: dict(zip(names, row, strict=True)) for row in rows}


def _value_column(m) -> str:
    """The Mått sheet's column of a measure's value."""
    unit = "Procent" if m.procent else ("Dagar" if not m.summable else "Per 1 000 inv.")
    return f"{m.rubrik} / {unit}" + (
        "" if m.battre == Better.NEITHER else f", {m.battre} är bättre"
    )


@pytest.fixture(scope="module")
def book(county):
    return load_workbook(county[1] / "jamforelse-2024.xlsx")


def rate(namn, year, nyckeltal, scale=1000):
    values = figures(namn, year)
    return values[(nyckeltal, "", "")] / values[("invanare", "", "")] * scale


def published(number: float, decimals: int = 1) -> float:
    from pipeline.publish.formatting import round_half_away

    return round_half_away(number, decimals)


# --- reading what people send -----------------------------------------------------------


def test_every_municipality_row_says_what_it_has(county, book, capsys):
    _, _, code = county
    assert code == 1  # a conflict and two bad files
    _, table_rows = _sheet(book, "Mått")
    first = _value_column(comparison_layout.measures()[0])
    states = {"Mullsjö": "motstridiga filer", "Vaggeryd": "fel i filen"}
    states |= {"Jönköping": "fel i filen", "Eksjö": "ingen fil"}
    for kommun in contract.kommuner():
        row = table_rows[kommun.namn]
        assert row["Kommunkod"] == kommun.kod
        if kommun.namn in states:
            assert row[first] == states[kommun.namn], kommun.namn
        else:
            assert row[first] == published(rate(kommun.namn, 2024, "arenden_inkomna"))
    assert SUM_9 in next(k for k in table_rows if str(k).startswith("Summa"))


def test_each_file_fate_on_one_line(county, book):
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
    parsed = reading.parse(excel_resave(original))
    assert parsed.values == reading.parse(original.encode()).values
    cp1252 = excel_resave(original).decode("utf-8-sig").encode("cp1252")
    assert reading.parse(cp1252).values == parsed.values
    assert reading.parse(cp1252).notes == [
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
    comparison = load(folder)
    assert comparison.state("0643") is None
    received = figures("Habo", 2024)[("arenden_inkomna", "", "")]
    assert comparison.figure("0643", ("arenden_inkomna", "", "")).number == received
    copy = next(f for f in comparison.fates if f.name == "habo-igen.csv")
    assert copy.status == "kopia"
    assert "(samma nyckeltal)" in copy.line()


def test_old_file_figures_are_missing_never_zero(county, book):
    _, table_rows = _sheet(book, "Mått")
    gislaved = table_rows["Gislaved"]
    for m in comparison_layout.measures():
        if m.id.startswith("andel") and m.id != "andel_uteblivna" or m.id.startswith("vantetid"):
            assert gislaved[_value_column(m)] == "–", m.id
    summa = next(v for k, v in table_rows.items() if str(k).startswith("Summa"))
    assert summa[_value_column(comparison_layout.measure("andel_inom_30_dagar"))] == "–"
    assert summa[_value_column(comparison_layout.measure("vantetid_dagar_median"))] == "–"


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
    comparison = load(folder)
    bad = next(f for f in comparison.fates if f.name == "habo.csv")
    assert bad.status == "fel i filen"
    assert expected in bad.line()
    assert comparison.state("0604") is None


# --- measures, shares, honest sums ------------------------------------------------------


def test_measures_and_shares_from_the_files(county, book):
    names, table_rows = _sheet(book, "Mått")
    habo = figures("Habo", 2024)
    inom = comparison_layout.measure("andel_inom_30_dagar")
    within, received = (
        habo[("forsta_samtal_inom_30_dagar", "", "")],
        habo[("arenden_inkomna", "", "")],
    )
    assert table_rows["Habo"][_value_column(inom)] == published(within / received * 100)
    # The numerator and the denominator stand beside the share.
    assert table_rows["Habo"][f"{inom.rubrik} / Första samtal inom 30 dagar"] == within
    assert table_rows["Habo"][f"{inom.rubrik} / Inkomna ärenden"] == received
    uteblivna = habo[("uteblivna_samtal", "", "")]
    talks = uteblivna + habo[("forsta_samtal", "", "")] + habo[("uppfoljande_samtal", "", "")]
    ute = comparison_layout.measure("andel_uteblivna")
    assert table_rows["Habo"][_value_column(ute)] == published(uteblivna / talks * 100)
    assert table_rows["Habo"][f"{ute.rubrik} / Bokade samtal"] == talks
    ja, delvis, nej = (
        habo[("klienter_med_uppfoljning", "foljsamhet", k)] for k in ("Ja", "Delvis", "Nej")
    )
    planen = comparison_layout.measure("andel_foljer_planen")
    assert table_rows["Habo"][_value_column(planen)] == published(ja / (ja + delvis + nej) * 100)
    median = comparison_layout.measure("vantetid_dagar_median")
    assert table_rows["Habo"][_value_column(median)] == 15.5
    assert table_rows["Habo"][f"{median.rubrik} / Ärenden med första samtal"] == round(
        received * 0.8
    )
    _, shares = _sheet(book, "Kön och ålder")
    women = habo[("arenden_inkomna", "kon", "Kvinna")]
    assert shares["Habo"]["Kön / Kvinna / %"] == published(women / received * 100)
    assert shares["Habo"]["Kön / Kvinna / Antal"] == women
    assert shares["Habo"]["Kön / Totalt"] == received
    assert shares["Habo"]["Kön / Annat/uppger ej / %"] == ".."  # a hidden count
    assert shares["Habo"]["Kön / Annat/uppger ej / Antal"] == ".."


def test_sum_row_label_and_lower_bounds(county, book):
    present = ["Aneby", "Gnosjö", "Habo", "Gislaved", "Nässjö", "Värnamo", "Sävsjö"]
    present += ["Vetlanda", "Tranås"]
    people = sum(POPULATION[n] for n in present)
    share = published(people / sum(POPULATION.values()) * 100, 0)
    _, counts = _sheet(book, "Inflöde och samtal")
    label = f"{SUM_9}, {share:.0f} % av länets invånare"
    assert label in counts
    assert counts[label]["Inkomna ärenden"] == sum(
        figures(n, 2024)[("arenden_inkomna", "", "")] for n in present
    )
    assert counts[label]["Styrgruppsmöten"] == "summeras inte"
    _, shares = _sheet(book, "Kön och ålder")
    visible = sum(figures(n, 2024).get(("arenden_inkomna", "kon", "Man")) or 0 for n in present)
    assert any(figures(n, 2024).get(("arenden_inkomna", "kon", "Man"), 0) is None for n in present)
    assert shares[label]["Kön / Man / Antal"] == f"≥ {visible}"  # never an exact number
    # Every municipality hides Man here: the least the county's share can be is 0, which says
    # nothing, so it is hidden (a real bound: test_compare_measures).
    assert visible == 0 and shares[label]["Kön / Man / %"] == ".."
    kvinna = shares[label]["Kön / Kvinna / %"]
    total = sum(figures(n, 2024)[("arenden_inkomna", "", "")] for n in present)
    women = sum(figures(n, 2024)[("arenden_inkomna", "kon", "Kvinna")] for n in present)
    assert kvinna == published(women / total * 100)
    for spread in ("Ovägt medel", "Lägsta", "Median", "Högsta"):
        assert shares[spread]["Kön / Man / %"] == "..", spread


def test_the_spread_beside_the_mean(county, book):
    """Issue 20: minimum, median and maximum beside the unweighted mean."""
    _, table_rows = _sheet(book, "Mått")
    column = _value_column(comparison_layout.measure("arenden_per_1000"))
    present = ["Aneby", "Gnosjö", "Habo", "Gislaved", "Nässjö", "Värnamo", "Sävsjö"]
    values = sorted(rate(n, 2024, "arenden_inkomna") for n in present + ["Vetlanda", "Tranås"])
    assert table_rows["Ovägt medel"][column] == published(sum(values) / len(values))
    assert table_rows["Lägsta"][column] == published(values[0])
    assert table_rows["Median"][column] == published(values[4])
    assert table_rows["Högsta"][column] == published(values[-1])


def test_colours_rank_comparable_columns_by_their_better_direction(book, measures_table):
    """Blue for the best quarter, orange for the worst, following `battre`; one purple hue
    where neither direction is better; never on counts."""
    names, rows = _grid(book["Mått"])
    fills = {}
    for series in measures_table.of_kind(table.Kind.MEASURE):
        column = names.index(_value_column(series.measure)) + 1
        for row in range(3, 16):
            cell = book["Mått"].cell(row=row, column=column)
            kommun = book["Mått"].cell(row=row, column=2).value
            colour = cell.fill.fgColor.rgb[-6:] if cell.fill.fill_type else None
            fills[(series.id, kommun)] = colour
    best = {"högre": "92C5DE"}
    for series in measures_table.of_kind(table.Kind.MEASURE):
        for found in measures_table.column(series.id):
            if found.state is not None:
                continue  # grey: no figures
            colour = fills[(series.id, found.kommun)]
            expected = workbook.band_fill(series, found.band)
            assert colour == (expected.fgColor.rgb[-6:] if expected else None), (
                series.id,
                found.kommun,
            )
    # Lower is better for no-shows: the lowest share is blue, the highest orange.
    ute = [c for c in measures_table.column("andel_uteblivna") if c.value.exact]
    lowest = min(ute, key=lambda c: c.value.number)
    highest = max(ute, key=lambda c: c.value.number)
    assert fills[("andel_uteblivna", lowest.kommun)] == "92C5DE" == best["högre"]
    assert fills[("andel_uteblivna", highest.kommun)] == "F4A582"
    neither = [c for c in measures_table.column("arenden_per_1000") if c.state is None]
    purples = {"BCBDDC", "DADAEB", "F2F0F7"}
    assert {fills[("arenden_per_1000", c.kommun)] for c in neither} == purples
    for name in ("Inflöde och samtal", "Fokusområden"):
        assert not any(
            c.fill.fill_type and c.fill.fgColor.rgb[-6:] in ("92C5DE", "F4A582")
            for row in book[name].iter_rows(min_row=3)
            for c in row
        ), name
    about = [r[1] for r in book["Om jämförelsen"].iter_rows(values_only=True)]
    assert "Bland de 25 % bästa (högre eller lägre är bättre)." in about


def test_small_bases_are_marked(tmp_path):
    """Issue 20: 40 % of 40 coloured like 73 % of 805: a denominator under 20 is marked."""
    folder = tmp_path / "r"
    folder.mkdir()
    small = figures("Aneby", 2024)
    small[("klienter_med_uppfoljning", "", "")] = 12
    for kategori, n in (("Ja", 6), ("Delvis", 3), ("Nej", 3), ("uppgift saknas", 0)):
        small[("klienter_med_uppfoljning", "foljsamhet", kategori)] = n
    write(folder, "Aneby", 2024, small)
    write(folder, "Habo", 2024)
    measures_table = table.build(load(folder))
    aneby = measures_table.cell("0604", "andel_foljer_planen")
    assert aneby.denominator == Value(12) and aneby.small_base
    habo = measures_table.cell("0643", "andel_foljer_planen")
    assert habo.denominator.number >= 20 and not habo.small_base
    rows = {(r["kommun"], r["matt"]): r for r in long_csv.rows(measures_table)}
    assert rows[("Aneby", "andel_foljer_planen")]["liten_bas"] == 1
    assert rows[("Aneby", "andel_foljer_planen")]["namnare"] == "12"
    assert rows[("Habo", "andel_foljer_planen")]["liten_bas"] == 0
    sheet = load_workbook(io.BytesIO(workbook.to_bytes(load(folder), measures_table)))["Mått"]
    names, grid = _grid(sheet)
    column = names.index(_value_column(comparison_layout.measure("andel_foljer_planen")))
    row = next(r for r in grid if r[1] == "Aneby")
    cell = sheet.cell(row=grid.index(row) + 3, column=column + 1)
    assert cell.value == 50.0 and cell.number_format.endswith('" *"')


def test_trend_years_as_columns_with_change_and_county(county):
    region, out, _ = county
    rows = list(load_workbook(out / "jamforelse-2024.xlsx")["Trend"].iter_rows(values_only=True))
    assert rows[0][0] == comparison_layout.measures()[0].rubrik
    assert rows[1][:5] == ("Kommunkod", "Kommun", "2023", "2024", "Förändring 2023–2024")
    habo = next(r for r in rows[2:16] if r[1] == "Habo")
    assert habo[2] == published(rate("Habo", 2023, "arenden_inkomna"))
    assert habo[3] == published(rate("Habo", 2024, "arenden_inkomna"))
    change = rate("Habo", 2024, "arenden_inkomna") - rate("Habo", 2023, "arenden_inkomna")
    assert habo[4] == published(change)
    eksjo = next(r for r in rows[2:16] if r[1] == "Eksjö")
    assert eksjo[3] == "ingen fil" and eksjo[4] == "–"
    assert rows[15][0] == "Kommunerna med fil tillsammans"
    block = next(
        i for i, r in enumerate(rows) if r[0] == comparison_layout.measure("andel_uteblivna").rubrik
    )
    assert rows[block + 1][4] == "Förändring 2023–2024 (procentenheter)"


def test_every_sheet_is_set_up_for_screen_and_print(book):
    """Landscape A4, frozen panes, the header rows repeated; a wide sheet prints as pages side
    by side at one scale, each page beginning at a measure's first column."""
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape", sheet.title
        if sheet.title != "Om jämförelsen":
            assert sheet.freeze_panes, sheet.title
        if sheet.title in ("Om jämförelsen", "Trend", "Filer"):
            continue
        depth = int(sheet.freeze_panes[1:]) - 1
        assert sheet.print_title_rows == f"$1:${depth}", sheet.title
        assert sheet.print_title_cols == "$A:$B", sheet.title
        names, _ = _grid(sheet)
        for brk in sheet.col_breaks.brk:  # a break before a measure's first column
            assert names[brk.id].split(" / ")[0] != names[brk.id - 1].split(" / ")[0], (
                sheet.title,
                names[brk.id],
            )
    measures_sheet = book["Mått"]
    assert 70 <= measures_sheet.page_setup.scale <= 100 and measures_sheet.col_breaks.brk


def _text_fits(sheet, cell, width: float, height: float | None) -> bool:
    """About one character per unit of column width; 15 pt a line."""
    from pipeline.publish.row_height import wrapped_height

    text = str(cell.value)
    room = width
    if cell.alignment.wrap_text:
        return height is None or wrapped_height([text], [room]) <= height + 0.5
    return len(text) <= room or cell.alignment.horizontal == "right"


def test_every_cell_has_a_font_and_no_label_is_cut(book):
    """Issue 20: total rows without a font (LibreOffice fell back to a bold serif), 'Summa,
    7 av 13 kommuner' cut off, a 79 pt header row."""
    from openpyxl.utils import get_column_letter

    for sheet in book.worksheets:
        merged = {}
        for span in sheet.merged_cells.ranges:
            width = sum(
                sheet.column_dimensions[get_column_letter(c)].width or 10
                for c in range(span.min_col, span.max_col + 1)
            )
            height = sum(
                sheet.row_dimensions[r].height or 15 for r in range(span.min_row, span.max_row + 1)
            )
            merged[(span.min_row, span.min_col)] = (width, height)
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                assert cell.font.name in ("Calibri",), (sheet.title, cell.coordinate)
                if not isinstance(cell.value, str) or sheet.title == "Filer":
                    continue
                width, height = merged.get(
                    (cell.row, cell.column),
                    (
                        sheet.column_dimensions[cell.column_letter].width or 10,
                        sheet.row_dimensions[cell.row].height,
                    ),
                )
                if (cell.row, cell.column) in merged or cell.alignment.wrap_text:
                    assert _text_fits(sheet, cell, width, height), (sheet.title, cell.value)
        if sheet.title in ("Om jämförelsen", "Filer", "Trend"):
            continue
        depth = int(sheet.freeze_panes[1:]) - 1
        for level in range(1, depth + 1):  # every header row at most four lines high
            assert sheet.row_dimensions[level].height <= 4 * 15 + 4, (sheet.title, level)


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
    assert Target("andel_inom_30_dagar", 80, Better(battre)).status(Value(value)) == status


def test_target_status_needs_an_exact_value():
    target = Target("andel_inom_30_dagar", 80, Better.HIGHER)
    assert target.status(Value(None, suppressed=True)) is None
    assert target.status(Value()) is None
    assert target.status(Value(90, at_least=True)) is None


def test_targets_in_workbook_and_report_and_bad_lines_reported(county, book, capsys):
    _, out, _ = county
    names, table_rows = _sheet(book, "Mått")
    inom = comparison_layout.measure("andel_inom_30_dagar")
    habo = table_rows["Habo"]
    value = habo[_value_column(inom)]
    expected = "uppnått" if value >= 70 else ("nära" if value >= 63 else "ej uppnått")
    assert habo[f"{inom.rubrik} / Mot målvärde (minst 70,0)"] == expected
    median = comparison_layout.measure("vantetid_dagar_median")
    assert habo[f"{median.rubrik} / Mot målvärde (högst 15,0)"] == "nära"  # 15,5: within 10 %
    about = [r[0] for r in book["Om jämförelsen"].iter_rows(values_only=True) if r[0]]
    assert (
        "malvarden.csv rad 4: okänt mått 'okant_matt'; raden hoppades över. Måtten är "
        + ", ".join(m.id for m in comparison_layout.measures())
        + "."
    ) in about
    assert "malvarden.csv rad 5: målvärdet 'tio' är inte ett tal; raden hoppades över." in about
    # The region's direction must agree with the measure's own (jamforelse.yaml's battre).
    assert (
        "malvarden.csv rad 6: battre är 'lägre', men för andel_med_forsta_samtal säger "
        "jamforelse.yaml att högre är bättre; raden hoppades över. Rätta battre eller ta bort "
        "raden."
    ) in about
    assert not any("Mot målvärde" in n for n in names if n.startswith("Andel ärenden med"))
    document = docx.Document(out / "jamforelse-2024.docx")
    habo_row = next(r for r in document.tables[0].rows if r.cells[0].text == "Habo")
    assert habo_row.cells[5].text.endswith("\n" + expected)
    assert habo_row.cells[8].text == "15,5\nnära"


def test_a_target_for_a_measure_where_neither_direction_is_better_is_skipped():
    comparison = reading.Comparison(2024, [2024], {}, [])
    from pipeline.comparison import targets

    targets.attach(comparison, "matt,malvarde,battre\narenden_per_1000,8,högre\n".encode())
    assert comparison.targets == {}
    assert comparison.target_problems == [
        "malvarden.csv rad 2: battre är 'högre', men för arenden_per_1000 säger jamforelse.yaml "
        "att inget håll är bättre; raden hoppades över. Rätta battre eller ta bort raden."
    ]


def test_without_targets_nothing_about_targets(tmp_path):
    folder = tmp_path / "r"
    folder.mkdir()
    for namn in ("Habo", "Aneby"):
        write(folder, namn, 2024)
    from pipeline.comparison.job import comparison_from_csvs, read_folder

    result = comparison_from_csvs(*read_folder(folder))
    assert result.ok
    book = load_workbook(io.BytesIO(result.files["jamforelse-2024.xlsx"]))
    names, _ = _grid(book["Mått"])
    assert not any("mål" in n.casefold() for n in names)
    about = " ".join(str(r[0]) for r in book["Om jämförelsen"].iter_rows(values_only=True))
    assert "målvärde" not in about.casefold()
    document = docx.Document(io.BytesIO(result.files["jamforelse-2024.docx"]))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "målvärde" not in body.casefold() and "uppnått" not in body
    assert all("uppnått" not in c.text for r in document.tables[0].rows for c in r.cells)
    rows = list(csv.DictReader(io.StringIO(result.files["jamforelse-2024.csv"].decode())))
    assert {r["malvarde"] for r in rows} == {""} and {r["status"] for r in rows} == {""}


# --- the report ---------------------------------------------------------------------------

SWEDISH = re.compile(r"^(≥ )?\d{1,3}(\u00a0\d{3})*,\d( \*)?$")


def test_report_numbers_are_swedish_with_one_decimal(county):
    _, out, _ = county
    document = docx.Document(out / "jamforelse-2024.docx")
    doc_table = document.tables[0]
    assert [c.text for c in doc_table.rows[0].cells] == [
        "Kommun",
        *[m.kort for m in comparison_layout.measures()],
    ]
    seen = 0
    for row in doc_table.rows[1:]:
        for cell in row.cells[1:]:
            first = cell.text.split("\n")[0]
            if first in ("", "..", "–", "ingen fil", "fel i filen", "motstridiga filer"):
                continue
            assert SWEDISH.match(first), first
            seen += 1
    assert seen > 50
    assert [r.cells[0].text for r in doc_table.rows[-4:]] == [
        "Ovägt medel",
        "Lägsta",
        "Median",
        "Högsta",
    ]
    text_all = "\n".join(p.text for p in document.paragraphs)
    assert (
        "Kommuner utan nyckeltal för 2024: Mullsjö (motstridiga filer), Vaggeryd (fel i "
        in text_all
    )
    assert "Eksjö (ingen fil)" in text_all


def test_a_chart_for_every_measure_sorted_from_best_with_mean_and_alt_text(county):
    """Issue 20: 4 of 8 measures had a chart. Bars run from the best value to the worst."""
    _, out, _ = county
    document = docx.Document(out / "jamforelse-2024.docx")
    ns = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
    alts = [d.get("descr") for d in document.element.body.iter(ns)]
    measures = comparison_layout.measures()
    assert len(alts) == len(measures) + 2  # a bar chart per measure, two trends
    for alt, m in zip(alts, measures, strict=False):
        assert f": {m.rubrik} 2024." in alt, m.id
        bars = alt.split(" Ovägt medel")[0].split(" Utan värde")[0]
        numbers = [float(v.replace(",", ".")) for v in re.findall(r": (\d+,\d)(?=[;.( ])", bars)]
        lower = m.battre == Better.LOWER
        assert numbers == sorted(numbers, reverse=not lower), m.id
        assert ("lägst först" if lower else "högst först") in alt
    assert len(re.findall(r": (\d+,\d)(?=;|\.)", alts[0].split(" Ovägt medel")[0])) == 9
    assert "Ovägt medel: " in alts[0] and "ingen fil: Eksjö." in alts[0]
    assert alts[-1].startswith("Linjediagram, en ruta per kommun")
    captions = [p.text for p in document.paragraphs if p.text.startswith(("Bäst:", "Högst:"))]
    assert len(captions) == len(measures)
    ute = next(c for c in captions if "Jönköping" in c or "Bäst:" in c)
    assert " av " in ute  # a share's best and worst with their numerator and denominator


def test_axis_formatter_is_swedish():
    from matplotlib.figure import Figure

    from pipeline.comparison.charts import swedish_axis

    axes = Figure().subplots()
    swedish_axis(axes.xaxis, 1)
    assert axes.xaxis.get_major_formatter()(6.5, 0) == "6,5"


# --- one table, three views --------------------------------------------------------------


def _shown(value: Value, decimals: int | None, small: bool = False):
    """What the workbook holds for a value: the published number, or its text."""
    if value.exact:
        return value.number if decimals is None else value.rounded(decimals)
    return value.text(decimals or 0)


def test_workbook_document_and_long_csv_agree_with_the_table_cell_for_cell(
    county, book, measures_table
):
    """Issue 19: the measures were computed three times. Now every view reads the table:
    each value, numerator, denominator, status, rank and summary, cell for cell."""
    names, rows = _grid(book["Mått"])
    by_name = {r[1]: r for r in rows}
    labels = {r[0]: r for r in rows if r[0] and not str(r[0]).isdigit()}
    checked = 0
    for series in measures_table.of_kind(table.Kind.MEASURE):
        m = series.measure
        value_at = names.index(_value_column(m))
        parts = {n: i for i, n in enumerate(names) if n.startswith(m.rubrik + " / ")}
        for found in measures_table.column(series.id):
            row = by_name[found.kommun]
            if found.state is not None:
                continue
            assert row[value_at] == _shown(found.value, 1), (series.id, found.kommun)
            if m.summable:
                assert row[parts[f"{m.rubrik} / {m.taljare_rubrik}"]] == _shown(
                    found.numerator, None
                )
            assert row[parts[f"{m.rubrik} / {m.namnare_rubrik}"]] == _shown(found.denominator, None)
            if series.target:
                status = next(i for n, i in parts.items() if "Mot målvärde" in n)
                assert row[status] == (found.status or "–")
            checked += 1
        summary = measures_table.summary(series.id)
        county_row = next(r for k, r in labels.items() if str(k).startswith("Summa"))
        assert county_row[value_at] == _shown(summary.county, 1)
        for label, value in zip(
            ("Ovägt medel", "Lägsta", "Median", "Högsta"),
            (summary.mean, summary.minimum, summary.median, summary.maximum),
            strict=True,
        ):
            assert labels[label][value_at] == _shown(value, 1), (series.id, label)
    assert checked == 9 * len(comparison_layout.measures())
    # The share sheets: each category's count and share, the breakdown's total.
    for group in comparison_layout.share_groups():
        names, rows = _grid(book[group.flik])
        by_name = {r[1]: r for r in rows}
        for kategori in group.categories():
            series = measures_table.get(comparison_layout.share_id(group.key(kategori)))
            share_at = names.index(f"{group.rubrik} / {kategori} / %")
            count_at = names.index(f"{group.rubrik} / {kategori} / Antal")
            for found in measures_table.column(series.id):
                if found.state is None:
                    row = by_name[found.kommun]
                    assert row[share_at] == _shown(found.value, 1), (series.id, found.kommun)
                    assert row[count_at] == _shown(found.numerator, None)
    # The document's table: each municipality's text and status, then county and spread.
    document = docx.Document(county[1] / "jamforelse-2024.docx")
    doc_rows = {r.cells[0].text: [c.text for c in r.cells[1:]] for r in document.tables[0].rows}
    from pipeline.comparison.document import cell_text

    for index, series in enumerate(measures_table.of_kind(table.Kind.MEASURE)):
        for found in measures_table.column(series.id):
            if found.state is not None:
                continue
            expected = cell_text(found, series) + (f"\n{found.status}" if found.status else "")
            assert doc_rows[found.kommun][index] == expected, (series.id, found.kommun)
        summary = measures_table.summary(series.id)
        assert doc_rows[measures_table.coverage[2024]][index] == summary.county.text(1)
        assert doc_rows["Median"][index] == summary.median.text(1)
    # The long csv: every row, as the table has it.
    lines = list(csv.DictReader(io.StringIO((county[1] / "jamforelse-2024.csv").read_text())))
    assert len(lines) == 9 * 8 + 13 * 8
    for line in lines:
        found = measures_table.cell(line["kommunkod"], line["matt"], int(line["ar"]))
        series = measures_table.get(line["matt"])
        expected = found.value.rounded(2)
        assert line["varde"] == ("" if expected is None else long_csv._plain(expected))
        assert line["undertryckt"] == str(int(found.value.suppressed))
        assert line["taljare"] == (
            long_csv._plain(found.numerator.number) if found.numerator.exact else ""
        )
        assert line["namnare"] == (
            long_csv._plain(found.denominator.number) if found.denominator.exact else ""
        )
        assert line["liten_bas"] == str(int(found.small_base))
        assert line["rang"] == ("" if found.rank is None else str(found.rank))
        assert line["battre"] == series.better
        assert line["status"] == (found.status or "")


def test_the_long_csv_rounds_halves_away_from_zero():
    """Issue 20: 12,5 is published as 13; the csv's two decimals round halves up too."""
    assert long_csv._plain(Value(0.125).rounded(2)) == "0.13"
    assert long_csv._plain(Value(2.675).rounded(2)) == "2.68"  # round() gives 2.67
    assert Value(12.5).text(0) == "13" and Value(0.25).text(1) == "0,3"


# --- open formats and the import rule -------------------------------------------------------


def _check_against_schema(csv_text: str, schema: dict) -> int:
    """A small Table Schema check: header, types, required fields and enums, row by row."""
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
            if "minimum" in constraints:
                assert value >= constraints["minimum"], (spec["name"], value)
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
    _, counts = _sheet(load_workbook(out / "jamforelse-2024.xlsx"), "Inflöde och samtal")
    values = reading.parse((region / "Aneby-2024-nyckeltal.csv").read_bytes()).values
    assert (
        counts["Aneby"]["Inkomna ärenden"]
        == values[("0604", 2024)][("arenden_inkomna", "", "")].number
    )
    assert counts["Habo"]["Inkomna ärenden"] == "ingen fil"


# --- the README --------------------------------------------------------------------------


def test_the_readme_lists_the_workbooks_sheets(book):
    """Issue 20: the README described a Demografi sheet and 'Länet totalt'."""
    from pipeline import config

    readme = (config.ROOT / "README.md").read_text(encoding="utf-8")
    listed = re.search(
        r"<!-- jamforelse-flikar:start -->(.*?)<!-- jamforelse-flikar:end -->", readme, re.S
    )
    assert listed, "README.md: the list of the comparison's sheets is gone"
    sheets = re.findall(r"^- \*([^*]+)\*", listed[1], re.M)
    assert sheets == book.sheetnames == workbook.sheet_names()
    assert "Demografi" not in readme and "Länet totalt" not in readme


# --- the core writes nothing; the folder job publishes its bytes ----------------------------

WRITING = {"os.mkdir", "os.rename", "os.replace", "os.remove", "os.rmdir", "os.truncate"}
WRITING |= {"shutil.copyfile", "shutil.move", "tempfile.mkstemp", "tempfile.mkdtemp"}
_watch: list | None = None


def _audit(event: str, args: tuple) -> None:
    """Records every attempt to write while a test watches (an audit hook cannot be removed,
    so it does nothing the rest of the time)."""
    if _watch is None:
        return
    if event == "open":
        path, mode, flags = (list(args) + [None, None])[:3]
        import os

        writes = any(c in str(mode or "") for c in "wax+") or bool(
            (flags or 0) & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
        )
        if writes:
            _watch.append((event, path))
    elif event in WRITING:
        _watch.append((event, args[:1]))


def test_the_core_writes_nothing_and_the_folder_job_publishes_its_bytes(county):
    """Issue 19: comparison_from_csvs takes the files' bytes and gives the outputs' bytes,
    opening nothing for writing; `make compare` publishes exactly those bytes."""
    global _watch
    import sys

    from pipeline import comparison_from_csvs
    from pipeline.comparison.job import read_folder
    from pipeline.publish.chart_style import document_font

    region, out, _ = county
    files, targets = read_folder(region)
    document_font()  # matplotlib's own font cache, made once when it is first imported
    sys.addaudithook(_audit)
    _watch = []
    try:
        result = comparison_from_csvs(files, targets)
    finally:
        attempts, _watch = _watch, None
    assert attempts == [], attempts[:8]
    assert sorted(result.files) == sorted(
        p.name for p in out.iterdir() if p.name.startswith("jamforelse")
    )
    for name, data in result.files.items():
        assert (out / name).read_bytes() == data, name
    assert [f.name for f in result.fates] == sorted(files)
    assert result.problems and not result.ok  # a conflict, two bad files, skipped targets
    assert result.table.cell("0643", "andel_inom_30_dagar").status in TargetStatus


# --- the document's pages, rendered (issue 20's layout rules) ------------------------------


def _office_missing() -> str | None:
    from pipeline.publish import pdf

    office = pdf.find_libreoffice()
    if office is None or not pdf.has_writer(office):
        return "LibreOffice Writer saknas (soffice)"
    if not all(shutil.which(t) for t in ("pdftotext", "pdftoppm")):
        return "poppler-utils (pdftotext, pdftoppm) saknas"
    if pdf.font_missing():
        return "typsnittet Calibri/Carlito saknas: sidorna skulle brytas annorlunda"
    return None


PAGE_CM, MARGIN_CM = 29.7, 2.5  # A4; the template's top and bottom margins


def _filled(png) -> float:
    """How far down the page's body its content reaches (0 to 1), footer aside."""
    from PIL import Image

    image = Image.open(png).convert("L")
    top = round(image.height * MARGIN_CM / PAGE_CM)
    bottom = round(image.height * (PAGE_CM - MARGIN_CM) / PAGE_CM)
    for y in range(bottom, top, -1):
        if image.crop((0, y, image.width, y + 1)).getextrema()[0] < 200:
            return (y - top) / (bottom - top)
    return 0.0


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


@pytest.mark.skipif(_office_missing() is not None, reason=_office_missing() or "")
def test_the_documents_pages_meet_the_layout_rules(county, tmp_path):
    """No page less than half full unless a chapter (Heading 1) begins on the next; every
    chart's heading and caption on one page; the table's header with its first rows."""
    import subprocess

    from pipeline.publish import pdf

    source = county[1] / "jamforelse-2024.docx"
    subprocess.run(
        [
            pdf.find_libreoffice(),
            f"-env:UserInstallation={(tmp_path / 'profil').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    made = tmp_path / "jamforelse-2024.pdf"
    pages = subprocess.run(
        ["pdftotext", "-layout", str(made), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")[:-1]
    subprocess.run(["pdftoppm", "-r", "30", "-gray", "-png", str(made), str(tmp_path / "s")])
    fills = [_filled(p) for p in sorted(tmp_path.glob("s-*.png"))]
    assert len(fills) == len(pages) >= 6
    document = docx.Document(source)
    paragraphs = [p for p in document.paragraphs if p.text.strip()]
    chapters = [_flat(p.text) for p in paragraphs if p.style.name == "Heading 1"]
    seen = ", ".join(f"sida {n}: {f:.0%}" for n, f in enumerate(fills, 1))
    for number, (fill, following) in enumerate(zip(fills, pages[1:], strict=False), start=1):
        first_line = _flat(next(line for line in following.splitlines() if line.strip()))
        assert fill >= 0.5 or first_line in chapters, f"sida {number} ({seen})"
    # Each chart: its heading (Heading 2) and its caption (the next text) on one page.
    where = [_flat(p) for p in pages]
    for index, paragraph in enumerate(paragraphs):
        if paragraph.style.name != "Heading 2" or index + 1 >= len(paragraphs):
            continue
        heading, caption = _flat(paragraph.text), _flat(paragraphs[index + 1].text)[:40]
        on = [n for n, text_ in enumerate(where) if heading in text_]
        if caption.startswith(("Bäst:", "Högst:")):
            assert on and caption in where[on[0]], (heading, seen)
    header = [n for n, text_ in enumerate(pages) if re.search(r"^Kommun +Ärenden", text_, re.M)]
    assert header and re.search(r"^Aneby ", pages[header[0]], re.M)
