"""What the portal keeps: who may see which municipality, each submission's key figures
and outputs, and an audit log. Never a raw workbook (ARCHITECTURE.md, the portal)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from pipeline.contract import schema as contract


def kommun_choices() -> list[tuple[str, str]]:
    """The contract's 13 municipalities (read when asked, so migrations name no list)."""
    return [(k.kod, k.namn) for k in contract.kommuner()]


def kommun_name(kod: str) -> str:
    return next((k.namn for k in contract.kommuner() if k.kod == kod), kod)


class Profile(models.Model):
    """A portal user's role: the coach of one municipality, or regional staff."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="profile",
        verbose_name="användare",
    )
    kommunkod = models.CharField(
        "kommun", max_length=4, blank=True, choices=kommun_choices, help_text="för en hälsocoach"
    )
    region = models.BooleanField(
        "regional personal", default=False, help_text="ser alla kommuners nyckeltal"
    )

    class Meta:
        verbose_name = "roll i portalen"
        verbose_name_plural = "roller i portalen"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(region=True, kommunkod="")
                | (models.Q(region=False) & ~models.Q(kommunkod="")),
                name="profile_kommun_or_region",
                violation_error_message="Välj antingen en kommun eller regional personal.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.role_text}"

    @property
    def role_text(self) -> str:
        return "regional personal" if self.region else f"hälsocoach i {kommun_name(self.kommunkod)}"


class Submission(models.Model):
    """One submission of a municipality's year: what was sent, by whom, and whether it
    passed. A valid one holds the key figures and the outputs; the latest valid one per
    municipality and year is the one the region sees."""

    kommunkod = models.CharField("kommun", max_length=4, choices=kommun_choices, db_index=True)
    ar = models.PositiveSmallIntegerField("år", null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submissions",
        verbose_name="skickad av",
    )
    sent_by_name = models.CharField(
        "skickad av (namn)", max_length=150, help_text="kvar även om kontot tas bort"
    )
    sent_at = models.DateTimeField("skickad", default=timezone.now, db_index=True)
    schema_version = models.PositiveSmallIntegerField("kontraktets version", null=True)
    via_email = models.BooleanField("kom med e-post", default=False)
    valid = models.BooleanField("godkänd", default=False)

    class Meta:
        verbose_name = "inlämning"
        verbose_name_plural = "inlämningar"
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        year = self.ar or "okänt år"
        return f"{kommun_name(self.kommunkod)} {year}, {timezone.localtime(self.sent_at):%Y-%m-%d}"

    @property
    def kommun(self) -> str:
        return kommun_name(self.kommunkod)

    def clean(self):
        if self.valid and self.ar is None:
            raise ValidationError("En godkänd inlämning har ett år.")


class SentFile(models.Model):
    """A file as it was sent: its name and SHA-256, never its contents."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="sent_files", verbose_name="inlämning"
    )
    name = models.CharField("filnamn", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveBigIntegerField("storlek (byte)")

    class Meta:
        verbose_name = "skickad fil"
        verbose_name_plural = "skickade filer"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class KeyFigure(models.Model):
    """One row of the submission's nyckeltal.csv (kommun, år and version on the submission)."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="key_figures", verbose_name="inlämning"
    )
    nyckeltal = models.CharField("nyckeltal", max_length=100)
    dimension = models.CharField("dimension", max_length=100, blank=True)
    kategori = models.CharField("kategori", max_length=255, blank=True)
    varde = models.DecimalField("värde", max_digits=18, decimal_places=4, null=True, blank=True)
    undertryckt = models.BooleanField("undertryckt", default=False)

    class Meta:
        verbose_name = "nyckeltal"
        verbose_name_plural = "nyckeltal"
        ordering = ["nyckeltal", "dimension", "kategori"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "nyckeltal", "dimension", "kategori"],
                name="keyfigure_once_per_submission",
            )
        ]

    def __str__(self) -> str:
        where = f" ({self.dimension}: {self.kategori})" if self.dimension else ""
        return f"{self.nyckeltal}{where}"


class OutputFile(models.Model):
    """A finished output of a submission (report, key figures, validation report):
    none of them holds an ID."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="outputs", verbose_name="inlämning"
    )
    name = models.CharField("filnamn", max_length=255)
    content_type = models.CharField("filtyp", max_length=120)
    content = models.BinaryField("innehåll")

    class Meta:
        verbose_name = "färdig fil"
        verbose_name_plural = "färdiga filer"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "name"], name="output_name_once")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def size(self) -> int:
        return len(self.content)


class AuditLog(models.Model):
    """Who did what, when, to which object; never the contents."""

    SUBMITTED = "inlamning"
    DOWNLOADED = "nedladdning"
    EMAILED_FILE = "epostfil"
    ACTIONS = [
        (SUBMITTED, "skickade in"),
        (DOWNLOADED, "laddade ned"),
        (EMAILED_FILE, "lade till en fil som kom med e-post"),
    ]

    at = models.DateTimeField("när", default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name="användare",
    )
    username = models.CharField("vem", max_length=150)
    action = models.CharField("vad", max_length=20, choices=ACTIONS)
    kommunkod = models.CharField("kommun", max_length=4, blank=True, choices=kommun_choices)
    submission = models.ForeignKey(
        Submission,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="inlämning",
    )
    detail = models.CharField("objekt", max_length=255, blank=True)

    class Meta:
        verbose_name = "händelse i loggen"
        verbose_name_plural = "logg"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {self.username} {self.action}"
