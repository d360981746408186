"""Upload → check → outputs through pipeline.report_from_workbooks, as `make report` does.

The workbooks here are real: the shipped example (Vaggeryd 2023) and the library's
hand-counted year with errors put in (tests/conftest.py's `books`).
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import zipfile
from html import unescape

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pipeline import config
from pipeline.cli import main as cli
from pipeline.contract import schema as contract
from pipeline.figures import aggregate
from pipeline.report import job
from pipeline.validation import xlsx_zip
from pipeline.web import services
from pipeline.web.models import AuditLog, KeyFigure, OutputFile, SentFile, Submission
from pipeline.web.tests.conftest import XLSX_TYPE, example_workbooks, folder_workbooks
from tests.conftest import D

VAGGERYD = "/kommun/0665/"
FIELDS = {contract.workbook(key).fil: key for key in config.WORKBOOKS}
DOCX = "Vaggeryd-2023-verksamhetsberattelse.docx"
CSV = "Vaggeryd-2023-nyckeltal.csv"
DESCRIPTOR = "Vaggeryd-2023-nyckeltal.datapackage.json"


def post(client, workbooks: dict[str, bytes], url: str = VAGGERYD):
    files = {
        FIELDS[fil]: SimpleUploadedFile(fil, data, content_type=XLSX_TYPE)
        for fil, data in workbooks.items()
    }
    return client.post(url, files)


def text(response) -> str:
    return unescape(response.content.decode())


def summary_items(html: str) -> list[tuple[str | None, str]]:
    """The error summary's items: (the row they link to, or None; their text)."""
    summary = html[html.index('<div class="error-summary"') : html.index("<h1>")]
    found = []
    for item in re.findall(r"<li>(.*?)</li>", summary, flags=re.S):
        link = re.fullmatch(r'<a href="#([^"]+)">(.*)</a>', item, flags=re.S)
        found.append((link[1], link[2]) if link else (None, item))
    return found


def table_row(html: str, row_id: str) -> list[str]:
    row = re.search(rf'<tr id="{row_id}" tabindex="-1">(.*?)</tr>', html, flags=re.S)[1]
    return [" ".join(cell.split()) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def data_uri_download(html: str, name: str = "valideringsrapport.xlsx") -> bytes:
    """The bytes behind the page's link that downloads `name` from a data: URI."""
    link = re.search(rf'<a href="data:{XLSX_TYPE};base64,([^"]+)" download="{name}"', html)
    return base64.b64decode(link[1])


@pytest.fixture
def vaggeryd(client, other_coach):
    """Logged in as bertil, the coach of Vaggeryd (the example's municipality)."""
    client.force_login(other_coach)
    return client


# --- the same figures as make report ----------------------------------------------------


def test_the_example_gives_the_bytes_make_report_writes(
    vaggeryd, tmp_path, region_user, monkeypatch
):
    """The shipped example through the form: the stored key figures and the downloaded
    report are byte for byte what the folder job writes for the same workbooks."""
    out = tmp_path / "ut"
    assert job.build_report(config.EXAMPLE, out).status is job.Status.DONE
    written = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}

    response = post(vaggeryd, example_workbooks())
    assert response.status_code == 200
    html = text(response)
    assert "Klart: rapporten och nyckeltalen är gjorda" in html
    assert "Regionen ser nu nyckeltalen för Vaggeryd 2023." in html
    assert "Det finns problem" not in html
    assert "<title>Klart: Vaggeryd – Hälsocenter rapport</title>" in html
    assert response["Cache-Control"] == "private, no-store"

    submission = Submission.objects.get()
    assert (submission.kommunkod, submission.ar, submission.valid) == ("0665", 2023, True)
    assert submission.schema_version == contract.key_figure_format().schema_version
    assert services.key_figures_csv(submission) == written[CSV]  # the table, read back
    assert KeyFigure.objects.filter(submission=submission).count() == len(
        written[CSV].splitlines()[1:]
    )
    assert [o.name for o in submission.outputs.all()] == [DOCX, CSV, DESCRIPTOR]
    for name in (DOCX, CSV, DESCRIPTOR):
        link = f'<a href="/inlamningar/{submission.pk}/{name}" download>{name}</a>'
        assert link in html
        download = vaggeryd.get(f"/inlamningar/{submission.pk}/{name}")
        assert download.content == written[name], name
    # The validation report is not stored, but downloads from the page as written.
    assert data_uri_download(html) == written["valideringsrapport.xlsx"]
    assert not OutputFile.objects.filter(name="valideringsrapport.xlsx").exists()

    sent = {f.name: f.sha256 for f in SentFile.objects.filter(submission=submission)}
    assert sent == {fil: services.sha256(data) for fil, data in example_workbooks().items()}
    events = [(e.action, e.username, e.detail) for e in AuditLog.objects.order_by("id")]
    assert events == [
        ("inlamning", "bertil", "remisser.xlsx, aktiviteter.xlsx, verksamhet.xlsx"),
        *[("nedladdning", "bertil", name) for name in (DOCX, CSV, DESCRIPTOR)],
    ]

    # The region's table was built as the submission was stored: its page builds nothing.
    from pipeline.comparison import job as comparison_job

    def built_again(*args, **kwargs):
        raise AssertionError("regionens jämförelse byggdes igen")

    monkeypatch.setattr(comparison_job, "measures_from_csvs", built_again)
    vaggeryd.force_login(region_user)
    assert "Vaggeryd" in vaggeryd.get("/region/").content.decode()


