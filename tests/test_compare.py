"""The regional comparison over many municipalities' key-figure files."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil

import docx
import pytest
from openpyxl import load_workbook

from pipeline import cli, contract, synthetic

YEARS = (2022, 2023, 2024)
LEFT_OUT = "Eksjö"  # no file for 2024


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """13 municipalities × 3 years: synthetic input → make report → the csv files."""
    base = tmp_path_factory.mktemp("lan")
    region = base / "region"
    region.mkdir()
    for kommun in contract.kommuner():
        for year in YEARS:
            raw, out = base / f"{kommun.namn}-{year}", base / f"ut-{kommun.namn}-{year}"
            synthetic.write(raw, kommun.namn, year, seed=7)
            assert cli.main(["report", "--raw", str(raw), "--out", str(out)]) == 0
            if (kommun.namn, year) != (LEFT_OUT, 2024):
                name = f"{kommun.namn}-{year}-nyckeltal.csv"
                shutil.copy(out / name, region / name)
    out = base / "jamforelse"
    code = cli.main(["compare", "--in", str(region), "--out", str(out)])
    return region, out, code


def _csv_values(region, year):
    """{(kommun, nyckeltal, dimension, kategori): (varde, undertryckt)} from the files."""
    values = {}
    for path in region.glob(f"*-{year}-nyckeltal.csv"):
        for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))):
            key = (row["kommun"], row["nyckeltal"], row["dimension"], row["kategori"])
            values[key] = (row["varde"], row["undertryckt"])
    return values


def _sheet(book, name):
    rows = list(book[name].iter_rows(values_only=True))
    header = rows[0]
    return header, {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}


def test_comparison_runs_clean(county, capsys):
    _, out, code = county
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == ["jamforelse-2024.docx", "jamforelse-2024.xlsx"]


def test_figures_match_the_csv_files(county):
    region, out, _ = county
    book = load_workbook(out / "jamforelse-2024.xlsx")
    assert book.sheetnames == [
        "Om jämförelsen",
        "Inflöde och samtal",
        "Fokusområden",
        "Demografi",
        "Trend",
        "Filer",
    ]
    _, table = _sheet(book, "Inflöde och samtal")
    values = _csv_values(region, 2024)
    present = [k.namn for k in contract.kommuner() if k.namn != LEFT_OUT]
    assert list(table)[:13] == [k.namn for k in contract.kommuner()]
    total = 0
    rates = []
    for name in present:
        received = int(values[(name, "arenden_inkomna", "", "")][0])
        inhabitants = int(values[(name, "invanare", "", "")][0])
        assert table[name]["Kommunkod"] == contract.kommun(name).kod
        assert table[name]["Inkomna ärenden"] == received
        assert table[name]["Invånare"] == inhabitants
        rate = received / inhabitants * 1000
        assert table[name]["Inkomna ärenden per 1 000 inv."] == pytest.approx(rate)
        total += received
        rates.append(rate)
    assert table["Länet totalt"]["Inkomna ärenden"] == total
    assert table["Ovägt medel"]["Inkomna ärenden"] == pytest.approx(total / len(present))
    assert table["Ovägt medel"]["Inkomna ärenden per 1 000 inv."] == pytest.approx(
        sum(rates) / len(rates)
    )
    people = sum(int(values[(n, "invanare", "", "")][0]) for n in present)
    assert table["Länet totalt"]["Inkomna ärenden per 1 000 inv."] == pytest.approx(
        total / people * 1000
    )


def test_municipality_without_a_file_is_shown_missing(county):
    _, out, _ = county
    book = load_workbook(out / "jamforelse-2024.xlsx")
    sheet = book["Inflöde och samtal"]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[1].value == LEFT_OUT)
    assert row[3].value == "ingen fil"
    assert row[0].fill.fgColor.rgb.endswith("D9D9D9")
    about = [r[0] for r in book["Om jämförelsen"].iter_rows(values_only=True) if r[0]]
    assert f"Kommuner utan fil: {LEFT_OUT}." in about


def test_suppressed_values_are_dots_never_zero(county):
    region, out, _ = county
    book = load_workbook(out / "jamforelse-2024.xlsx")
    header, table = _sheet(book, "Demografi")
    values = _csv_values(region, 2024)
    hidden = [(k[0], k[3]) for k, v in values.items() if k[2] == "kon" and v[1] == "1"]
    assert hidden, "the synthetic county should have some suppressed counts"
    for name, kategori in hidden:
        assert table[name][f"Kön: {kategori}"] == ".."
        assert table["Länet totalt"][f"Kön: {kategori}"] == ".."
        assert table["Ovägt medel"][f"Kön: {kategori}"] == ".."


def test_rank_colour_scale_on_every_figure_column(county):
    _, out, _ = county
    book = load_workbook(out / "jamforelse-2024.xlsx")
    for name in ("Inflöde och samtal", "Fokusområden", "Demografi"):
        sheet = book[name]
        figure_columns = sheet.max_column - 3
        rules = [(str(cf.sqref), rule) for cf in sheet.conditional_formatting for rule in cf.rules]
        assert len(rules) == figure_columns
        for sqref, rule in rules:
            assert rule.type == "colorScale"
            assert [v.type for v in rule.colorScale.cfvo] == ["percentile"] * 3
            assert sqref.endswith("14")  # the 13 municipalities, not the total rows


def test_trend_and_files_sheets(county):
    region, out, _ = county
    book = load_workbook(out / "jamforelse-2024.xlsx")
    trend = list(book["Trend"].iter_rows(min_row=2, values_only=True))
    assert len(trend) == 13 * 3
    assert {row[2] for row in trend} == set(YEARS)
    files = {r[0]: r for r in book["Filer"].iter_rows(min_row=2, values_only=True)}
    assert len(files) == 13 * 3 - 1
    name = "Vaggeryd-2023-nyckeltal.csv"
    assert files[name][1] == hashlib.sha256((region / name).read_bytes()).hexdigest()
    assert files[name][3] == "används"


def test_word_report_with_charts_and_alt_text(county):
    _, out, _ = county
    document = docx.Document(out / "jamforelse-2024.docx")
    text = [p.text for p in document.paragraphs]
    assert "Kommuner utan nyckeltalsfil för 2024: Eksjö." in text
    table = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert table[0][0] == "Kommun" and len(table) == 1 + 13 + 2
    assert next(r for r in table if r[0] == LEFT_OUT)[1] == "ingen fil"
    doc_prs = document.element.body.findall(
        ".//{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
    )
    assert len(doc_prs) == 5
    assert all(d.get("descr") for d in doc_prs)
    assert doc_prs[-1].get("descr").startswith("Linjediagram: inkomna ärenden per 1 000")


# --- bad input ---------------------------------------------------------------------

HEADER = "schema_version,kommunkod,kommun,ar,nyckeltal,dimension,kategori,varde,undertryckt\n"


def _file(folder, name, kod="0643", kommun="Habo", year=2023, version="1", value="12"):
    text = HEADER + f"{version},{kod},{kommun},{year},arenden_inkomna,,,{value},0\n"
    text += f"{version},{kod},{kommun},{year},invanare,,,12500,0\n"
    (folder / name).write_text(text, encoding="utf-8")


@pytest.fixture
def region(tmp_path):
    folder = tmp_path / "region"
    folder.mkdir()
    _file(folder, "Aneby-2023-nyckeltal.csv", "0604", "Aneby")
    return folder


BAD_FILES = {
    "fel schemaversion": (
        lambda f: _file(f, "habo.csv", version="2"),
        "Hoppade över habo.csv: Filen har schema_version 2; jämförelsen läser version 1. "
        "Skapa filen på nytt med programmets senaste version.",
    ),
    "kolumner saknas": (
        lambda f: (f / "habo.csv").write_text("kommun,varde\nHabo,12\n", encoding="utf-8"),
        "Hoppade över habo.csv: Kolumner saknas: schema_version, kommunkod, ar, nyckeltal, "
        "dimension, kategori, undertryckt. Det här ser inte ut som en nyckeltalsfil.",
    ),
    "okänd kommunkod": (
        lambda f: _file(f, "habo.csv", kod="0999"),
        "Hoppade över habo.csv: Rad 2: okänd kommunkod '0999'. Länets kommuner har koderna "
        "0604–0687.",
    ),
    "värde som inte är ett tal": (
        lambda f: _file(f, "habo.csv", value="tolv"),
        "Hoppade över habo.csv: Rad 2: värdet 'tolv' för arenden_inkomna är inte ett tal.",
    ),
    "skräp": (
        lambda f: (f / "habo.csv").write_bytes(b"\xff\xfe\x00garbage\x00\x81"),
        "Hoppade över habo.csv: Filen är inte sparad som UTF-8 text.",
    ),
    "fel kommunnamn för koden": (
        lambda f: _file(f, "habo.csv", kommun="Tranås"),
        "Hoppade över habo.csv: Rad 2: kommunkod 0643 är Habo, inte 'Tranås'.",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_files_are_skipped_and_named(region, tmp_path, capsys, case):
    make, expected = BAD_FILES[case]
    make(region)
    out = tmp_path / "out"
    assert cli.main(["compare", "--in", str(region), "--out", str(out)]) == 1
    printed = capsys.readouterr().out
    assert expected in printed
    assert "Läste 2 filer: 1 används, 1 hoppades över." in printed
    book = load_workbook(out / "jamforelse-2023.xlsx")
    files = {r[0]: r for r in book["Filer"].iter_rows(min_row=2, values_only=True)}
    assert files["habo.csv"][3] == "hoppades över"
    _, table = _sheet(book, "Inflöde och samtal")
    assert table["Aneby"]["Inkomna ärenden"] == 12
    assert table["Habo"]["Inkomna ärenden"] == "ingen fil"


def test_same_municipality_and_year_twice(region, tmp_path, capsys):
    _file(region, "habo-a.csv")
    _file(region, "habo-b.csv", value="13")
    assert cli.main(["compare", "--in", str(region), "--out", str(tmp_path / "o")]) == 1
    printed = capsys.readouterr().out
    assert (
        "Hoppade över habo-a.csv: Habo 2023 finns i flera filer: habo-a.csv och "
        "habo-b.csv. Ingen av dem används; ta bort den som är fel."
    ) in printed
    assert "Hoppade över habo-b.csv: Habo 2023 finns i flera filer" in printed


def test_no_usable_files(tmp_path, capsys):
    folder = tmp_path / "tom"
    folder.mkdir()
    out = tmp_path / "out"
    assert cli.main(["compare", "--in", str(folder), "--out", str(out)]) == 1
    assert "Det finns inga användbara nyckeltal" in capsys.readouterr().out
    assert not out.exists()


def test_example_generator_command(tmp_path, capsys):
    target = tmp_path / "ex"
    assert (
        cli.main(
            ["exempel", "--kommun", "tranås", "--ar", "2023", "--seed", "3", "--ut", str(target)]
        )
        == 0
    )
    assert sorted(p.name for p in target.iterdir()) == [
        "aktiviteter.xlsx",
        "remisser.xlsx",
        "verksamhet.xlsx",
    ]
    assert cli.main(["exempel", "--kommun", "Tranås", "--ar", "2023", "--ut", str(target)]) == 1
    assert "Inget skrevs över" in capsys.readouterr().out
    assert cli.main(["exempel", "--kommun", "Växjö", "--ar", "2023"]) == 1
    assert "Okänd kommun 'Växjö'" in capsys.readouterr().out
