"""The Django admin for the region's administrators: Swedish, submissions read-only."""

from __future__ import annotations

from html import unescape


def test_administrators_see_roles_submissions_and_the_log(
    client, make_user, coach, make_submission
):
    admin = make_user("adam", region=True, is_staff=True, is_superuser=True)
    submission = make_submission(coach, "0643", 2024)
    client.force_login(admin)
    index = unescape(client.get("/admin/").content.decode())
    assert "Hälsocenter rapport – administration" in index
    for name in ("Inlämningar", "Logg", "Roller i portalen"):
        assert name in index, name
    users = unescape(client.get("/admin/auth/user/").content.decode())
    assert "hälsocoach i Habo" in users and "regional personal" in users
    assert client.get("/admin/portal/submission/").status_code == 200
    change = client.get(f"/admin/portal/submission/{submission.pk}/change/")
    assert change.status_code == 200 and "Habo-2024-nyckeltal.csv" in change.content.decode()
    # Made by the portal, never by hand.
    assert client.get("/admin/portal/submission/add/").status_code == 403
    assert client.get("/admin/portal/auditlog/add/").status_code == 403
    assert client.post(f"/admin/portal/auditlog/{submission.pk}/delete/").status_code in (403, 404)


def test_a_coach_has_no_admin(client, coach):
    client.force_login(coach)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
