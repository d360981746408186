"""What the portal's views ask of the library: submitting a year, storing what is kept,
scoping what a user may see, and the audit log. The views only call these.

What is kept of a submission (never a raw workbook): who sent it and when, the file
names and SHA-256 of what was sent, and for a valid one its key figures (the rows of
nyckeltal.csv) and its outputs.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Prefetch, QuerySet

from pipeline.comparison import compare
from pipeline.contract import schema as contract
from pipeline.web.models import AuditLog, KeyFigure, OutputFile, SentFile, Submission

LEVELS = {"fel": 0, "varning": 1, "notis": 2}
SUMMARY_LIMIT = 50  # as many lines as the command line prints


class SubmissionProblem(ValueError):
    """Key figures that do not belong to this municipality or hold more than one year."""


@dataclass(frozen=True)
class Outcome:
    """One submission's answer: the stored submission and the problems found."""

    submission: Submission
    problems: tuple = ()

    @property
    def ok(self) -> bool:
        return self.submission.valid

    @property
    def ordered(self) -> list:
        """Errors first, then warnings and notices (as the command line prints them)."""
        return sorted(
            self.problems,
            key=lambda p: (LEVELS[p.level], p.file, p.sheet or "", p.row or 0, p.column or ""),
        )

    @property
    def errors(self) -> int:
        return sum(p.level == "fel" for p in self.problems)


def submit(*, user, kommunkod: str, workbooks: Mapping[str, bytes], sent_names: Mapping[str, str]):
    """Check a municipality's three workbooks, make the outputs and store what is kept.

    `workbooks` are the bytes by the contract's file name, `sent_names` the names they had
    on the coach's computer. To be built on the bytes-to-bytes core:
    `pipeline.report_from_workbooks(workbooks, previous=…)` with last year's figures from
    `previous_key_figures(kommunkod, year - 1)`, then `store_submission(...)` with the
    outputs; returns an Outcome (the stored submission and the problems found).
    """
    raise NotImplementedError(
        "Portalen kan ännu inte göra rapporter: pipeline.report_from_workbooks (kärnan som "
        "tar arbetsböckerna som bytes) finns inte än."
    )


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _key_figure_rows(csv_bytes: bytes, kommunkod: str) -> tuple[int, list[KeyFigure]]:
    """The year and rows of a nyckeltal.csv, read as `make compare` reads it."""
    values = compare.parse(csv_bytes).values
    if len(values) != 1:
        years = ", ".join(f"{compare.kommun_name(k)} {y}" for k, y in sorted(values))
        raise SubmissionProblem(f"Nyckeltalsfilen ska gälla en kommun och ett år, inte {years}.")
    (kod, year), figures = next(iter(values.items()))
    if kod != kommunkod:
        raise SubmissionProblem(
            f"Nyckeltalen gäller {compare.kommun_name(kod)}, inte {compare.kommun_name(kommunkod)}."
        )
    rows = [
        KeyFigure(
            nyckeltal=nyckeltal,
            dimension=dimension,
            kategori=kategori,
            varde=None if value.number is None else Decimal(str(value.number)),
            undertryckt=value.suppressed,
        )
        for (nyckeltal, dimension, kategori), value in sorted(figures.items())
    ]
    return year, rows


@transaction.atomic
def store_submission(
    *,
    user,
    kommunkod: str,
    sent: Mapping[str, bytes],
    valid: bool,
    key_figures_csv: bytes | None = None,
    outputs: Mapping[str, tuple[bytes, str]] | None = None,
    year: int | None = None,
    schema_version: int | None = None,
    via_email: bool = False,
) -> Submission:
    """Store one submission and log it. `sent` holds what was sent by name (only its
    SHA-256 and size are kept), `outputs` name → (bytes, content type). A valid
    submission's year and rows come from its key-figure csv."""
    rows: list[KeyFigure] = []
    if key_figures_csv is not None:
        year, rows = _key_figure_rows(key_figures_csv, kommunkod)
    if valid and year is None:
        raise SubmissionProblem("En godkänd inlämning behöver sina nyckeltal.")
    submission = Submission.objects.create(
        kommunkod=kommunkod,
        ar=year,
        sent_by=user,
        sent_by_name=user.get_username(),
        schema_version=schema_version,
        via_email=via_email,
        valid=valid,
    )
    SentFile.objects.bulk_create(
        SentFile(submission=submission, name=name, sha256=sha256(data), size=len(data))
        for name, data in sent.items()
    )
    for row in rows:
        row.submission = submission
    KeyFigure.objects.bulk_create(rows)
    OutputFile.objects.bulk_create(
        OutputFile(submission=submission, name=name, content=data, content_type=content_type)
        for name, (data, content_type) in (outputs or {}).items()
    )
    log(
        user,
        AuditLog.EMAILED_FILE if via_email else AuditLog.SUBMITTED,
        submission,
        ", ".join(sent),
    )
    return submission


