"""`halsocenter konto`: accounts on the command line, the password never an argument."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.test import RequestFactory

from pipeline import config
from pipeline.cli import main as cli
from pipeline.web.models import Profile

NEW_PASSWORD = "ett-nytt-lösenord-7"
User = get_user_model()


def konto(monkeypatch, capsys, *args: str, stdin: str = NEW_PASSWORD + "\n") -> tuple[int, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(["konto", *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def can_log_in(name: str, password: str) -> bool:
    request = RequestFactory().post("/")
    return authenticate(request, username=name, password=password) is not None


@pytest.mark.django_db
def test_a_coach_account_for_one_municipality(monkeypatch, capsys):
    code, out = konto(monkeypatch, capsys, "anna", "--kommun", "habo")
    assert (code, out) == (0, "Skapade kontot anna: hälsocoach i Habo.\n")
    profile = Profile.objects.get(user__username="anna")
    assert (profile.kommunkod, profile.region) == ("0643", False)
    assert can_log_in("anna", NEW_PASSWORD)
    assert not User.objects.get(username="anna").is_staff


@pytest.mark.django_db
def test_running_again_sets_a_new_password(monkeypatch, capsys):
    konto(monkeypatch, capsys, "anna", "--kommun", "Habo", stdin="det-första-lösenordet\n")
    code, out = konto(monkeypatch, capsys, "anna", "--kommun", "Habo")
    assert (code, out) == (0, "Nytt lösenord för kontot anna: hälsocoach i Habo.\n")
    assert User.objects.filter(username="anna").count() == 1
    assert can_log_in("anna", NEW_PASSWORD)
    assert not can_log_in("anna", "det-första-lösenordet")


@pytest.mark.django_db
def test_regional_staff_and_administrators(monkeypatch, capsys):
    code, out = konto(monkeypatch, capsys, "rita", "--region")
    assert (code, out) == (0, "Skapade kontot rita: regional personal.\n")
    assert Profile.objects.get(user__username="rita").region
    code, out = konto(monkeypatch, capsys, "adam", "--region", "--admin")
    assert code == 0 and "administrationen på /admin/" in out
    adam = User.objects.get(username="adam")
    assert adam.is_staff and adam.is_superuser


@pytest.mark.django_db
def test_an_unknown_municipality_is_one_swedish_line(monkeypatch, capsys):
    code, out = konto(monkeypatch, capsys, "anna", "--kommun", "Hbo")
    assert (code, out) == (1, "Okänd kommun 'Hbo'. Menade du Habo?\n")
    code, out = konto(monkeypatch, capsys, "anna", "--kommun", "Stockholm")
    assert code == 1 and out.startswith("Okänd kommun 'Stockholm'. Välj en av: Aneby, Gnosjö")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_the_password_is_never_an_argument(monkeypatch, capsys):
    code, out = konto(monkeypatch, capsys, "anna", "--kommun", "Habo", "hemligt-lösenord-1")
    assert code == 2 and "okända argument: hemligt-lösenord-1" in out
    assert not User.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("\n", "Lösenordet är tomt. Inget ändrades.\n"),
        (
            "kort\n",
            "Lösenordet duger inte: Det här lösenordet är för kort. Det måste innehålla minst "
            "10 tecken. Inget ändrades.\n",
        ),
    ],
)
def test_an_unusable_password_changes_nothing(monkeypatch, capsys, stdin, message):
    assert konto(monkeypatch, capsys, "anna", "--kommun", "Habo", stdin=stdin) == (1, message)
    assert not User.objects.exists()


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.django_db
def test_at_a_terminal_the_password_is_asked_twice(monkeypatch, capsys):
    answers = iter([NEW_PASSWORD, NEW_PASSWORD, NEW_PASSWORD, "skrivfel-i-lösenordet"])
    prompts = []
    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr("getpass.getpass", lambda prompt: prompts.append(prompt) or next(answers))
    assert cli.main(["konto", "anna", "--kommun", "Habo"]) == 0
    assert prompts == ["Lösenord: ", "Samma lösenord igen: "]
    assert cli.main(["konto", "anna", "--kommun", "Habo"]) == 1
    assert "Lösenorden var inte lika. Inget ändrades" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_new_password_lifts_a_lockout(monkeypatch, capsys, coach, client):
    for _ in range(10):
        client.post("/", {"username": "anna", "password": "fel-lösenord"})
    assert client.post("/", {"username": "anna", "password": "fel"}).status_code == 429
    assert konto(monkeypatch, capsys, "anna", "--kommun", "Habo")[0] == 0
    response = client.post("/", {"username": "anna", "password": NEW_PASSWORD})
    assert response.status_code == 302


def test_on_a_fresh_clone_konto_creates_the_database(tmp_path):
    """The command the README gives, in a new process with no database yet."""
    database = tmp_path / "portal.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "konto", "anna", "--kommun", "Vaggeryd"],
        input=NEW_PASSWORD + "\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=config.ROOT,
        timeout=120,
    )
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        "Skapade kontot anna: hälsocoach i Vaggeryd.\n",
        "",
    )
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT u.username, p.kommunkod FROM auth_user u JOIN portal_profile p "
            "ON p.user_id = u.id"
        ).fetchall()
    assert rows == [("anna", "0665")]
