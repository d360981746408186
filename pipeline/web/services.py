"""What the portal's views ask of the library: submitting a year, storing what is kept,
scoping what a user may see, and the audit log. The views only call these.

A submission goes through `pipeline.report_from_workbooks` in memory, as the folder job
does, with last year's key figures from the municipality's latest valid submission of
that year (as the folder job takes them from last year's csv). What is kept of it
(never a raw workbook): who sent it and when, the file names and SHA-256 of what was
sent, and for a valid one its key figures (the rows of nyckeltal.csv) and its outputs.
The validation report is never kept: it may quote a cell (an ID), so the page that
answers the upload carries it (see Outcome.validation_report).
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import io
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import PurePath

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, QuerySet

import pipeline
from pipeline import config
from pipeline.comparison import reading
from pipeline.contract import schema as contract
from pipeline.publish import pdf
from pipeline.publish.folder import FolderProblem
from pipeline.report.core import VALIDATION_REPORT, ReportResult
from pipeline.web.models import AuditLog, KeyFigure, OutputFile, SentFile, Submission

logger = logging.getLogger(__name__)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
    ".xlsx": XLSX_TYPE,
}
# The problems table lists this many; the validation report holds them all.
TABLE_LIMIT = 1000
# The validation report travels in the page only up to this size (Chromium saves a
# data: link of 20 MB; a page much larger than that is slow to open).
EMBED_LIMIT = 15 * 1024 * 1024
NO_PDF = (
    "Ingen PDF den här gången: portalen kunde inte göra någon. Vill du ha rapporten som "
    "PDF, öppna den i Word och välj Arkiv > Spara som > PDF."
)


class SubmissionProblem(ValueError):
    """Key figures that do not belong to this municipality or hold more than one year."""


@dataclass(frozen=True)
class Outcome:
    """One submission's answer: what was stored, and what the library said about it.

    `refused` is one Swedish line when the workbooks were not checked or their figures
    cannot be this municipality's (a workbook past the size limits: the command line's
    own line; another municipality's workbooks); `field` names the workbook it is about.
    """

    submission: Submission | None
    result: ReportResult | None = None
    refused: str = ""
    field: str = ""
    pdf_missing: bool = False

    @property
    def ok(self) -> bool:
        return self.submission is not None and self.submission.valid

    @cached_property
    def problems(self) -> list:
        """Every problem, in the order the command line prints them."""
        return self.result.problems if self.result else []

    @property
    def errors(self) -> int:
        return len(self.result.errors) if self.result else 0

    @property
    def summary(self) -> list[tuple[str, str | None]]:
        """The lines the command line prints (ReportResult.summary()), each with the id of
        its row in the problems table; the closing count of the rest links nowhere."""
        if self.result is None:
            return []
        lines = [problem.line() for problem in self.problems]
        return [
            (line, f"problem-{n}" if n <= len(lines) and lines[n - 1] == line else None)
            for n, line in enumerate(self.result.summary(), start=1)
        ]

    @property
    def downloads(self) -> list[tuple[OutputFile, str]]:
        """The stored outputs of a valid submission, each with what it is."""
        if not self.ok:
            return []
        return [(output, describe(output.name)) for output in self.submission.outputs.all()]

    @property
    def table(self) -> list:
        return self.problems[:TABLE_LIMIT]

    @property
    def not_in_table(self) -> int:
        return max(0, len(self.problems) - TABLE_LIMIT)

    @property
    def validation_report(self) -> bytes | None:
        return self.result.files.get(VALIDATION_REPORT) if self.result else None

    @property
    def validation_report_uri(self) -> str:
        """valideringsrapport.xlsx as a data: URI, for a link with the download attribute.

        The report may quote a cell of the workbooks, so the portal never keeps it: it
        travels in this one answer (over HTTPS, marked no-store) and the browser saves it
        from the page, without JavaScript and without a second request.
        """
        data = self.validation_report
        if data is None or not self.validation_report_fits:
            return ""
        return f"data:{XLSX_TYPE};base64,{base64.b64encode(data).decode('ascii')}"

    @property
    def validation_report_size(self) -> int:
        return len(self.validation_report or b"")

    @property
    def validation_report_fits(self) -> bool:
        return self.validation_report_size <= EMBED_LIMIT


def _last_year(kommunkod: str):
    """`previous` for the core: this municipality's latest valid key figures of a year."""

    def previous(kommun, year: int) -> bytes | None:
        return previous_key_figures(kommunkod, year) if kommun.kod == kommunkod else None

    return previous