# --- problems: the command line's lines ---------------------------------------------------


@pytest.fixture
def with_errors(books):
    """The hand-counted year with 61 errors (60 referrals of an unknown sex, inhabitants in
    words) and 60 warnings (those referrals have no talk)."""
    books.rows["Remisser"] += [
        [f"B{n}", D(2023, 2, 1), "FaR", "Vårdcentral", None, "Okänt", 1960, None, None]
        for n in range(60)
    ]
    books.rows["Uppgifter"][3][1] = "fjortontusen"
    return books.write()


def test_problems_are_the_lines_the_command_line_prints(vaggeryd, with_errors, capsys):
    out = with_errors.parent / "ut"
    assert cli.main(["kontrollera", "--in", str(with_errors), "--ut", str(out)]) == 1
    printed = capsys.readouterr().out.splitlines()
    assert printed[-1].startswith("Hittade 61 fel.")
    lines = printed[:-1]
    assert len(lines) == 51
    assert lines[-1] == "... och 71 till. Alla finns i valideringsrapporten."

    response = post(vaggeryd, folder_workbooks(with_errors))
    html = text(response)
    assert "<title>Fel: Vaggeryd – Hälsocenter rapport</title>" in html
    items = summary_items(html)
    assert [line for _, line in items] == lines
    assert [row for row, _ in items] == [f"problem-{n}" for n in range(1, 51)] + [None]
    assert "Hittade 61 fel i underlaget. Rätta dem i Excel" in html
    # Each item's row in the table: file, sheet, row, column, value, message and fix.
    assert table_row(html, "problem-1") == [
        "Fel",
        "remisser.xlsx",
        "Remisser",
        "9",
        "Kön",
        "Okänt",
        "Värdet 'Okänt' är inte tillåtet.",
        "Tillåtna värden: Kvinna, Man, Annat/uppger ej.",
    ]
    assert lines[0] == (
        "Fel: remisser.xlsx, flik Remisser, rad 9, kolumn Kön: Värdet 'Okänt' är inte "
        "tillåtet. Tillåtna värden: Kvinna, Man, Annat/uppger ej."
    )
    assert html.count('<tr id="problem-') == 121  # every problem, not only the first 50
    assert table_row(html, "problem-121")[0] == "Varning"
    # The validation report: the command line's bytes, from the page, never stored.
    assert data_uri_download(html) == (out / "valideringsrapport.xlsx").read_bytes()
    submission = Submission.objects.get()
    assert (submission.valid, submission.ar) == (False, None)
    assert not submission.outputs.exists() and not submission.key_figures.exists()
    assert submission.sent_files.count() == 3


