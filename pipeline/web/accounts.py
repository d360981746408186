"""Portal accounts from the command line (`halsocenter konto`): a coach of one
municipality or regional staff. Running it again for a name sets a new password.

The command line (cli/commands.py) reads the password and prints; `kommunkod_of` looks
the municipality up (before the password is asked for), `make_account` creates or
migrates the database and sets the account.
Django is loaded only here, when an account is made.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from pipeline.contract import schema as contract


class AccountProblem(ValueError):
    """A name or password the portal cannot take; the message says why, in Swedish."""


@dataclass(frozen=True)
class Account:
    name: str
    created: bool
    role_text: str
    admin: bool


def kommunkod_of(kommun: str) -> str:
    """The code of a municipality named as the coach writes it; else a Swedish hint."""
    found = contract.kommun(kommun)
    if found is not None:
        return found.kod
    names = [k.namn for k in contract.kommuner()]
    close = difflib.get_close_matches(
        kommun.strip().casefold(), [n.casefold() for n in names], n=1, cutoff=0.6
    )
    hint = (
        f"Menade du {next(n for n in names if n.casefold() == close[0])}?"
        if close
        else f"Välj en av: {', '.join(names)}."
    )
    raise AccountProblem(f"Okänd kommun '{kommun}'. {hint}")


def make_account(
    name: str, password: str, *, kommunkod: str = "", region: bool = False, admin: bool = False
) -> Account:
    """`halsocenter konto`: the database created or migrated first, then the account set.
    Raises AccountProblem (one Swedish line) for anything the person can fix."""
    from django.db import DatabaseError

    from pipeline import web

    try:
        web.setup()
        return set_account(name, password, kommunkod=kommunkod, region=region, admin=admin)
    except DatabaseError as error:
        raise AccountProblem(
            f"Databasen gick inte att öppna ({type(error).__name__}: {error}). Kontrollera "
            "DATABASE_URL, eller ta bort den för att använda SQLite i var/."
        ) from None


def set_account(
    name: str, password: str, *, kommunkod: str = "", region: bool = False, admin: bool = False
) -> Account:
    """Create the account or give it a new password and this role; unlock it if it was
    locked after failed logins. `admin` also opens the Django admin (/admin/)."""
    from axes.utils import reset
    from django.contrib.auth import get_user_model, password_validation
    from django.contrib.auth.hashers import make_password
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from pipeline.web.models import Profile

    User = get_user_model()
    name = name.strip()
    if region == bool(kommunkod):
        raise AccountProblem("Ange antingen en kommun eller --region.")
    try:
        User.username_validator(name)
    except ValidationError:
        raise AccountProblem(
            f"Användarnamnet '{name}' går inte att använda: bara bokstäver, siffror och "
            "tecknen @ . + - _ (inga mellanslag)."
        ) from None
    if not password:
        raise AccountProblem("Lösenordet är tomt. Inget ändrades.")
    with transaction.atomic():
        user = User.objects.filter(username=name).first()
        created = user is None
        try:
            password_validation.validate_password(password, user or User(username=name))
        except ValidationError as error:
            raise AccountProblem(
                "Lösenordet duger inte: " + " ".join(error.messages) + " Inget ändrades."
            ) from None
        fields = {"password": make_password(password), "is_active": True}
        if admin:
            fields.update(is_staff=True, is_superuser=True)
        if created:
            user = User.objects.create(username=name, **fields)
        else:
            User.objects.filter(pk=user.pk).update(**fields)
        Profile.objects.update_or_create(
            user=user, defaults={"kommunkod": "" if region else kommunkod, "region": region}
        )
    reset(username=name)
    profile = Profile.objects.select_related("user").get(user__username=name)
    return Account(name, created, profile.role_text, profile.user.is_staff)
