"""Django's protections stay on: headers, CSRF, cookies, settings from the environment."""

from __future__ import annotations

import runpy
import stat

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from pipeline import config
from pipeline.web import settings as portal_settings
from pipeline.web.models import Submission
from pipeline.web.tests.conftest import PASSWORD, XLSX_TYPE, example_workbooks


def load_settings(monkeypatch, tmp_path, **env) -> dict:
    """The settings module run afresh with this environment (Django's own stay as they are)."""
    for name in (
        "HALSOCENTER_SECRET_KEY",
        "HALSOCENTER_DEBUG",
        "HALSOCENTER_HTTPS",
        "HALSOCENTER_ALLOWED_HOSTS",
        "DATABASE_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(config, "PORTAL_DATA", tmp_path / "var")
    return runpy.run_path(portal_settings.__file__)


def test_safe_defaults_without_environment(monkeypatch, tmp_path):
    loaded = load_settings(monkeypatch, tmp_path)
    assert loaded["DEBUG"] is False
    assert loaded["SESSION_COOKIE_SECURE"] and loaded["CSRF_COOKIE_SECURE"]
    assert loaded["SECURE_HSTS_SECONDS"] >= 365 * 24 * 60 * 60
    assert loaded["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]
    database = loaded["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(tmp_path / "var" / "portal.sqlite3")
    assert (tmp_path / "var").is_dir()  # SQLite makes the file, we make the folder
    assert loaded["LANGUAGE_CODE"] == "sv" and loaded["TIME_ZONE"] == "Europe/Stockholm"


def test_the_generated_secret_key_is_kept_private_and_reused(monkeypatch, tmp_path):
    first = load_settings(monkeypatch, tmp_path)["SECRET_KEY"]
    key_file = tmp_path / "var" / "secret_key"
    assert len(first) >= 50 and key_file.read_text(encoding="utf-8") == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert load_settings(monkeypatch, tmp_path)["SECRET_KEY"] == first
    assert list(key_file.parent.glob("*.tmp")) == []


def test_environment_sets_key_database_hosts_and_http(monkeypatch, tmp_path):
    loaded = load_settings(
        monkeypatch,
        tmp_path,
        HALSOCENTER_SECRET_KEY="nyckel-från-miljön",
        DATABASE_URL="postgres://portal:hemligt@db.example:5432/halsocenter",
        HALSOCENTER_ALLOWED_HOSTS="halsocenter.rjl.se, www.halsocenter.rjl.se",
        HALSOCENTER_HTTPS="0",
    )
    assert loaded["SECRET_KEY"] == "nyckel-från-miljön"
    assert not (tmp_path / "var" / "secret_key").exists()
    database = loaded["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["NAME"], database["USER"]) == (
        "db.example",
        "halsocenter",
        "portal",
    )
    assert loaded["ALLOWED_HOSTS"] == ["halsocenter.rjl.se", "www.halsocenter.rjl.se"]
    assert not loaded["SESSION_COOKIE_SECURE"] and "SECURE_HSTS_SECONDS" not in loaded


def test_debug_only_when_asked(monkeypatch, tmp_path):
    assert load_settings(monkeypatch, tmp_path, HALSOCENTER_DEBUG="1")["DEBUG"] is True
    assert load_settings(monkeypatch, tmp_path, HALSOCENTER_DEBUG="0")["DEBUG"] is False


def test_security_headers_on_every_page(client):
    for path in ("/", "/tillganglighet/", "/finns-inte/"):
        response = client.get(path)
        assert response["X-Frame-Options"] == "DENY", path
        assert response["X-Content-Type-Options"] == "nosniff", path
        assert response["Referrer-Policy"] == "same-origin", path
        policy = response["Content-Security-Policy"]
        assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
        assert "style-src 'self'" in policy and "script-src 'self'" in policy
        assert "unsafe-inline" not in policy and "http" not in policy, policy
        assert 'lang="sv"' in response.content.decode()


def test_hsts_on_https(client):
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_pages_have_no_inline_script_or_style(client, coach):
    client.force_login(coach)
    for path in ("/", "/tillganglighet/", "/kommun/0643/"):
        html = client.get(path, follow=True).content.decode()
        assert "<script" not in html and "<style" not in html and " style=" not in html


def test_session_cookie_is_httponly(client, coach):
    response = client.post("/", {"username": "anna", "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert settings.SESSION_COOKIE_SECURE is True  # https in production


@pytest.mark.django_db
def test_a_post_without_the_csrf_token_is_refused(coach):
    browser = Client(enforce_csrf_checks=True)
    refused = browser.post("/", {"username": "anna", "password": PASSWORD})
    assert refused.status_code == 403
    assert "Formuläret kunde inte skickas" in refused.content.decode()
    assert "_auth_user_id" not in browser.session

    browser.force_login(coach)
    for path in ("/kommun/0643/", "/logga-ut/"):
        assert browser.post(path, {}).status_code == 403, path
    assert browser.get("/kommun/0643/").status_code == 200  # still logged in
    # Three workbooks without the token: refused before anything is checked or stored.
    files = {
        fil.removesuffix(".xlsx"): SimpleUploadedFile(fil, data, content_type=XLSX_TYPE)
        for fil, data in example_workbooks().items()
    }
    assert browser.post("/kommun/0643/", files).status_code == 403
    assert not Submission.objects.exists()


@pytest.mark.django_db
def test_a_post_with_the_csrf_token_is_accepted(coach):
    browser = Client(enforce_csrf_checks=True)
    browser.get("/")
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value
    response = browser.post(
        "/", {"username": "anna", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
