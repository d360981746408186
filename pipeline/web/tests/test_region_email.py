"""A key-figure file that came by e-mail, added on /region/: read as make compare reads
it, stored as a submission received by e-mail, with who added it."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from pipeline.comparison import job, reading
from pipeline.web import region, services
from pipeline.web.models import AuditLog, KeyFigure, Submission
from pipeline.web.tests.conftest import figures_csv


@pytest.fixture
def region_client(client, region_user):
    client.force_login(region_user)
    return client


def excel_resave(data: bytes, encoding: str = "cp1252") -> bytes:
    """What Swedish Excel makes of a csv it opened and saved: semicolons, decimal commas,
    Windows-1252 (or UTF-8 with a BOM), and the leading zero of a code dropped."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    for row in rows[1:]:
        row[1] = row[1].lstrip("0")
        row[7] = row[7].replace(".", ",")
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    text = out.getvalue()
    return ("\ufeff" + text).encode("utf-8") if encoding == "utf-8-sig" else text.encode(encoding)


def send(client, kommun: str, name: str, data: bytes, **extra):
    upload = SimpleUploadedFile(name, data, content_type="text/csv")
    return client.post("/region/epost/", {"kommun": kommun, "fil": upload, **extra})


def with_decimal(data: bytes) -> bytes:
    """A key figure with decimals (the median wait), so a decimal comma shows."""
    return data.replace(b",vantetid_dagar_median,,,17,0", b",vantetid_dagar_median,,,17.5,0")


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig"])
def test_a_swedish_excel_resave_is_stored_as_received_by_email(
    region_client, region_user, encoding
):
    original = with_decimal(figures_csv("0680", 2024))  # Jönköping: ö in Windows-1252
    resaved = excel_resave(original, encoding)
    assert resaved != original
    response = send(region_client, "0680", "Jönköping-2024-nyckeltal (1).csv", resaved)
    assert response.status_code == 302 and response["Location"] == "/region/?ar=2024"

    submission = Submission.objects.get()
    assert (submission.kommunkod, submission.ar, submission.valid) == ("0680", 2024, True)
    assert submission.via_email and submission.sent_by == region_user
    assert submission.sent_by_name == "rita"
    assert services.key_figures_csv(submission) == original  # the figures as make report wrote
    (sent,) = submission.sent_files.all()
    assert (sent.name, sent.sha256, sent.size) == (
        "Jönköping-2024-nyckeltal (1).csv",
        services.sha256(resaved),
        len(resaved),
    )
    assert submission.outputs.get().name == "Jönköping-2024-nyckeltal.csv"
    event = AuditLog.objects.get()
    assert (event.action, event.username, event.kommunkod, event.submission) == (
        AuditLog.EMAILED_FILE,
        "rita",
        "0680",
        submission,
    )
    assert event.detail == "Jönköping-2024-nyckeltal (1).csv"

    # The region's table was built as the file was stored: the page it goes to builds nothing.
    built = []
    original_build = job.measures_from_csvs
    job.measures_from_csvs = lambda *a, **k: built.append(1) or original_build(*a, **k)
    try:
        html = unescape(region_client.get(response["Location"]).content.decode())
    finally:
        job.measures_from_csvs = original_build
    assert built == []
    assert (
        "Nyckeltalen för Jönköping 2024 från Jönköping-2024-nyckeltal (1).csv är tillagda, "
        "markerade som komna med e-post." in html
    )
    notes = {"cp1252": "Windows-1252 och ", "utf-8-sig": ""}[encoding]
    read = f"Filen lästes som originalet trots {notes}semikolon som avgränsare och decimalkomma."
    assert read in html
    assert "rita (kom med e-post)" in html
    log = unescape(region_client.get("/region/logg/").content.decode())
    assert "lade till en fil som kom med e-post" in log
    assert "schema_version" not in log and "vantetid" not in log  # never the contents


def test_a_bad_file_gets_the_comparisons_own_line_and_nothing_is_stored(region_client):
    data = figures_csv("0643", 2024).replace(b",0643,Habo,", b",9999,Habo,", 1)
    response = send(region_client, "0643", "Habo-2024-nyckeltal.csv", data)
    assert response.status_code == 200
    html = unescape(response.content.decode())
    fate = reading.load({"Habo-2024-nyckeltal.csv": data}).fates[0]
    assert fate.problem and fate.line() in html
    assert "<title>Fel: " in html and 'href="#id_fil"' in html
    assert not Submission.objects.exists() and not AuditLog.objects.exists()


