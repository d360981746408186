"""/region/: the latest valid submission per municipality and year; the audit log."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.utils import timezone

from pipeline.contract import schema as contract
from pipeline.web.models import Submission


def rows(html: str, year: int) -> dict[str, str]:
    """Municipality → its row's text, in the table for `year`."""
    section = html[html.index(f'<h2 id="ar-{year}">') :]
    section = section[: section.index("</table>")]
    found = {}
    for row in re.findall(r"<tr>(.*?)</tr>", section, flags=re.S)[1:]:
        cells = [
            " ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split())
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        ]
        found[cells[0]] = " ".join(cells[1:])
    return found


@pytest.fixture
def region_client(client, region_user):
    client.force_login(region_user)
    return client


def sent_on(submission: Submission, day: dt.date) -> Submission:
    moment = timezone.make_aware(dt.datetime(day.year, day.month, day.day, 10, 0))
    Submission.objects.filter(pk=submission.pk).update(sent_at=moment)
    return submission


def test_the_latest_valid_submission_per_municipality_and_year(
    region_client, coach, other_coach, make_user, make_submission
):
    first = sent_on(make_submission(coach, "0643", 2024), dt.date(2025, 1, 20))
    latest = sent_on(make_submission(coach, "0643", 2024), dt.date(2025, 2, 3))
    sent_on(make_submission(coach, "0643", 2024, valid=False), dt.date(2025, 2, 10))
    sent_on(make_submission(other_coach, "0665", 2023), dt.date(2024, 2, 1))
    sent_on(
        make_submission(make_user("rita2", region=True), "0665", 2024, via_email=True),
        dt.date(2025, 3, 1),
    )
    html = unescape(region_client.get("/region/").content.decode())
    assert html.index('<h2 id="ar-2024">') < html.index('<h2 id="ar-2023">')
    assert "2 av 13 kommuner har en godkänd inlämning för 2024." in html
    assert "1 av 13 kommuner har en godkänd inlämning för 2023." in html

    year_2024 = rows(html, 2024)
    assert list(year_2024) == [k.namn for k in contract.kommuner()]
    assert year_2024["Habo"] == (
        "3 februari 2025 anna Habo-2024-verksamhetsberattelse.docx Habo-2024-nyckeltal.csv"
    )
    assert year_2024["Vaggeryd"].startswith("1 mars 2025 rita2 (kom med e-post)")
    assert year_2024["Aneby"] == "Ingen godkänd inlämning"
    assert f'href="/inlamningar/{latest.pk}/Habo-2024-nyckeltal.csv"' in html
    assert f"/inlamningar/{first.pk}/" not in html
    assert rows(html, 2023)["Vaggeryd"].startswith("1 februari 2024 bertil")
    assert rows(html, 2023)["Habo"] == "Ingen godkänd inlämning"


@pytest.mark.django_db
def test_before_any_submission_the_page_says_so(region_client):
    html = region_client.get("/region/").content.decode()
    assert "Ingen kommun har skickat in något ännu." in html
    assert all(f"<li>{k.namn}</li>" in html for k in contract.kommuner())


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