def log(user, action: str, submission: Submission | None = None, detail: str = "") -> AuditLog:
    """One line in the audit log: who, what, when, which object; never the contents."""
    return AuditLog.objects.create(
        user=user,
        username=user.get_username(),
        action=action,
        kommunkod=submission.kommunkod if submission else "",
        submission=submission,
        detail=detail[:255],
    )


def _csv_number(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def key_figures_csv(submission: Submission) -> bytes:
    """The submission's key figures as nyckeltal.csv, rebuilt from the stored rows: for
    the report's own figures the same bytes the command line writes."""
    fmt = contract.key_figure_format()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(fmt.kolumner)
    rows = sorted(
        submission.key_figures.all(), key=lambda f: (f.nyckeltal, f.dimension, f.kategori)
    )
    for figure in rows:
        cells = {
            "schema_version": submission.schema_version or fmt.schema_version,
            "kommunkod": submission.kommunkod,
            "kommun": submission.kommun,
            "ar": submission.ar,
            "nyckeltal": figure.nyckeltal,
            "dimension": figure.dimension,
            "kategori": figure.kategori,
            "varde": _csv_number(figure.varde),
            "undertryckt": int(figure.undertryckt),
        }
        writer.writerow([cells[column] for column in fmt.kolumner])
    return buffer.getvalue().encode("utf-8")


def previous_key_figures(kommunkod: str, year: int) -> bytes | None:
    """Last year's figures for a new report, as the folder job takes them from the previous
    csv: the latest valid submission of that municipality and year, or None."""
    found = (
        Submission.objects.filter(kommunkod=kommunkod, ar=year, valid=True)
        .order_by("-sent_at", "-id")
        .first()
    )
    return key_figures_csv(found) if found else None


# --- who sees what -------------------------------------------------------------------


def profile_of(user):
    """The user's role in the portal, or None (not logged in, or no role given)."""
    if not user.is_authenticated:
        return None
    return getattr(user, "profile", None)


def is_region(user) -> bool:
    profile = profile_of(user)
    return bool(profile and profile.region)


def coach_kommun(user) -> str | None:
    """The municipality code of a coach; None for anyone else."""
    profile = profile_of(user)
    return profile.kommunkod if profile and not profile.region else None


def visible_submissions(user) -> QuerySet[Submission]:
    """Every submission the user may see: all for regional staff, their municipality's
    for a coach, none for anyone else. Every view that shows a submission starts here."""
    if is_region(user):
        return Submission.objects.all()
    kod = coach_kommun(user)
    if kod:
        return Submission.objects.filter(kommunkod=kod)
    return Submission.objects.none()


def output_names() -> Prefetch:
    """A submission's outputs without their bytes (for lists of links)."""
    return Prefetch("outputs", queryset=OutputFile.objects.defer("content"))


def latest_valid() -> dict[tuple[str, int], Submission]:
    """The latest valid submission per (kommunkod, år): the one the region sees."""
    latest: dict[tuple[str, int], Submission] = {}
    found = (
        Submission.objects.filter(valid=True, ar__isnull=False)
        .select_related("sent_by")
        .prefetch_related(output_names())
        .order_by("kommunkod", "ar", "-sent_at", "-id")
    )
    for submission in found:
        latest.setdefault((submission.kommunkod, submission.ar), submission)
    return latest
