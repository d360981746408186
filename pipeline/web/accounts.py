"""Portal accounts from the command line (`halsocenter konto`): a coach of one
municipality or regional staff. Running it again for a name sets a new password."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction

from pipeline.web.models import Profile


class AccountProblem(ValueError):
    """A name or password the portal cannot take; the message says why, in Swedish."""


@dataclass(frozen=True)
class Account:
    name: str
    created: bool
    role_text: str
    admin: bool


def set_account(
    name: str, password: str, *, kommunkod: str = "", region: bool = False, admin: bool = False
) -> Account:
    """Create the account or give it a new password and this role; unlock it if it was
    locked after failed logins. `admin` also opens the Django admin (/admin/)."""
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
    from axes.utils import reset

    reset(username=name)
    profile = Profile.objects.select_related("user").get(user__username=name)
    return Account(name, created, profile.role_text, profile.user.is_staff)
