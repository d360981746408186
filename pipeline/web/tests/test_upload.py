"""The coach's page: three workbooks in, checked in the form, kept in memory only."""

from __future__ import annotations

import logging
import sys
from html import unescape

import pytest
from django.core.files import temp as django_temp
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import StopFutureHandlers
from django.test import Client, RequestFactory, override_settings
from django.views.debug import ExceptionReporter

from pipeline import config
from pipeline.contract import schema as contract
from pipeline.web import services
from pipeline.web.privacy import MAX_FILE_BYTES, InMemoryUploadHandler
from pipeline.web.tests.conftest import XLSX_TYPE

MB = 1024 * 1024
DJANGO_DEFAULT_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
PAGE = "/kommun/0643/"
FILES = {key: contract.workbook(key).fil for key in config.WORKBOOKS}


def xlsx(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    """A file as the browser sends it; a real example workbook unless content is given."""
    if content is None:
        content = (config.EXAMPLE / name).read_bytes()
    return SimpleUploadedFile(name, content, content_type=XLSX_TYPE)


def too_large() -> SimpleUploadedFile:
    return xlsx("remisser.xlsx", b"PK\x03\x04" + bytes(21 * MB))


def three(**replace) -> dict:
    files = {key: xlsx(fil) for key, fil in FILES.items()}
    files.update(replace)
    return files


def page(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def coach_client(client, coach):
    client.force_login(coach)
    return client


@pytest.fixture
def answered(monkeypatch):
    """services.submit replaced: records what the view gave it, answers with `outcome`."""
    calls = []

    class Answer:
        outcome = services.Outcome(None, refused="Svaret från testet.", field="remisser")

    def submit(**kwargs):
        calls.append(kwargs)
        return Answer.outcome

    monkeypatch.setattr(services, "submit", submit)
    Answer.calls = calls
    return Answer


def test_the_page_has_one_file_input_per_workbook_and_one_button(coach_client):
    html = page(coach_client.get(PAGE))
    form = html[html.index('enctype="multipart/form-data"') :]
    form = form[: form.index("</form>")]
    for key, fil in FILES.items():
        assert f'<label class="label" for="id_{key}">{fil}</label>' in form
        assert f'<input type="file" name="{key}"' in form
    assert form.count('type="file"') == 3
    assert form.count("<button") == 1 and "Kontrollera och skicka in</button>" in form
    assert "<h1>Habo: skicka in årets underlag</h1>" in html
    assert "Habo har inte skickat in något ännu." in html


def test_missing_files_are_named_in_the_error_summary(coach_client):
    response = coach_client.post(PAGE, {})
    assert response.status_code == 200
    html = page(response)
    assert html.index("Det finns problem") < html.index("<h1>")
    for key, fil in FILES.items():
        assert f'<li><a href="#id_{key}">Välj filen {fil}.</a></li>' in html
    assert "<title>Fel: Habo – Hälsocenter rapport</title>" in html


def test_a_file_over_20_mb_gets_a_swedish_message_not_a_server_error(coach_client, answered):
    response = coach_client.post(PAGE, three(remisser=too_large()))
    assert response.status_code == 200
    assert (
        '<a href="#id_remisser">Filen remisser.xlsx är 21 MB. En arbetsbok får vara högst 20 MB. '
        "Ta bort tomma rader och flikar som inte behövs, spara och välj filen igen.</a>"
    ) in page(response)
    assert answered.calls == []


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            xlsx("rapport.pdf", b"%PDF-1.7"),
            "Filen rapport.pdf är inte en Excel-arbetsbok (.xlsx). Välj remisser.xlsx här.",
        ),
        (
            xlsx("remisser.xls", b"\xd0\xcf\x11\xe0"),
            "Filen remisser.xls är inte en Excel-arbetsbok (.xlsx). Öppna den i Excel, välj "
            "Spara som > Excel-arbetsbok (*.xlsx) och välj sedan remisser.xlsx här.",
        ),
        (
            xlsx("remisser.xlsx", b"Klient-ID;Datum\n"),
            "Filen remisser.xlsx heter .xlsx men är ingen Excel-arbetsbok (den kan vara skadad "
            "eller bara omdöpt). Öppna den i Excel, spara den som Excel-arbetsbok (*.xlsx) och "
            "välj den igen.",
        ),
        (
            xlsx("aktiviteter.xlsx"),
            "Du valde aktiviteter.xlsx som remisser.xlsx. Välj remisser.xlsx här och "
            "aktiviteter.xlsx i sitt eget fält.",
        ),
        (xlsx("remisser.xlsx", b""), "Filen du valde som remisser.xlsx är tom."),
    ],
)
def test_a_file_that_is_not_the_workbook_is_refused_in_swedish(
    coach_client, answered, upload, message
):
    response = coach_client.post(PAGE, three(remisser=upload))
    assert response.status_code == 200
    html = page(response)
    assert message in html
    assert html.count('<a href="#id_remisser">') == 1 and '<a href="#id_verksamhet">' not in html
    assert answered.calls == []


