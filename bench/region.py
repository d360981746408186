"""The region's page under load of data: `/region/` with 13 municipalities × 10 years.

    .venv/bin/python -m bench.region [--rundor 30]

A fresh SQLite database in a temporary folder gets one valid submission per
municipality and year (key figures made from the shipped example's, scaled per
municipality and year). Then, in interleaved rounds, the same logged-in regional user
asks for a bare Django page (an HttpResponse through the portal's whole middleware) and
for `/region/`; the ratio of the medians is the number to watch, since both grow alike
on a busy machine. Also measured: the first `/region/` after a restart (the
comparison built anew, then kept) and the number of SQL queries per page.

Requests go through Django's test client, in this process: no network and no web
server, everything else as in production (middleware, session, views, templates).
Writes nothing into the project: the database, its folder and the secret key live in
the temporary folder.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.machine import machine

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_CSV = ROOT / "tests" / "expected" / "Vaggeryd-2023-nyckeltal.csv"
YEARS = range(2015, 2025)
LIMIT_MS = 300  # the promise for /region/ with 13 × 10 years


def key_figures(kod: str, namn: str, year: int, rng: random.Random) -> bytes:
    """The example's nyckeltal.csv for another municipality and year: every count scaled
    by one factor of the municipality's year (each key figure a little less, so shares
    stay shares), the inhabitants by another (so rates differ between municipalities)."""
    rows = list(csv.reader(io.StringIO(EXAMPLE_CSV.read_text(encoding="utf-8"))))
    size, people = rng.uniform(0.5, 1.6), rng.uniform(0.6, 3.0)
    noise: dict[str, float] = {}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(rows[0])
    for row in rows[1:]:
        value = row[7]
        if value and "." not in value:
            factor = people if row[4] == "invanare" else size
            factor *= noise.setdefault(row[4], rng.uniform(0.85, 1.0))
            value = str(max(0, round(int(value) * factor)))
        writer.writerow([row[0], kod, namn, year, *row[4:7], value, row[8]])
    return out.getvalue().encode("utf-8")


def machine_and_load() -> str:
    """bench/machine.py's description, and what else ran (the times grow with it)."""
    load = ""
    if hasattr(os, "getloadavg"):
        load = f"; belastning {os.getloadavg()[0]:.1f}".replace(".", ",")
    return machine() + load


def _setup(folder: Path) -> None:
    """Django on a fresh SQLite database in `folder`, nothing written into the project."""
    from pipeline import config

    config.PORTAL_DATA = folder  # the settings' SQLite folder
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "pipeline.web.settings",
            "DATABASE_URL": f"sqlite:///{folder / 'portal.sqlite3'}",
            "HALSOCENTER_SECRET_KEY": "bench-" + "x" * 50,
            "HALSOCENTER_MALVARDEN": str(folder / "malvarden.csv"),
            "HALSOCENTER_PDF": "0",
        }
    )
    (folder / "malvarden.csv").write_text(
        "matt,malvarde,battre\nandel_inom_30_dagar,80,högre\nandel_uteblivna,10,lägre\n",
        encoding="utf-8",
    )
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    settings.ROOT_URLCONF = __name__  # the portal's addresses and the bare page
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", interactive=False, verbosity=0)


def bare(request):
    """The bare Django page: the portal's middleware, the session, no view work."""
    from django.http import HttpResponse

    return HttpResponse("<!doctype html><html lang='sv'><title>Tom</title><p>Tom sida.</p>")


def _urlpatterns():
    from django.urls import include, path

    return [path("bar/", bare), path("", include("pipeline.web.urls"))]


def __getattr__(name: str):
    if name == "urlpatterns":  # read by Django's URL resolver, after setup
        return _urlpatterns()
    raise AttributeError(name)


def _store(user) -> int:
    from pipeline.contract import schema as contract
    from pipeline.web import services

    rng = random.Random(13)
    count = 0
    for kommun in contract.kommuner():
        for year in YEARS:
            data = key_figures(kommun.kod, kommun.namn, year, rng)
            services.store_submission(
                user=user,
                kommunkod=kommun.kod,
                sent={f"{kommun.namn}-{year}.xlsx": b"PK"},
                valid=True,
                key_figures_csv=data,
                outputs={f"{kommun.namn}-{year}-nyckeltal.csv": (data, "text/csv")},
                schema_version=1,
            )
            count += 1
    return count


def _ms(client, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    seconds = time.perf_counter() - start
    if response.status_code != 200:
        raise SystemExit(f"{url} svarade {response.status_code}")
    return seconds * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Mäter /region/ med 13 kommuner × 10 år.")
    parser.add_argument("--rundor", type=int, default=30, help="antal rundor (standard 30)")
    rounds = parser.parse_args(argv).rundor
    with tempfile.TemporaryDirectory(prefix="halsocenter-bench-region-") as tmp:
        _setup(Path(tmp))
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from pipeline.web import region
        from pipeline.web.models import Profile

        user = get_user_model().objects.create_user("rita", password="bench-lösenord-1")
        Profile.objects.create(user=user, region=True)
        start = time.perf_counter()
        submissions = _store(user)
        seeded = time.perf_counter() - start
        client = Client()
        client.force_login(user)

        cold = []
        for _ in range(3):  # the first page after a restart: the comparison built anew
            region.clear_cache()
            cold.append(_ms(client, "/region/"))
        _ms(client, "/bar/")
        bare_ms, region_ms = [], []
        for _ in range(rounds):
            bare_ms.append(_ms(client, "/bar/"))
            region_ms.append(_ms(client, "/region/"))
        with CaptureQueriesContext(connection) as queries:
            html = client.get("/region/").content.decode()
        if "Länets kommuner 2024" not in html:
            raise SystemExit("/region/ visade inte 2024.")

    median_bare, median_region = statistics.median(bare_ms), statistics.median(region_ms)
    ratio = median_region / median_bare

    def ms(value: float) -> str:
        return f"{value:.1f}".replace(".", ",")

    print(f"Dator: {machine_and_load()}")
    print(
        f"Databas: SQLite, {submissions} inlämningar (13 kommuner × {len(YEARS)} år), "
        f"fylld på {seeded:.1f} s.".replace(".", ",", 1)
    )
    print(f"Tom Django-sida (median av {rounds}): {ms(median_bare)} ms")
    print(
        f"/region/ (median av {rounds}, jämförelsen sparad): {ms(median_region)} ms, "
        f"högst {ms(max(region_ms))} ms; {len(queries)} SQL-frågor"
    )
    print(
        f"/region/ första gången efter en omstart (jämförelsen byggs; efter en inlämning "
        f"är den redan byggd): {ms(min(cold))} ms"
    )
    print(f"Kvot /region/ ÷ tom sida: {ms(ratio)}")
    within = "inom" if median_region < LIMIT_MS else "ÖVER"
    print(f"/region/ är {within} gränsen {LIMIT_MS} ms (jämförelsen sparad).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
