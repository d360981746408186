"""/region/: the county's live view, computed by the comparison's own code; the
comparison's files; the audit log."""

from __future__ import annotations

import re
from html import unescape

import openpyxl
import pytest

from pipeline.comparison.document import cell_text
from pipeline.comparison.job import build_comparison
from pipeline.comparison.table import Kind
from pipeline.contract import schema as contract
from pipeline.contract.comparison import measures
from pipeline.web import region
from pipeline.web.models import AuditLog, Submission
from pipeline.web.tests.conftest import kommun_namn

ALL = [k.kod for k in contract.kommuner()]


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def table_rows(html: str, caption: str) -> dict[str, list[str]]:
    """The table whose caption begins with `caption`: each row's header → its cells' text
    (visually hidden words left out)."""
    start = html.index(caption)
    section = html[html.rindex("<table", 0, start) : html.index("</table>", start)]
    section = re.sub(r'<span class="visually-hidden">.*?</span>', "", section, flags=re.S)
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", section, flags=re.S):
        cells = re.findall(r"<t([hd])([^>]*)>(.*?)</t[hd]>", row, flags=re.S)
        if cells and cells[0][0] == "h" and 'scope="row"' in cells[0][1]:
            texts = []
            for _, _, inner in cells[1:]:
                status = re.search(r'<span class="status[^"]*">(.*?)</span>', inner)
                inner = re.sub(r'<span class="status[^"]*">.*?</span>', "", inner)
                texts.append(text_of(inner) + (f" [{status[1]}]" if status else ""))
            rows[text_of(cells[0][2])] = texts
    return rows


@pytest.fixture
def region_client(client, region_user):
    client.force_login(region_user)
    return client


def page(client, query: str = "") -> str:
    response = client.get("/region/" + query)
    assert response.status_code == 200
    return response.content.decode()


def workbook_values(path) -> dict[tuple[str, str], float | str | None]:
    """The Mått sheet of make compare's workbook: (kommun, measure id) → the value cell."""
    sheet = openpyxl.load_workbook(path)["Mått"]
    heading = {sheet.cell(1, c).value: c for c in range(1, sheet.max_column + 1)}
    found = {}
    for row in range(3, 3 + len(ALL)):
        name = sheet.cell(row, 2).value
        for m in measures():
            found[(name, m.id)] = sheet.cell(row, heading[m.rubrik]).value
    return found


def as_number(text: str) -> float | str:
    text = text.removesuffix(" *")
    if text in ("..", "–"):
        return text
    return float(text.replace("\u00a0", "").replace(" ", "").replace(",", "."))


def test_the_page_and_make_compare_agree_on_every_measure(
    region_client, store_figures, tmp_path, no_charts
):
    """The same key-figure files in a folder, `make compare`'s folder job over them: every
    municipality's every measure on the page is the workbook's value, and the text the
    comparison's own report writes."""
    plan = {kod: [2023, 2024] for kod in ALL[:11]} | {ALL[11]: [2023]}
    files = store_figures(plan, hidden={(ALL[0], 2024): ("uteblivna_samtal",)})
    folder = tmp_path / "region"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    assert region.key_figure_files(region.latest_ids()) == files  # rebuilt byte for byte
    for year in (2023, 2024):
        run = build_comparison(folder, tmp_path / f"ut-{year}", year)
        table = run.result.table
        shown = table_rows(page(region_client, f"?ar={year}"), "Måtten per kommun")
        in_workbook = workbook_values(run.paths["arbetsbok"])
        series = table.of_kind(Kind.MEASURE)
        for kommun in contract.kommuner():
            cells = shown[kommun.namn]
            if table.cell(kommun.kod, series[0].id, year).state:
                assert cells == ["ingen inlämning"], (kommun.namn, year)
                continue
            assert cells == [cell_text(table.cell(kommun.kod, s.id, year), s) for s in series], (
                kommun.namn,
                year,
            )
            for text, s in zip(cells, series, strict=True):
                expected = in_workbook[(kommun.namn, s.id)]
                assert as_number(text) == (expected if expected is not None else "–"), (
                    kommun.namn,
                    s.id,
                    year,
                )
        head, covers = table.coverage[year].split(", ", 1)  # "Summa", "12 av 13 kommuner"
        summary = shown[f"{head} {covers}"]
        assert summary == [table.summary(s.id, year).county.text(s.decimals) for s in series]
        assert shown["Ovägt medel"] == [
            table.summary(s.id, year).mean.text(s.decimals) for s in series
        ]
    # The hidden value is '..' on the page as in the workbook.
    assert shown[kommun_namn(ALL[0])][[s.id for s in series].index("andel_uteblivna")] == ".."