def test_a_validation_report_too_large_for_the_page_is_said_not_embedded(
    vaggeryd, with_errors, monkeypatch
):
    monkeypatch.setattr(services, "EMBED_LIMIT", 1000)
    html = text(post(vaggeryd, folder_workbooks(with_errors)))
    assert "data:" not in html
    said = r"Valideringsrapporten med alla problem blev [\d,]+\s*kB, för stor för att laddas"
    assert re.search(said + r" ned här\.", html)
    assert html.count('<tr id="problem-') == 121


def test_a_workbook_past_the_size_limits_gets_the_command_lines_message(
    vaggeryd, books, monkeypatch, capsys
):
    monkeypatch.setattr(xlsx_zip, "MAX_TOTAL_BYTES", 1_000_000)
    folder = books.write()
    with zipfile.ZipFile(folder / "aktiviteter.xlsx", "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/bild.bin", b"x" * 1_200_000)
    assert cli.main(["kontrollera", "--in", str(folder), "--ut", str(folder.parent / "ut")]) == 1
    line = capsys.readouterr().out.splitlines()[-1]
    assert line.startswith("aktiviteter.xlsx är för stor: den packas upp till 1,2 MB")

    html = text(post(vaggeryd, folder_workbooks(folder)))
    assert summary_items(html) == [("id_aktiviteter", line)]
    assert f'<span class="visually-hidden">Fel:</span> {line}' in html  # beside its field
    assert not Submission.objects.get().valid


def test_workbooks_of_another_municipality_are_not_stored_as_this_ones(client, coach):
    client.force_login(coach)  # Habo's coach, the example is Vaggeryd's
    html = text(post(client, example_workbooks(), "/kommun/0643/"))
    assert summary_items(html) == [
        (
            "id_verksamhet",
            "Arbetsböckerna gäller Vaggeryd (Kommun i fliken Uppgifter i verksamhet.xlsx), men "
            "ditt konto är för Habo. Skriv Habo där och skicka in igen, eller be regionen om ett "
            "konto för Vaggeryd. Ingen rapport sparades.",
        )
    ]
    submission = Submission.objects.get()
    assert (submission.kommunkod, submission.valid) == ("0643", False)
    assert not OutputFile.objects.exists() and not KeyFigure.objects.exists()


# --- last year's figures from the earlier submission ----------------------------------------


def test_last_years_figures_come_from_the_earlier_valid_submission(
    vaggeryd, other_coach, books, base_report, make_user
):
    """As the folder job takes last year's csv: the workbooks lack 2022, the municipality's
    latest valid 2022 submission fills the report's column (never another municipality's)."""
    books.rows["Remisser"] = [r for r in books.rows["Remisser"] if r[0] not in ("A1", "A2")]
    books.rows["Samtal"] = [r for r in books.rows["Samtal"] if r[0] not in ("A1", "A2")]
    workbooks = folder_workbooks(books.write())
    last_year = aggregate.to_csv(base_report.figures).replace(",2023,", ",2022,").encode()
    services.store_submission(
        user=make_user("jonna", kommun="0680"),
        kommunkod="0680",
        sent={},
        valid=True,
        key_figures_csv=last_year.replace(b",0665,Vaggeryd,", ",0680,Jönköping,".encode()),
    )
    services.store_submission(
        user=other_coach, kommunkod="0665", sent={}, valid=True, key_figures_csv=last_year
    )
    html = text(post(vaggeryd, workbooks))

    notice = (
        "Notis: Vaggeryd-2022-nyckeltal.csv: Siffrorna för 2022 kommer från "
        "Vaggeryd-2022-nyckeltal.csv, förra årets nyckeltal, eftersom arbetsböckerna inte har "
        "året (varken rader eller en rad i Tidigare år)."
    )
    rows = [table_row(html, f"problem-{n}") for n in range(1, html.count('<tr id="problem-') + 1)]
    assert notice in [f"{r[0]}: {r[1]}: {r[6]}" for r in rows]
    report = Submission.objects.get(ar=2023).outputs.get(name=DOCX).content
    document = docx.Document(io.BytesIO(bytes(report)))
    tables = [t for t in document.tables if t.rows[1].cells[0].text == "Inkomna ärenden"]
    # Without last year's figures the column is '–' (tests/test_core.py).
    assert [c.text for c in tables[0].rows[1].cells][:3] == ["Inkomna ärenden", "5", "5"]


