"""A coach sees only their own municipality: every URL is tried as another one."""

from __future__ import annotations

import pytest
from django.urls import get_resolver, reverse

from pipeline.web.models import AuditLog

# Every named URL of the portal, and what it needs. A new URL fails
# test_every_url_is_listed until it is added here (and so tried below).
PUBLIC = {"login", "accessibility"}
ANY_USER = {"start", "logout"}
COACH = {"kommun": "kod", "download": "pk"}
# The region's pages, each with an address to try (a file that would exist for the region).
REGION = {
    "region": (),
    "region_email": (),
    "region_file": ("jamforelse-2024.xlsx",),
    "audit_log": (),
}


def portal_url_names() -> set[str]:
    return {
        name
        for pattern in get_resolver().url_patterns
        if getattr(pattern, "namespace", None) == "portal"
        for name in pattern.reverse_dict
        if isinstance(name, str)
    }


def test_every_url_is_listed():
    assert portal_url_names() == PUBLIC | ANY_USER | set(COACH) | set(REGION)


@pytest.fixture
def two(coach, other_coach, make_submission):
    """Habo's (anna's) and Vaggeryd's (bertil's) submissions."""
    return make_submission(coach, "0643", 2024), make_submission(other_coach, "0665", 2024)


def other_municipality_urls(vaggeryd) -> list[str]:
    output = vaggeryd.outputs.first()
    return [
        reverse("portal:kommun", args=["0665"]),
        reverse("portal:download", args=[vaggeryd.pk, output.name]),
        reverse("portal:download", args=[vaggeryd.pk, "valideringsrapport.xlsx"]),
        # Typed by hand: a code that is no municipality, a submission that is not there.
        "/kommun/9999/",
        "/kommun/0643%2F..%2F0665/",
        reverse("portal:download", args=[vaggeryd.pk + 100, output.name]),
    ]


def test_another_municipality_answers_404_for_every_method(client, coach, two):
    _, vaggeryd = two
    client.force_login(coach)
    for url in other_municipality_urls(vaggeryd):
        for method in ("get", "post", "head"):
            response = getattr(client, method)(url)
            assert response.status_code in (404, 405), (method, url, response.status_code)
            assert response.status_code == 404 or method != "get", (method, url)
    assert not AuditLog.objects.filter(action=AuditLog.DOWNLOADED).exists()


def test_a_coach_never_reaches_the_region_pages(client, coach, region_user, two):
    """Every region URL answers a coach 403, whatever the method; the region's own user
    reaches each (so the 403 is about who asks, not a page that is not there)."""
    client.force_login(coach)
    for name, args in REGION.items():
        url = reverse(f"portal:{name}", args=args)
        own = "post" if name == "region_email" else "get"
        for method in ("get", "post", "head"):
            response = getattr(client, method)(url)
            allowed = (403,) if method == own else (403, 405)
            assert response.status_code in allowed, (method, name, response.status_code)
            if method == own:
                assert "Du har inte behörighet till sidan" in response.content.decode()
    assert not AuditLog.objects.filter(action=AuditLog.DOWNLOADED).exists()
    client.force_login(region_user)
    for name, args in REGION.items():
        own = "post" if name == "region_email" else "get"
        response = getattr(client, own)(reverse(f"portal:{name}", args=args))
        assert response.status_code == 200, name


def test_regional_staff_have_no_coach_page(client, region_user, two):
    client.force_login(region_user)
    assert client.get(reverse("portal:kommun", args=["0643"])).status_code == 404


def test_nothing_but_public_pages_without_login(client, two):
    habo, _ = two
    urls = [
        reverse("portal:kommun", args=["0643"]),
        reverse("portal:download", args=[habo.pk, habo.outputs.first().name]),
        *(reverse(f"portal:{name}", args=args) for name, args in REGION.items()),
        reverse("portal:start"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/?next="), url
    for name in PUBLIC:
        assert client.get(reverse(f"portal:{name}")).status_code == 200


def test_a_coach_downloads_their_own_file_and_it_is_logged(client, coach, two):
    habo, _ = two
    client.force_login(coach)
    response = client.get(reverse("portal:download", args=[habo.pk, "Habo-2024-nyckeltal.csv"]))
    assert response.status_code == 200
    assert response.content == habo.outputs.get(name="Habo-2024-nyckeltal.csv").content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="Habo-2024-nyckeltal.csv"'
    assert response["Cache-Control"] == "private, no-store"
    event = AuditLog.objects.get(action=AuditLog.DOWNLOADED)
    assert (event.username, event.kommunkod, event.submission, event.detail) == (
        "anna",
        "0643",
        habo,
        "Habo-2024-nyckeltal.csv",
    )


def test_regional_staff_download_any_municipality(client, region_user, two):
    _, vaggeryd = two
    client.force_login(region_user)
    url = reverse("portal:download", args=[vaggeryd.pk, "Vaggeryd-2024-nyckeltal.csv"])
    assert client.get(url).status_code == 200
    assert AuditLog.objects.get(action=AuditLog.DOWNLOADED).username == "rita"


def test_a_file_name_with_swedish_letters_downloads(client, make_user, make_submission):
    coach = make_user("jonna", kommun="0680")
    submission = make_submission(coach, "0680", 2024)
    client.force_login(coach)
    response = client.get(
        reverse("portal:download", args=[submission.pk, "Jönköping-2024-nyckeltal.csv"])
    )
    assert response.status_code == 200
    assert (
        "filename*=utf-8''J%C3%B6nk%C3%B6ping-2024-nyckeltal.csv" in response["Content-Disposition"]
    )


def test_workbooks_sent_to_another_municipalitys_page_are_never_checked(client, coach, monkeypatch):
    """Habo's coach posts the example to Vaggeryd's page: 404, nothing checked or stored."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pipeline.web import services
    from pipeline.web.models import Submission
    from pipeline.web.tests.conftest import XLSX_TYPE, example_workbooks

    monkeypatch.setattr(services, "submit", lambda **kwargs: pytest.fail("checked"))
    client.force_login(coach)
    files = {
        fil.removesuffix(".xlsx"): SimpleUploadedFile(fil, data, content_type=XLSX_TYPE)
        for fil, data in example_workbooks().items()
    }
    assert client.post(reverse("portal:kommun", args=["0665"]), files).status_code == 404
    assert not Submission.objects.exists() and not AuditLog.objects.exists()