def test_the_workbooks_reach_the_library_as_bytes_by_contract_name(coach_client, coach, answered):
    renamed = xlsx("verksamhet.xlsx")
    renamed.name = "Verksamhet 2024 (2).xlsx"
    coach_client.post(PAGE, three(verksamhet=renamed))
    (call,) = answered.calls
    assert call["user"] == coach and call["kommunkod"] == "0643"
    assert call["workbooks"] == {fil: (config.EXAMPLE / fil).read_bytes() for fil in FILES.values()}
    assert call["sent_names"]["verksamhet.xlsx"] == "Verksamhet 2024 (2).xlsx"


def test_earlier_submissions_are_listed_with_year_date_and_who(
    coach_client, coach, make_submission
):
    make_submission(coach, "0643", 2023)
    make_submission(coach, "0643", 2024, valid=False)
    html = page(coach_client.get(PAGE))
    table = html[html.index("Tidigare inlämningar") :]
    assert table.index('<td data-label="År">–</td>') < table.index('<td data-label="År">2023</td>')
    assert table.count('<td data-label="Av">anna</td>') == 2
    assert "Godkänd, den regionen ser" in table and "Inte godkänd" in table


# --- memory only ---------------------------------------------------------------------


def test_no_upload_ever_becomes_a_temporary_file(coach_client, monkeypatch, tmp_path, answered):
    made = []
    real = django_temp.NamedTemporaryFile
    monkeypatch.setattr(
        django_temp, "NamedTemporaryFile", lambda *a, **kw: made.append(a) or real(*a, **kw)
    )
    with override_settings(FILE_UPLOAD_TEMP_DIR=str(tmp_path)):
        response = coach_client.post(PAGE, three(remisser=too_large()))
        assert response.wsgi_request.FILES["remisser"].size == 21 * MB + 4
        assert made == []
        # The same request with Django's default handlers writes each file to disk.
        with override_settings(FILE_UPLOAD_HANDLERS=DJANGO_DEFAULT_HANDLERS):
            coach_client.post(PAGE, three(remisser=too_large()))
        assert len(made) == 3


def test_a_large_upload_is_counted_not_kept():
    handler = InMemoryUploadHandler()
    with pytest.raises(StopFutureHandlers):  # no other handler (a temporary file) sees it
        handler.new_file("remisser", "remisser.xlsx", XLSX_TYPE, 0)
    chunk = bytes(MB)
    for start in range(0, 21 * MB, MB):
        assert handler.receive_data_chunk(chunk, start) is None
    upload = handler.file_complete(21 * MB)
    assert upload.size == 21 * MB
    assert len(upload.read()) == MAX_FILE_BYTES + 1


def test_a_request_larger_than_three_workbooks_is_refused_unread(coach_client, answered):
    response = coach_client.generic(
        "POST",
        PAGE,
        b"x",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(200 * MB),
    )
    assert response.status_code == 413
    html = page(response)
    assert "Det du skickade var 200 MB. Varje arbetsbok får vara högst 20 MB" in html
    assert response["X-Frame-Options"] == "DENY" and "Content-Security-Policy" in response
    assert answered.calls == []


@pytest.mark.django_db
def test_more_than_three_files_are_refused(coach_client):
    files = {f"fil{n}": xlsx("remisser.xlsx") for n in range(4)}
    response = coach_client.post(PAGE, files)
    assert response.status_code == 400
    assert "fler än tre filer" in page(response)


def test_error_reports_hold_no_workbook_contents(caplog, monkeypatch, coach):
    """A failure while a workbook is in memory: neither the log nor an error report (the
    debug page, an e-mail to ADMINS) shows its bytes or the form's values."""
    secret = "Klient-ID HB0042 Kvinna 1961"
    request = RequestFactory().post("/kommun/0643/", {"anteckning": secret})
    request.user = coach
    try:
        workbook = secret.encode()  # noqa: F841 - a local variable in the failing frame
        raise RuntimeError("något gick fel")
    except RuntimeError:
        report = ExceptionReporter(request, *sys.exc_info()).get_traceback_text()
    assert "något gick fel" in report
    assert secret not in report and "HB0042" not in report

    def failing_submit(*, workbooks, **kwargs):
        assert secret.encode() in workbooks["remisser.xlsx"]
        raise ValueError(f"could not convert string to float: '{secret}'")  # as pandas says

    monkeypatch.setattr(services, "submit", failing_submit)
    client = Client(raise_request_exception=False)
    client.force_login(coach)
    with caplog.at_level(logging.INFO):
        response = client.post(
            PAGE, three(remisser=xlsx("remisser.xlsx", b"PK\x03\x04" + secret.encode()))
        )
    assert response.status_code == 500
    assert "Ett fel inträffade" in page(response)
    assert "Internal Server Error: /kommun/0643/" in caplog.text
    assert "builtins.ValueError (meddelandet loggas inte)" in caplog.text
    assert "HB0042" not in caplog.text and "HB0042" not in page(response)
