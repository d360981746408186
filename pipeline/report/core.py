"""The report from bytes to bytes: what the folder job and a web face share.

`report_from_workbooks` takes the coach's workbooks as bytes (file name → bytes)
and gives every output as bytes: the validation report, and when the input holds
no errors the key figures, their descriptor and the Word report. It opens no file
for writing and needs no folder: python-calamine and the size checks read from
memory, and a helper process gets its workbook through a pipe. Reading the
template and the contract is all it does on disk.

Last year's column comes first from the workbooks (its rows, else its line in
Tidigare år); only when they have neither does `previous`, the key figures of last
year's report, fill it. A year without data stays without: never a 0.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pipeline import config
from pipeline.contract import schema as contract
from pipeline.contract.schema import Kommun
from pipeline.progress import stage

if TYPE_CHECKING:
    from pipeline.figures.aggregate import KeyFigures
    from pipeline.validation.problems import Problem
    from pipeline.validation.validate import ValidationResult

    # Last year's key figures: a nyckeltal.csv's bytes, KeyFigures, or a function that
    # finds them for a municipality and a year (None when there are none).
    Previous = bytes | KeyFigures | Callable[[Kommun, int], bytes | KeyFigures | None]

VALIDATION_REPORT = "valideringsrapport.xlsx"


class Status(enum.Enum):
    """How a run ended."""

    DONE = "klar"  # outputs made (a check: the input has no errors)
    UNCHANGED = "aktuell"  # the folder job: nothing changed since the last run
    INPUT_ERRORS = "fel i underlaget"  # only the validation report


@dataclass(frozen=True)
class ReportNames:
    """The names of one municipality's outputs for one year."""

    kommun: str
    year: int

    @property
    def key_figures(self) -> str:
        return f"{self.kommun}-{self.year}-nyckeltal.csv"

    @property
    def report(self) -> str:
        return f"{self.kommun}-{self.year}-verksamhetsberattelse.docx"

    @property
    def descriptor(self) -> str:
        return f"{self.kommun}-{self.year}-nyckeltal.datapackage.json"

    @property
    def next_years_workbook(self) -> str:
        return f"{self.kommun}-{self.year + 1}-{contract.workbook('verksamhet').fil}"


@dataclass
class ReportResult:
    """What the report from the workbooks gave: its status, problems and files."""

    status: Status
    validation: ValidationResult
    files: dict[str, bytes] = field(default_factory=dict)  # output file name → bytes
    figures: KeyFigures | None = None
    previous: KeyFigures | None = None  # last year's, as the report shows them
    names: ReportNames | None = None

    @property
    def ok(self) -> bool:
        return self.status is Status.DONE

    @property
    def problems(self) -> list[Problem]:
        """Every problem, in the order the command line prints them: errors, warnings,
        notices, each by file, sheet, row and column."""
        from pipeline.validation.report import printed_order

        return printed_order(self.validation.problems)

    @property
    def errors(self) -> list[Problem]:
        return self.validation.errors

    def summary(self, limit: int = 50) -> list[str]:
        """The problems as the command line prints them, at most `limit` lines and a count."""
        from pipeline.validation.report import summary_lines

        return summary_lines(self.validation.problems, limit)

    @property
    def kommun(self) -> str | None:
        return self.names.kommun if self.names else None

    @property
    def year(self) -> int | None:
        return self.names.year if self.names else None


def _validate(workbooks: Mapping[str, bytes], today: dt.date | None, source: str | None):
    from pipeline.validation.validate import validate_workbooks

    where = f" i {source}" if source else ""
    with stage("validate_total", f"Läser och kontrollerar arbetsböckerna{where} ..."):
        return validate_workbooks(workbooks, today=today, source=source)


def _validation_bytes(validation: ValidationResult) -> bytes:
    from pipeline.validation.report import validation_report

    return validation_report(validation.problems, validation.sheets)


def check_workbooks(
    workbooks: Mapping[str, bytes], *, today: dt.date | None = None, source: str | None = None
) -> ReportResult:
    """Only the validation: its report, whatever the input holds."""
    validation = _validate(workbooks, today, source)
    status = Status.DONE if validation.ok else Status.INPUT_ERRORS
    return ReportResult(status, validation, {VALIDATION_REPORT: _validation_bytes(validation)})