def _field_of(message: str) -> str:
    """The workbook a one-line refusal names first (the form field to link to)."""
    files = {contract.workbook(key).fil: key for key in config.WORKBOOKS}
    found = [(message.find(fil), key) for fil, key in files.items() if fil in message]
    return min(found)[1] if found else config.WORKBOOKS[0]


def _other_municipality(result: ReportResult, kommunkod: str) -> str:
    """'' when the figures are this municipality's, else why they cannot be sent here."""
    if result.figures is None or result.figures.kommunkod == kommunkod:
        return ""
    uppgifter = contract.sheet("uppgifter")
    kommun_column = uppgifter.column("kommun").namn
    own, other = reading.kommun_name(kommunkod), result.figures.kommun
    return (
        f"Arbetsböckerna gäller {other} ({kommun_column} i fliken {uppgifter.namn} i "
        f"{uppgifter.fil}), men ditt konto är för {own}. Skriv {own} där och skicka in igen, "
        f"eller be regionen om ett konto för {other}. Ingen rapport sparades."
    )


def _pdf(result: ReportResult) -> bytes | None:
    """The report as PDF where LibreOffice is there (settings.PORTAL_PDF); else None."""
    if not settings.PORTAL_PDF:
        return None
    try:
        return pdf.pdf_bytes(result.files[result.names.report], result.names.report)
    except pdf.PdfProblem as problem:
        logger.warning("Ingen PDF: %s", problem)  # our own Swedish lines, no cell in them
        return None


def submit(
    *,
    user,
    kommunkod: str,
    workbooks: Mapping[str, bytes],
    sent_names: Mapping[str, str],
    today: dt.date | None = None,
) -> Outcome:
    """Check a municipality's three workbooks, make the outputs and store what is kept.

    `workbooks` are the bytes by the contract's file name, `sent_names` the names they
    had on the coach's computer (kept with each file's SHA-256). Every submission that
    reaches the library is stored, valid or not; only a valid one keeps key figures and
    outputs.
    """
    sent = [(sent_names.get(fil, fil), data) for fil, data in workbooks.items()]
    try:
        result = pipeline.report_from_workbooks(workbooks, _last_year(kommunkod), today=today)
    except FolderProblem as refused:  # past the size limits, or a reader that died
        submission = store_submission(user=user, kommunkod=kommunkod, sent=sent, valid=False)
        return Outcome(submission, refused=str(refused), field=_field_of(str(refused)))
    elsewhere = _other_municipality(result, kommunkod)
    if elsewhere:
        submission = store_submission(user=user, kommunkod=kommunkod, sent=sent, valid=False)
        uppgifter = contract.sheet("uppgifter").fil
        return Outcome(submission, refused=elsewhere, field=_field_of(uppgifter))
    if not result.ok:
        submission = store_submission(user=user, kommunkod=kommunkod, sent=sent, valid=False)
        return Outcome(submission, result)
    outputs = {
        name: (data, CONTENT_TYPES[PurePath(name).suffix])
        for name, data in result.files.items()
        if name != VALIDATION_REPORT
    }
    made_pdf = _pdf(result)
    if made_pdf is not None:
        outputs[str(PurePath(result.names.report).with_suffix(".pdf"))] = (
            made_pdf,
            CONTENT_TYPES[".pdf"],
        )
    submission = store_submission(
        user=user,
        kommunkod=kommunkod,
        sent=sent,
        valid=True,
        key_figures_csv=result.files[result.names.key_figures],
        outputs=dict(sorted(outputs.items(), key=lambda item: _output_order(item[0]))),
        schema_version=contract.key_figure_format().schema_version,
    )
    return Outcome(submission, result, pdf_missing=made_pdf is None)