@pytest.fixture
def no_charts(monkeypatch):
    """The comparison's Word report without its charts' seconds: a stand-in made from the
    same table (so equal bytes still mean the same figures); the real one is tested once."""
    from pipeline.comparison import document, long_csv

    def render(comparison, table):
        return b"docx " + str(comparison.year).encode() + long_csv.to_bytes(table), []

    monkeypatch.setattr(document, "render", render)


SUFFIXES = ("xlsx", "docx", "csv", "datapackage.json")


def folder_of(files: dict[str, bytes], folder):
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def test_the_downloads_are_make_compares_files_and_logged(
    region_client, store_figures, tmp_path, no_charts
):
    files = store_figures({kod: [2023, 2024] for kod in ALL[:3]} | {ALL[3]: [2024]})
    folder = folder_of(files, tmp_path / "region")
    for year in (2024, 2023):
        out = tmp_path / f"ut-{year}"
        build_comparison(folder, out, year)
        for suffix in SUFFIXES:
            name = f"jamforelse-{year}.{suffix}"
            response = region_client.get(f"/region/filer/{name}")
            assert response.status_code == 200, name
            assert response.content == (out / name).read_bytes(), name
            assert response["Content-Disposition"] == f'attachment; filename="{name}"'
            assert response["Cache-Control"] == "private, no-store"
    downloads = AuditLog.objects.filter(action=AuditLog.DOWNLOADED)
    assert sorted(downloads.values_list("detail", flat=True)) == sorted(
        f"jamforelse-{y}.{s}" for y in (2023, 2024) for s in SUFFIXES
    )
    assert set(downloads.values_list("username", flat=True)) == {"rita"}
    # Not a file of the comparison, or a year without figures: 404, nothing logged.
    for name in ("jamforelse-2019.xlsx", "jamforelse-2024.pdf", "Habo-2024-nyckeltal.csv"):
        assert region_client.get(f"/region/filer/{name}").status_code == 404
    assert downloads.count() == 8


def test_the_word_report_is_make_compares_byte_for_byte(region_client, store_figures, tmp_path):
    files = store_figures({"0643": [2024]})
    out = tmp_path / "ut"
    build_comparison(folder_of(files, tmp_path / "region"), out)
    response = region_client.get("/region/filer/jamforelse-2024.docx")
    assert response.content == (out / "jamforelse-2024.docx").read_bytes()


def test_the_latest_year_by_default_another_by_ar_and_a_year_without_figures(
    region_client, store_figures
):
    store_figures({"0643": [2021, 2024], "0665": [2024]})
    html = page(region_client)
    assert "<h1>Länets kommuner 2024</h1>" in html
    assert '<option value="2024" selected>' in html
    # The years between are offered too; a year without figures says so, and why.
    years = html[html.index('<select name="ar"') : html.index("</select>")]
    assert re.findall(r'<option value="(\d{4})"', years) == ["2024", "2023", "2022", "2021"]
    html = page(region_client, "?ar=2022")
    assert "Inga nyckeltal för 2022" in html
    assert "Ingen kommun har skickat in nyckeltal för 2022." in html
    assert "Varför kommunerna saknar" not in html and "Inlämningar 2022" not in html
    assert 'href="/region/?ar=2021&amp;matt=arenden_per_1000">2021</a>' in html
    html = page(region_client, "?ar=2021")
    rows = table_rows(html, "Måtten per kommun")
    assert rows["Vaggeryd"] == ["ingen inlämning"] and rows["Habo"][0] != "ingen inlämning"


def test_a_wrong_year_or_measure_is_said_and_the_default_shown(region_client, store_figures):
    store_figures({"0643": [2024]})
    html = unescape(page(region_client, "?ar=tjugo&matt=okänt"))
    assert "<title>Fel: Länets kommuner 2024" in html
    assert "Året 'tjugo' finns inte." in html
    assert "Måttet 'okänt' finns inte. Välj ett mått i listan." in html
    assert 'href="#id_matt"' in html
    assert '<h2 id="karta">Inkomna ärenden per 1 000 invånare, 2024</h2>' in html


