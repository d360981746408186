"""Django for the portal's tests only.

This folder's conftest sets Django up, so the library's tests in tests/ never pay for
it when run alone; under pytest-xdist only the workers do (the controller runs no
test). pytest-django then blocks the database for every test that does not ask for it.
"""

from __future__ import annotations

import csv
import io
import os

import pytest

from pipeline import config
from pipeline.contract import schema as contract
from pipeline.web import SETTINGS
from tests.conftest import (  # noqa: F401 - the library's fixtures
    Workbooks,
    base_report,
    books,
    fake_libreoffice,
)

PASSWORD = "rätt-lösenord-42"


def pytest_configure(config):
    if getattr(config.option, "numprocesses", None) and not hasattr(config, "workerinput"):
        return  # the xdist controller: it only hands out tests
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    # Playwright's synchronous API keeps an event loop running in this thread.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    import django
    from django.conf import settings

    django.setup()
    # A fast password hash: the tests log in many times (production keeps PBKDF2).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # No PDF unless a test asks (LibreOffice takes seconds; it writes temporary files).
    settings.PORTAL_PDF = False
    # No targets unless a test gives some (never a developer's data/region/malvarden.csv).
    settings.PORTAL_TARGETS = None


@pytest.fixture(autouse=True)
def _fresh_region_cache():
    """The region's comparisons are kept by submission ids, which a new test database
    gives out again: each test starts without any."""
    from pipeline.web import region

    region.clear_cache()


@pytest.fixture
def make_user(db):
    """make_user("anna", kommun="0643") or make_user("rita", region=True): a logged-in-able user."""
    from django.contrib.auth import get_user_model

    from pipeline.web.models import Profile

    def make(name: str, kommun: str = "", region: bool = False, **flags):
        user = get_user_model().objects.create_user(name, password=PASSWORD, **flags)
        if kommun or region:
            Profile.objects.create(user=user, kommunkod=kommun, region=region)
        return user

    return make


@pytest.fixture
def coach(make_user):
    return make_user("anna", kommun="0643")  # Habo


@pytest.fixture
def other_coach(make_user):
    return make_user("bertil", kommun="0665")  # Vaggeryd


@pytest.fixture
def region_user(make_user):
    return make_user("rita", region=True)


EXAMPLE_CSV = config.ROOT / "tests" / "expected" / "Vaggeryd-2023-nyckeltal.csv"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def kommun_namn(kod: str) -> str:
    return next(k.namn for k in contract.kommuner() if k.kod == kod)


def key_figures_csv(kod: str = "0665", year: int = 2023) -> bytes:
    """The shipped example's nyckeltal.csv, moved to another municipality and year."""
    namn = kommun_namn(kod)
    text = EXAMPLE_CSV.read_text(encoding="utf-8")
    return text.replace(",0665,Vaggeryd,2023,", f",{kod},{namn},{year},").encode()


@pytest.fixture
def make_submission(db):
    """make_submission(user, "0643", 2024): a stored submission; a valid one has two outputs
    (the key figures, and a stand-in for the report)."""
    from pipeline.web import services

    def make(user, kod: str, year: int = 2024, valid: bool = True, **kwargs):
        csv_bytes = key_figures_csv(kod, year)
        namn = kommun_namn(kod)
        return services.store_submission(
            user=user,
            kommunkod=kod,
            sent={"remisser.xlsx": b"PK\x03\x04 remisser", "verksamhet.xlsx": b"PK\x03\x04 v"},
            valid=valid,
            key_figures_csv=csv_bytes if valid else None,
            outputs={
                f"{namn}-{year}-verksamhetsberattelse.docx": (b"PK\x03\x04 rapport", DOCX_TYPE),
                f"{namn}-{year}-nyckeltal.csv": (csv_bytes, "text/csv; charset=utf-8"),
            }
            if valid
            else None,
            schema_version=1,
            **kwargs,
        )

    return make


def example_workbooks() -> dict[str, bytes]:
    """The shipped example's three workbooks (Vaggeryd 2023) by file name."""
    return {fil: (config.EXAMPLE / fil).read_bytes() for fil in contract.files()}


def folder_workbooks(folder) -> dict[str, bytes]:
    return {fil: (folder / fil).read_bytes() for fil in contract.files()}


@pytest.fixture
def fake_office(tmp_path, monkeypatch, settings):
    """PDFs on, from a LibreOffice that makes one at once (tests/test_pdf.py's fake)."""
    from pipeline.publish import pdf

    soffice = fake_libreoffice(tmp_path)
    monkeypatch.setattr(pdf, "find_libreoffice", lambda: str(soffice))
    monkeypatch.setattr(pdf, "font_missing", lambda: False)
    settings.PORTAL_PDF = True
    return soffice


def figures_csv(
    kod: str, year: int, seed: int = 0, hidden: tuple[str, ...] = (), schema_version: int = 1
) -> bytes:
    """The example's nyckeltal.csv for any municipality and year, its counts scaled by a
    seeded random factor (so that municipalities differ); the key figures named in `hidden`
    (nyckeltal without breakdown) hidden, as suppression writes them."""
    import random

    rng = random.Random(f"{kod}-{year}-{seed}")
    namn = kommun_namn(kod)
    rows = list(csv.reader(io.StringIO(EXAMPLE_CSV.read_text(encoding="utf-8"))))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(rows[0])
    for row in rows[1:]:
        value, flag = row[7], row[8]
        if value and "." not in value:
            value = str(max(0, round(int(value) * rng.uniform(0.4, 1.6))))
        if row[4] in hidden and not row[5]:
            value, flag = "", "1"
        writer.writerow([schema_version, kod, namn, year, *row[4:7], value, flag])
    return out.getvalue().encode("utf-8")


@pytest.fixture
def store_figures(db, region_user):
    """store_figures({"0643": [2023, 2024], ...}, hidden={("0643", 2024): ("uteblivna_samtal",)}):
    valid submissions of those key figures; returns the files by the name make report gives."""
    from pipeline.web import services

    def store(plan: dict[str, list[int]], hidden=None, user=None) -> dict[str, bytes]:
        files = {}
        for kod, years in plan.items():
            for year in years:
                data = figures_csv(kod, year, hidden=(hidden or {}).get((kod, year), ()))
                name = f"{kommun_namn(kod)}-{year}-nyckeltal.csv"
                services.store_submission(
                    user=user or region_user,
                    kommunkod=kod,
                    sent={f"{kommun_namn(kod)}.xlsx": b"PK\x03\x04"},
                    valid=True,
                    key_figures_csv=data,
                    outputs={name: (data, "text/csv; charset=utf-8")},
                    schema_version=1,
                )
                files[name] = data
        return files

    return store
