"""What is stored of a submission, and what never is: a raw workbook."""

from __future__ import annotations

import csv
import hashlib
import io
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from pipeline.web import services
from pipeline.web.models import AuditLog, KeyFigure, Profile, SentFile, Submission
from pipeline.web.tests.conftest import EXAMPLE_CSV, XLSX_TYPE, key_figures_csv

# What a workbook holds: an ID, a sex, a year of birth. None of it may be stored.
WORKBOOK = b"PK\x03\x04" + "Klient-ID HB0042 Kvinna 1961 hemlig-markör".encode() * 50


def all_stored_values():
    """Every value in every table of the database, whatever the models say."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from the database
            for row in cursor.fetchall():
                yield from row


def test_a_valid_submission_keeps_key_figures_outputs_names_and_hashes(coach):
    csv_bytes = key_figures_csv("0643", 2024)
    submission = services.store_submission(
        user=coach,
        kommunkod="0643",
        sent={"remisser.xlsx": WORKBOOK, "aktiviteter.xlsx": b"PK\x03\x04 a"},
        valid=True,
        key_figures_csv=csv_bytes,
        outputs={"Habo-2024-nyckeltal.csv": (csv_bytes, "text/csv")},
        schema_version=1,
    )
    submission.refresh_from_db()
    assert (submission.kommunkod, submission.ar, submission.valid) == ("0643", 2024, True)
    assert submission.sent_by_name == "anna" and submission.schema_version == 1

    lines = list(csv.DictReader(io.StringIO(csv_bytes.decode())))
    stored = {
        (f.nyckeltal, f.dimension, f.kategori): f
        for f in KeyFigure.objects.filter(submission=submission)
    }
    assert len(stored) == len(lines)
    for line in lines:
        figure = stored[(line["nyckeltal"], line["dimension"], line["kategori"])]
        assert figure.undertryckt == (line["undertryckt"] == "1")
        assert figure.varde == (Decimal(line["varde"]) if line["varde"] else None)
    assert stored[("aktiviteter", "", "")].varde == 11

    sent = {f.name: (f.sha256, f.size) for f in SentFile.objects.filter(submission=submission)}
    assert sent["remisser.xlsx"] == (hashlib.sha256(WORKBOOK).hexdigest(), len(WORKBOOK))
    assert submission.outputs.get().content == csv_bytes

    event = AuditLog.objects.get()
    assert (event.action, event.username, event.submission) == ("inlamning", "anna", submission)
    assert event.detail == "remisser.xlsx, aktiviteter.xlsx"


def test_no_raw_workbook_is_stored_anywhere(coach):
    services.store_submission(
        user=coach,
        kommunkod="0643",
        sent={"remisser.xlsx": WORKBOOK},
        valid=True,
        key_figures_csv=key_figures_csv("0643", 2024),
        outputs={"valideringsrapport.xlsx": (b"PK\x03\x04 rapport", XLSX_TYPE)},
    )
    services.store_submission(
        user=coach, kommunkod="0643", sent={"remisser.xlsx": WORKBOOK}, valid=False
    )
    values = list(all_stored_values())
    assert any(v == "remisser.xlsx" for v in values)  # the scan does see what is stored
    for value in values:
        data = bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()
        assert b"HB0042" not in data and "hemlig-markör".encode() not in data


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("csv_bytes", "message"),
    [
        (key_figures_csv("0665", 2024), "Nyckeltalen gäller Vaggeryd, inte Habo."),
        (
            key_figures_csv("0643", 2023) + key_figures_csv("0643", 2024).split(b"\n", 1)[1],
            "Nyckeltalsfilen ska gälla en kommun och ett år, inte Habo 2023, Habo 2024.",
        ),
    ],
)
def test_key_figures_of_another_municipality_or_year_are_not_stored(coach, csv_bytes, message):
    with pytest.raises(services.SubmissionProblem, match=message):
        services.store_submission(
            user=coach, kommunkod="0643", sent={}, valid=True, key_figures_csv=csv_bytes
        )
    assert not Submission.objects.exists() and not AuditLog.objects.exists()


@pytest.mark.parametrize(("kommunkod", "region"), [("0643", True), ("", False)])
def test_a_role_is_a_municipality_or_the_region_never_both_or_none(make_user, kommunkod, region):
    user = make_user("x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Profile.objects.create(user=user, kommunkod=kommunkod, region=region)


def test_stored_key_figures_give_back_the_same_csv_bytes(coach):
    """The table round-trips: the shipped example's nyckeltal.csv, byte for byte."""
    original = EXAMPLE_CSV.read_bytes()
    submission = services.store_submission(
        user=coach,
        kommunkod="0665",
        sent={},
        valid=True,
        key_figures_csv=original,
        schema_version=1,
    )
    submission.refresh_from_db()
    assert services.key_figures_csv(submission) == original


def test_last_years_figures_come_from_the_latest_valid_submission(coach, make_submission):
    assert services.previous_key_figures("0643", 2023) is None
    make_submission(coach, "0643", 2023)
    newer = key_figures_csv("0643", 2023).replace(b"aktiviteter,,,11,", b"aktiviteter,,,12,")
    services.store_submission(
        user=coach,
        kommunkod="0643",
        sent={},
        valid=True,
        key_figures_csv=newer,
        schema_version=1,
    )
    make_submission(coach, "0643", 2023, valid=False)
    make_submission(coach, "0643", 2024)
    assert services.previous_key_figures("0643", 2023) == newer
    assert services.previous_key_figures("0665", 2023) is None