def test_the_map_carries_each_municipalitys_name_and_value(region_client, store_figures):
    store_figures({kod: [2024] for kod in ALL[:12]}, hidden={(ALL[1], 2024): ("uteblivna_samtal",)})
    measured = region.Stored.now().measured()
    html = unescape(page(region_client, "?matt=andel_uteblivna"))
    assert '<h2 id="karta">Andel uteblivna samtal (%), 2024</h2>' in html
    svg = html[html.index("<svg") : html.index("</svg>")]
    titles = dict(re.findall(r'data-kommunkod="(\d{4})"[^>]*><title>([^<]*)</title>', svg))
    assert len(titles) == 13
    habo = measured.table.cell("0643", "andel_uteblivna")
    assert titles["0643"] == f"Habo: {habo.value.text(1)}\u00a0%"
    assert titles[ALL[1]] == f"{kommun_namn(ALL[1])}: .. (dolt värde)"
    assert titles[ALL[12]] == f"{kommun_namn(ALL[12])}: inga siffror"
    assert "Dolt värde (..)" in svg and "Inga siffror" in svg  # the legend, in words
    assert "Mörkare färg = bättre" in svg and "(lägre värde är bättre)" in svg
    assert "Kommungränser: SCB, öppna data (CC0), förenklade" in html
    # The same values in the table beside it, with numerator, denominator and rank.
    beside = table_rows(html, "Andel uteblivna samtal (%) per kommun 2024")
    assert beside["Habo"][:3] == [
        cell_text(habo, measured.table.get("andel_uteblivna")),
        habo.numerator.text(0),
        habo.denominator.text(0),
    ]
    assert beside["Habo"][3] == f"{habo.rank} av 11"
    assert beside[kommun_namn(ALL[12])] == ["ingen inlämning"]
    # Definitions beside the measures.
    definition = next(m for m in measures() if m.id == "andel_uteblivna").definition
    assert definition in html


def test_the_trend_holds_every_year_with_figures(region_client, store_figures):
    store_figures({"0643": [2020, 2022, 2024], "0665": [2022, 2024]})
    measured = region.Stored.now().measured()
    html = page(region_client, "?matt=andel_inom_30_dagar")
    rows = table_rows(html, "Andel med första samtal inom 30 dagar (%) per kommun och år")
    series = measured.table.get("andel_inom_30_dagar")
    assert rows["Habo"][:3] == [
        cell_text(measured.table.cell("0643", series.id, y), series) for y in (2020, 2022, 2024)
    ]
    assert rows["Vaggeryd"][:3] == [
        "ingen inlämning",
        *(cell_text(measured.table.cell("0665", series.id, y), series) for y in (2022, 2024)),
    ]
    assert rows["Aneby"][:3] == ["ingen inlämning"] * 3
    start = html.index('id="trend-rubrik"')
    section = html[start : html.index("</table>", start)]
    assert section.count('<svg class="spark"') == 3  # Habo, Vaggeryd and the county
    assert 'style="' not in html  # the Content-Security-Policy allows no inline style


def test_why_a_municipality_has_no_figures(region_client, store_figures):
    store_figures({"0643": [2024], "0665": [2023, 2024]})
    vaggeryd = Submission.objects.filter(kommunkod="0665")
    vaggeryd.update(schema_version=2)  # a newer program's
    # A year whose only file cannot be used: each municipality's reason, and the submission.
    html = unescape(page(region_client, "?ar=2023"))
    assert "Ingen kommun har godkända nyckeltal för 2023." in html
    reasons = table_rows(html, "Varför kommunerna saknar nyckeltal för 2023")
    assert reasons["Vaggeryd"] == ["fel i nyckeltalen"] and reasons["Habo"] == ["ingen inlämning"]
    assert table_rows(html, "Senaste godkända")["Vaggeryd"][2] == "Vaggeryd-2023-nyckeltal.csv"
    html = unescape(page(region_client))
    rows = table_rows(html, "Måtten per kommun")
    assert rows["Vaggeryd"] == ["fel i nyckeltalen"]
    assert rows["Aneby"] == ["ingen inlämning"]
    assert (
        "Vaggeryd-2024-nyckeltal.csv: fel i filen, används inte. Rad 2: filen har schema_version 2"
        in html
    )


def test_target_status_with_the_regions_targets(region_client, store_figures, settings, tmp_path):
    targets = tmp_path / "malvarden.csv"
    targets.write_text("matt,malvarde,battre\nandel_inom_30_dagar,80,högre\nokänt,1,högre\n")
    settings.PORTAL_TARGETS = str(targets)
    store_figures({kod: [2024] for kod in ALL[:5]})
    measured = region.Stored.now().measured()
    html = unescape(page(region_client))
    rows = table_rows(html, "Måtten per kommun")
    index = [m.id for m in measures()].index("andel_inom_30_dagar")
    for kod in ALL[:5]:
        cell = measured.table.cell(kod, "andel_inom_30_dagar")
        assert cell.status is not None
        assert rows[kommun_namn(kod)][index].endswith(f"[{cell.status}]")
    assert "Regionens målvärde: minst 80,0\u00a0%." in html
    assert "malvarden.csv rad 3: okänt mått 'okänt'; raden hoppades över." in html