def test_earlier_submissions_say_which_one_the_region_sees(vaggeryd, other_coach, make_submission):
    older = make_submission(other_coach, "0665", 2023)
    newer = make_submission(other_coach, "0665", 2023)
    make_submission(other_coach, "0665", 2023, valid=False)
    Submission.objects.filter(pk=older.pk).update(sent_at=dt.datetime(2024, 2, 1, tzinfo=dt.UTC))
    html = text(vaggeryd.get(VAGGERYD))
    table = html[html.index('<h2 id="tidigare">') :]
    results = re.findall(r'<td data-label="Resultat">(.*?)</td>', table)
    assert results == ["Inte godkänd", "Godkänd, den regionen ser", "Godkänd, ersatt av en senare"]
    assert services.seen_by_region("0665") == {newer.pk}


# --- the PDF where LibreOffice is ---------------------------------------------------------


def test_the_pdf_is_made_where_libreoffice_is_installed(vaggeryd, fake_office):
    html = text(post(vaggeryd, example_workbooks()))
    submission = Submission.objects.get()
    pdf = submission.outputs.get(name="Vaggeryd-2023-verksamhetsberattelse.pdf")
    assert bytes(pdf.content) == b"%PDF-1.7 fake" and pdf.content_type == "application/pdf"
    assert f'download>{pdf.name}</a> <span class="hint">Samma rapport som PDF' in html
    assert services.NO_PDF not in html


def test_without_libreoffice_the_page_says_how_to_make_a_pdf(vaggeryd, settings, monkeypatch):
    from pipeline.publish import pdf

    settings.PORTAL_PDF = True
    monkeypatch.setattr(pdf, "find_libreoffice", lambda: None)
    html = text(post(vaggeryd, example_workbooks()))
    assert "Klart: rapporten och nyckeltalen är gjorda" in html
    assert services.NO_PDF in html
    assert not OutputFile.objects.filter(name__endswith=".pdf").exists()


# --- never a raw workbook: not on disk, not in the database, not in the logs ------------------


def stored_values():
    """Every value in every table of the database, whatever the models say, as bytes."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from the database
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        yield bytes(value)
                    elif value is not None:
                        yield str(value).encode()


def pieces(workbook: bytes, size: int = 48, step: int = 499) -> list[bytes]:
    """Byte sequences from all over a workbook (not its zip signatures, which every Office
    file shares), to look for in what is stored."""
    found = [workbook[at : at + size] for at in range(0, len(workbook) - size, step)]
    return [piece for piece in found if b"PK" not in piece]


def test_an_upload_writes_no_file_and_keeps_no_workbook_in_the_database_or_logs(
    vaggeryd, books, caplog, capfd
):
    """Two uploads (the example, and a year with an error beside a telling ID): during the
    requests nothing is opened for writing anywhere (no temporary upload file, no file
    under MEDIA or /tmp); afterwards no piece of any workbook, no ID and no bad value is
    in any table or in the logs."""
    from tests.test_core import nothing_written

    books.rows["Remisser"].append(
        ["HB4711X", D(2023, 3, 3), "FaR", "Vårdcentral", None, "Kvinan4711", 1961, None, None]
    )
    with_error = folder_workbooks(books.write())
    uploads = [example_workbooks(), with_error]
    with caplog.at_level("DEBUG"), nothing_written() as attempts:
        answers = [post(vaggeryd, workbooks) for workbooks in uploads]
    assert attempts == []
    assert [a.status_code for a in answers] == [200, 200]
    assert "Klart: rapporten" in text(answers[0]) and "'Kvinan4711'" in text(answers[1])
    assert Submission.objects.count() == 2 and OutputFile.objects.count() == 3

    values = list(stored_values())
    assert any(services.sha256(with_error["remisser.xlsx"]).encode() in v for v in values)
    secrets = [b"HB4711X", b"Kvinan4711", b"K0001", b"D001"]
    for workbooks in uploads:
        for data in workbooks.values():
            secrets += pieces(data)
    assert len(secrets) > 100
    found = [s for s in secrets for value in values if s in value]
    assert found == []
    logged = (caplog.text + "".join(capfd.readouterr())).encode()
    assert [s for s in secrets if s in logged] == []