def report_from_workbooks(
    workbooks: Mapping[str, bytes],
    previous: Previous | None = None,
    *,
    today: dt.date | None = None,
    source: str | None = None,
) -> ReportResult:
    """The report from the coach's workbooks: every output as bytes, nothing on disk.

    `workbooks` maps file names to their bytes, e.g. {"remisser.xlsx": b"...", ...}
    (names as the contract spells them; other names are looked at only to say "did
    you mean remisser.xlsx?"). `previous` is last year's key figures, for last year's
    column: the bytes of last year's `<kommun>-<år-1>-nyckeltal.csv`, its KeyFigures, or
    a function `(kommun, year) -> bytes | KeyFigures | None` that finds them once the
    workbooks have said which municipality and year they are. It is used only when
    the workbooks themselves neither have rows in last year nor a line for it in
    Tidigare år, only when it is the same municipality's and exactly last year's, and
    never for a year before Startdatum; a notice says that it was used, or why not.
    Without it, such a year is shown as unknown ("–"), never as 0. `today` fixes
    the date the checks call today; `source` names where the files came from (a
    folder) in the message for a missing one.

    The result (ReportResult) has `.status` (Status.DONE or
    Status.INPUT_ERRORS), `.problems` (every Problem, in the order the command line
    prints them), `.summary()` (the lines it prints), `.figures` (the KeyFigures),
    `.kommun`, `.year`, and `.files`: output file name → bytes, that is
    valideringsrapport.xlsx and, when the input has no errors, the key-figure csv,
    its datapackage.json and the Word report.

    A workbook the size limits refuse raises WorkbookTooLarge, and one whose reader
    dies raises ReaderDied (both FolderProblem: str() is one Swedish line).
    """
    from pipeline.contract import datapackage
    from pipeline.figures import aggregate
    from pipeline.report import render
    from pipeline.validation.problems import sort_key

    threshold = config.suppression_threshold()
    validation = _validate(workbooks, today, source)
    if not validation.ok:
        files = {VALIDATION_REPORT: _validation_bytes(validation)}
        return ReportResult(Status.INPUT_ERRORS, validation, files)
    dataset = validation.dataset
    names = ReportNames(dataset.kommun.namn, dataset.year)
    with stage("aggregate", f"Räknar nyckeltal för {dataset.kommun.namn} {dataset.year} ..."):
        figures = aggregate.compute(dataset, threshold=threshold)
        last, notice = last_year(dataset, previous, threshold)
        if notice is not None:
            validation.problems = sorted([*validation.problems, notice], key=sort_key)
        files = {VALIDATION_REPORT: _validation_bytes(validation)}
        files[names.key_figures] = aggregate.to_csv(figures).encode("utf-8")
        # A Table Schema / Data Package descriptor beside it, for standard tools.
        files[names.descriptor] = datapackage.to_json(
            datapackage.key_figure_descriptor(names.key_figures)
        )
    with stage("render", "Skriver Word-rapporten ..."):
        files[names.report] = render.render(dataset, figures, last, threshold=threshold).docx
    return ReportResult(Status.DONE, validation, files, figures, last, names)


def last_year(
    dataset, previous: Previous | None, threshold: int | None = None
) -> tuple[KeyFigures | None, Problem | None]:
    """Last year's figures, and a notice when `previous` was looked at.

    The workbooks' own come first (aggregate.previous_year: the rows, else Tidigare år);
    else `previous`, when it is the same municipality's and last year's and the year is
    not before the start. The notice says which file filled the column, or why not.
    """
    from pipeline.figures import aggregate
    from pipeline.validation.problems import Level, Problem

    own = aggregate.previous_year(dataset, threshold=threshold)
    year = dataset.year - 1
    if own is not None or previous is None or year < dataset.startdatum.year:
        return own, None
    given = previous(dataset.kommun, year) if callable(previous) else previous
    if given is None:
        return None, None
    name = ReportNames(dataset.kommun.namn, year).key_figures
    used = None
    try:
        figures = given if isinstance(given, aggregate.KeyFigures) else aggregate.from_csv(given)
    except aggregate.KeyFigureFileError as error:
        text = f"{name} används inte för kolumnen {year}: {error}."
    else:
        if (figures.kommunkod, figures.year) == (dataset.kommun.kod, year):
            used = figures
            text = (
                f"Siffrorna för {year} kommer från {name}, förra årets nyckeltal, eftersom "
                f"arbetsböckerna inte har året (varken rader eller en rad i Tidigare år)."
            )
        else:
            text = (
                f"{name} används inte för kolumnen {year}: filen gäller {figures.kommun} "
                f"{figures.year}."
            )
    return used, Problem(name, None, None, None, None, text, "", Level.NOTICE)