@pytest.mark.django_db
def test_before_any_submission_the_page_says_so(region_client):
    html = page(region_client)
    assert "Ingen kommun har skickat in något ännu." in html
    assert all(f"<li>{k.namn}</li>" in html for k in contract.kommuner())
    assert 'action="/region/epost/"' in html


def test_the_comparison_is_kept_until_a_submission_changes_it(
    region_client, store_figures, monkeypatch, django_assert_max_num_queries
):
    from pipeline.comparison import job

    store_figures({"0643": [2024], "0665": [2024]})
    built = []
    original = job.measures_from_csvs
    monkeypatch.setattr(
        job, "measures_from_csvs", lambda *a, **k: built.append(1) or original(*a, **k)
    )
    page(region_client)
    with django_assert_max_num_queries(8):
        page(region_client, "?matt=andel_uteblivna")
    page(region_client, "?ar=2024")
    assert len(built) == 1
    store_figures({"0604": [2024]})
    submissions = table_rows(page(region_client), "Senaste godkända")
    assert submissions["Aneby"][0] != "Ingen godkänd inlämning"
    assert len(built) == 2
    assert table_rows(page(region_client), "Måtten per kommun")["Aneby"] != ["ingen inlämning"]


def test_the_rank_colours_are_the_workbooks():
    from pipeline.comparison.measures import Band
    from pipeline.comparison.workbook import BAND_FILLS
    from pipeline.web.region_page import BAND

    css = (
        __import__("pathlib").Path(region.__file__).parent / "static" / "portal" / "portal.css"
    ).read_text()
    for (directed, band), (name, _) in BAND.items():
        colour = BAND_FILLS[directed][band].fgColor.rgb[-6:].lower()
        assert re.search(rf"\.{name} \{{\s*background: #{colour};", css), name
    assert Band.MIDDLE not in {b for d, b in BAND if d}  # the middle of a direction: no colour


def test_the_audit_log_shows_who_did_what_never_contents(
    region_client, coach, make_submission, client
):
    habo = make_submission(coach, "0643", 2024)
    region_client.get(f"/inlamningar/{habo.pk}/Habo-2024-nyckeltal.csv")
    html = unescape(region_client.get("/region/logg/").content.decode())
    assert '<td data-label="Vem">rita</td>' in html
    assert '<td data-label="Vad">laddade ned</td>' in html
    assert '<td data-label="Vem">anna</td>' in html
    assert '<td data-label="Vad">skickade in</td>' in html
    assert "Habo-2024-nyckeltal.csv" in html and "schema_version" not in html


def test_13_municipalities_times_10_years_take_a_bounded_number_of_queries(
    region_client, region_user, django_assert_max_num_queries
):
    """No query per municipality or year: the page asks the same few questions whether
    the county has one submission or 130 (the time: `python -m bench.region`)."""
    from pipeline.web import services
    from pipeline.web.models import KeyFigure
    from pipeline.web.tests.conftest import figures_csv

    years = range(2015, 2025)
    submissions = Submission.objects.bulk_create(
        Submission(
            kommunkod=kod,
            ar=year,
            sent_by=region_user,
            sent_by_name="rita",
            schema_version=1,
            valid=True,
        )
        for kod in ALL
        for year in years
    )
    figures = []
    for submission in submissions:
        data = figures_csv(submission.kommunkod, submission.ar)
        totals = b"\n".join(
            line for line in data.split(b"\n") if b",,," in line or not line[:1].isdigit()
        )
        for row in services._key_figure_rows(totals, submission.kommunkod)[1]:
            row.submission = submission
            figures.append(row)
    KeyFigure.objects.bulk_create(figures)
    with django_assert_max_num_queries(8):  # the comparison built: one query for the figures
        html = page(region_client)
    with django_assert_max_num_queries(6):  # kept: no figures asked for
        html = page(region_client, "?matt=andel_uteblivna")
    trend = table_rows(html, "Andel uteblivna samtal (%) per kommun och år")
    assert len(trend) == 13 + 2 and all(len(cells) == 10 + 1 for cells in list(trend.values())[:13])
    assert "ingen inlämning" not in html