DESCRIPTIONS = {
    ".docx": "Verksamhetsberättelsen i Word, att läsa och redigera",
    ".pdf": "Samma rapport som PDF, färdig att lägga ut på kommunens webbplats",
    ".csv": "Nyckeltalen, de siffror regionen ser",
    ".json": "En beskrivning av nyckeltalsfilen (Data Package) för andra program",
}


def describe(name: str) -> str:
    return DESCRIPTIONS.get(PurePath(name).suffix, "")


def _output_order(name: str) -> int:
    """The report first, then its PDF, the key figures and their description."""
    for order, ending in enumerate(("verksamhetsberattelse.docx", ".pdf", ".csv", ".json")):
        if name.endswith(ending):
            return order
    return 9


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _key_figure_rows(csv_bytes: bytes, kommunkod: str) -> tuple[int, list[KeyFigure]]:
    """The year and rows of a nyckeltal.csv, read as `make compare` reads it."""
    values = reading.parse(csv_bytes).values
    if len(values) != 1:
        years = ", ".join(f"{reading.kommun_name(k)} {y}" for k, y in sorted(values))
        raise SubmissionProblem(f"Nyckeltalsfilen ska gälla en kommun och ett år, inte {years}.")
    (kod, year), figures = next(iter(values.items()))
    if kod != kommunkod:
        raise SubmissionProblem(
            f"Nyckeltalen gäller {reading.kommun_name(kod)}, inte {reading.kommun_name(kommunkod)}."
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
    sent: Mapping[str, bytes] | list[tuple[str, bytes]],
    valid: bool,
    key_figures_csv: bytes | None = None,
    outputs: Mapping[str, tuple[bytes, str]] | None = None,
    year: int | None = None,
    schema_version: int | None = None,
    via_email: bool = False,
) -> Submission:
    """Store one submission and log it. `sent` holds what was sent by name (only its
    SHA-256 and size are kept; two files may have had the same name), `outputs`
    name → (bytes, content type). A valid submission's year and rows come from its
    key-figure csv."""
    sent = list(sent.items()) if isinstance(sent, Mapping) else list(sent)
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
        for name, data in sent
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
        ", ".join(name for name, _ in sent),
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
    return _csv_from_rows(submission, submission.key_figures.all())


def key_figures_csvs(submissions) -> dict[int, bytes]:
    """Many submissions' nyckeltal.csv by id, in one query (the region's comparison); the
    rows as plain tuples, since making 20 000 model objects took a third of the time."""
    submissions = list(submissions)
    rows: dict[int, list] = {s.pk: [] for s in submissions}
    fields = ("submission_id", "nyckeltal", "dimension", "kategori", "varde", "undertryckt")
    found = KeyFigure.objects.filter(submission__in=rows).order_by()
    for figure in found.values_list(*fields, named=True):
        rows[figure.submission_id].append(figure)
    return {s.pk: _csv_from_rows(s, rows[s.pk]) for s in submissions}


def _csv_from_rows(submission: Submission, figures) -> bytes:
    fmt = contract.key_figure_format()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(fmt.kolumner)
    rows = sorted(figures, key=lambda f: (f.nyckeltal, f.dimension, f.kategori))
    version, kommun = submission.schema_version or fmt.schema_version, submission.kommun
    for figure in rows:
        cells = {
            "schema_version": version,
            "kommunkod": submission.kommunkod,
            "kommun": kommun,
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


def seen_by_region(kommunkod: str) -> set[int]:
    """The ids of a municipality's submissions the region sees: the latest valid per year."""
    found = (
        Submission.objects.filter(kommunkod=kommunkod, valid=True, ar__isnull=False)
        .order_by("ar", "-sent_at", "-id")
        .values_list("ar", "id")
    )
    latest: dict[int, int] = {}
    for year, pk in found:
        latest.setdefault(year, pk)
    return set(latest.values())


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
