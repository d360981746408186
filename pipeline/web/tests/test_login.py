"""Login at `/`: the form, where each role lands, logout, and the lockout after ten misses."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt

from pipeline.web.tests.conftest import PASSWORD
from pipeline.web.views import LOCKED_OUT


def html(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
def test_the_login_form(client):
    page = html(client.get("/"))
    assert '<input type="text" name="username"' in page
    assert '<input type="password" name="password"' in page
    assert '<button type="submit" class="button">Logga in</button>' in page
    assert '<label class="label" for="id_username">Användarnamn</label>' in page
    assert "<title>Logga in – Hälsocenter rapport</title>" in page
    assert "Det finns problem" not in page


def test_a_coach_lands_on_their_municipality(client, coach):
    response = client.post("/", {"username": "anna", "password": PASSWORD})
    assert response["Location"] == "/kommun/0643/"
    assert client.get("/")["Location"] == "/kommun/0643/"  # logged in: / goes on


def test_regional_staff_land_on_the_region_page(client, region_user):
    response = client.post("/", {"username": "rita", "password": PASSWORD})
    assert response["Location"] == "/region/"


def test_a_user_without_a_role_is_told_whom_to_ask(client, make_user):
    make_user("utan")
    response = client.post("/", {"username": "utan", "password": PASSWORD}, follow=True)
    assert response.status_code == 403
    assert "inte kopplat till en kommun eller till regionen" in html(response)


def test_a_page_asked_for_before_login_comes_after_it(client, region_user):
    assert client.get("/region/")["Location"] == "/?next=/region/"
    response = client.post("/?next=/region/", {"username": "rita", "password": PASSWORD})
    assert response["Location"] == "/region/"


def test_a_failed_login_says_so_in_swedish_at_the_top(client, coach):
    response = client.post("/", {"username": "anna", "password": "fel-lösenord"})
    assert response.status_code == 200
    page = html(response)
    assert "<title>Fel: Logga in – Hälsocenter rapport</title>" in page
    summary = page.index("Det finns problem")
    assert summary < page.index("<h1>")
    assert (
        '<li><a href="#id_username">Fel användarnamn eller lösenord. Skriv dem igen; stora och '
        "små bokstäver räknas.</a></li>"
    ) in page
    # The summary takes the focus (GOV.UK's pattern, without JavaScript).
    assert (
        '<div class="error-summary" id="error-summary" aria-labelledby="error-summary-title" '
        'tabindex="-1" autofocus>'
    ) in page


@pytest.mark.django_db
def test_empty_fields_name_each_field(client):
    page = html(client.post("/", {"username": "", "password": ""}))
    assert '<a href="#id_username">Skriv ditt användarnamn.</a>' in page
    assert '<a href="#id_password">Skriv ditt lösenord.</a>' in page
    # Each field's own message is tied to it for screen readers.
    assert 'aria-invalid="true" aria-describedby="id_username_error" id="id_username"' in page
    assert (
        '<p class="error-message" id="id_username_error"><span class="visually-hidden">Fel:'
        "</span> Skriv ditt användarnamn.</p>"
    ) in page


def test_logout_is_a_post(client, coach):
    client.force_login(coach)
    assert client.get("/logga-ut/").status_code == 405
    assert client.get("/kommun/0643/").status_code == 200
    response = client.post("/logga-ut/")
    assert response["Location"] == "/"
    assert client.get("/kommun/0643/").status_code == 302


def test_ten_failed_logins_lock_the_username(client, coach, other_coach):
    for attempt in range(1, 10):
        response = client.post("/", {"username": "anna", "password": f"fel-{attempt}"})
        assert response.status_code == 200, attempt
    tenth = client.post("/", {"username": "anna", "password": "fel-10"})
    assert tenth.status_code == 429
    assert LOCKED_OUT in html(tenth)
    # Now even the right password is refused, and the page says why, in Swedish.
    refused = client.post("/", {"username": "anna", "password": PASSWORD})
    assert refused.status_code == 429
    page = html(refused)
    assert "Det finns problem" in page and f'<a href="#id_username">{LOCKED_OUT}</a>' in page
    assert "_auth_user_id" not in client.session
    # Another username is not locked.
    assert client.post("/", {"username": "bertil", "password": PASSWORD}).status_code == 302


def test_a_successful_login_resets_the_count(client, coach):
    for attempt in range(9):
        client.post("/", {"username": "anna", "password": f"fel-{attempt}"})
    assert client.post("/", {"username": "anna", "password": PASSWORD}).status_code == 302
    client.logout()
    for attempt in range(9):
        client.post("/", {"username": "anna", "password": f"fel-{attempt}"})
    assert client.post("/", {"username": "anna", "password": PASSWORD}).status_code == 302


def test_the_lock_lifts_after_the_cooloff(client, coach):
    for attempt in range(10):
        client.post("/", {"username": "anna", "password": f"fel-{attempt}"})
    assert client.post("/", {"username": "anna", "password": PASSWORD}).status_code == 429
    earlier = AccessAttempt.objects.get().attempt_time - dt.timedelta(minutes=31)
    AccessAttempt.objects.update(attempt_time=earlier)
    assert client.post("/", {"username": "anna", "password": PASSWORD}).status_code == 302
