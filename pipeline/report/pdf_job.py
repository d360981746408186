"""The PDF of the report the coach has: `make pdf`, `halsocenter pdf [--fil RAPPORT.docx]`.

The report in the output folder is converted as it is, also when the coach has edited it
in Word since the program wrote it (the folder's state says so: publish/folder.py); the
result says which, so that the command line can tell. Nothing is ever rebuilt here: a
rebuild would move the coach's edits aside. A report of the coach's own choosing
(`--fil`) is converted wherever it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.publish import pdf
from pipeline.publish.folder import FolderProblem, edited, kept_copies, output_lock
from pipeline.report.job import EXAMPLE_FOLDER, REPORT_GLOB


@dataclass(frozen=True)
class MadePdf:
    """One PDF: from which report, whether that report was edited, and earlier edits kept
    beside it under other names (`… (redigerad ÅÅÅÅ-MM-DD).docx`), newest first."""

    report: Path
    pdf: Path
    edited: bool
    kept: list[Path] = field(default_factory=list)


def reports_in(out: Path) -> list[Path]:
    """The reports of an output folder; those of the example when it has none of its own."""
    out = Path(out)
    return sorted(out.glob(REPORT_GLOB)) or sorted((out / EXAMPLE_FOLDER).glob(REPORT_GLOB))


def check_file(report: Path) -> Path:
    """A FolderProblem, in Swedish, unless `report` is a Word file that is there."""
    report = Path(report)
    if not report.is_file():
        raise FolderProblem(
            f"Filen {report} finns inte. Ange en rapport som finns, till exempel "
            'FIL="output/Vaggeryd-2023-verksamhetsberattelse.docx" '
            '(--fil "output/Vaggeryd-2023-verksamhetsberattelse.docx").'
        )
    if report.suffix.lower() != ".docx":
        raise FolderProblem(
            f"{report.name} är ingen Word-fil (.docx). Ange rapporten som .docx med FIL= (--fil)."
        )
    return report


def make_pdf(report: Path, office: str | None = None) -> MadePdf:
    """The PDF of one report, beside it; PdfProblem when LibreOffice cannot make one.

    The folder's lock is held, so a report run cannot replace the file meanwhile.
    """
    report = check_file(report)
    with output_lock(report.parent):
        was_edited = edited(report)
        made = pdf.to_pdf(report, office=office)
    return MadePdf(report, made, was_edited, kept_copies(report))