@pytest.mark.parametrize(
    ("kommun", "name", "data", "field", "message"),
    [
        (
            "0604",
            "Habo-2024-nyckeltal.csv",
            figures_csv("0643", 2024),
            "kommun",
            "Habo-2024-nyckeltal.csv har nyckeltalen för Habo 2024, men du valde Aneby. Välj "
            "Habo, eller kontrollera att det är rätt fil.",
        ),
        (
            "0643",
            "habo.csv",
            figures_csv("0643", 2024) + figures_csv("0643", 2023).split(b"\n", 1)[1],
            "fil",
            "habo.csv har nyckeltal för Habo 2023 och Habo 2024. Lägg till en fil per kommun "
            "och år.",
        ),
        (
            "0643",
            "habo.csv",
            figures_csv("0643", 2024).replace(b",aktivitet,Bok och Hopp,", b",aktivitet,=1+1,"),
            "fil",
            "habo.csv: Filen har kategori '=1+1', som Excel skulle räkna ut som en formel (den "
            "börjar med ett likhetstecken (=)).",
        ),
        (
            "0643",
            "Habo-2024.xlsx",
            b"PK\x03\x04",
            "fil",
            "Filen Habo-2024.xlsx är inte en nyckeltalsfil (.csv).",
        ),
        ("", "habo.csv", figures_csv("0643", 2024), "kommun", "Välj kommunen som skickade filen."),
        ("0643", "tom.csv", b"", "fil", "Filen du valde är tom."),
    ],
)
def test_a_file_the_portal_cannot_take_is_refused_on_the_page(
    region_client, kommun, name, data, field, message
):
    response = send(region_client, kommun, name, data)
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert message in html
    assert f'href="#id_{field}"' in html
    assert not Submission.objects.exists() and not AuditLog.objects.exists()


def test_a_copy_is_not_stored_and_other_figures_replace_only_when_asked(
    region_client, store_figures
):
    store_figures({"0643": [2024]})
    current = Submission.objects.get()
    same = excel_resave(figures_csv("0643", 2024))
    response = send(region_client, "0643", "Habo-2024-nyckeltal.csv", same)
    assert response.status_code == 302
    html = unescape(region_client.get(response["Location"]).content.decode())
    copy = "Habo-2024-nyckeltal.csv har samma nyckeltal för Habo 2024 som regionen redan ser"
    assert copy in html
    assert "Inget nytt sparades." in html
    assert Submission.objects.get() == current

    other = figures_csv("0643", 2024, seed=1)
    response = send(region_client, "0643", "Habo-2024-nyckeltal.csv", other)
    html = unescape(response.content.decode())
    other_values = "Regionen har redan nyckeltal för Habo 2024 med andra värden (skickad i portalen"
    assert f"{other_values} av rita" in html
    assert 'href="#id_ersatt"' in html
    assert Submission.objects.count() == 1

    response = send(region_client, "0643", "Habo-2024-nyckeltal.csv", other, ersatt="on")
    assert response.status_code == 302
    assert region.latest_ids()[("0643", 2024)] != current.pk
    html = unescape(region_client.get(response["Location"]).content.decode())
    assert "De ersätter nyckeltalen skickad i portalen av rita" in html


def test_a_value_too_large_to_keep_is_refused(region_client):
    """make compare reads figures up to 10^15; the database keeps 14 digits before the point."""
    data = re.sub(rb"(,aktiviteter,,,)\d+", rb"\g<1>100000000000000", figures_csv("0643", 2024))
    response = send(region_client, "0643", "habo.csv", data)
    assert response.status_code == 200
    assert (
        "habo.csv: Filen har värdet 100000000000000 för aktiviteter, större än portalen kan spara."
        in unescape(response.content.decode())
    )
    assert not KeyFigure.objects.exists()


def test_a_coach_cannot_add_a_file_and_the_form_needs_its_token(coach, region_user):
    data = figures_csv("0643", 2024)
    as_coach = Client()
    as_coach.force_login(coach)
    assert send(as_coach, "0643", "Habo-2024-nyckeltal.csv", data).status_code == 403
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(region_user)
    response = send(strict, "0643", "Habo-2024-nyckeltal.csv", data)
    assert response.status_code == 403
    assert "Formuläret kunde inte skickas" in response.content.decode()
    assert not Submission.objects.exists()
    assert Client().post("/region/epost/").status_code == 302  # logged out: to the login
