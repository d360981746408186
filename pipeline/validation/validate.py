"""Stage 1: read the three workbooks and check them against the contract.

Column checks are pandera schemas built from data/schemas/; rules that span
columns or sheets are read from the same files. Every problem is collected
(lazy validation) and reported at once, with file, sheet, Excel row, column,
the value found and what is allowed.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.contract import schema as contract
from pipeline.contract.schema import Workbook
from pipeline.progress import stage
from pipeline.publish.folder import FolderProblem
from pipeline.validation.column_checks import CheckContext
from pipeline.validation.dataset import Dataset
from pipeline.validation.history import history_problems
from pipeline.validation.input_files import find_problems_with_files
from pipeline.validation.inspect_xlsx import FormulaScan
from pipeline.validation.plausibility import find_warnings
from pipeline.validation.problems import FEL, NOTIS, Problem, file_problem, show_value, sort_key
from pipeline.validation.read import WorkbookError, open_workbook, read_sheet
from pipeline.validation.sheet_checks import SheetResult, check_fields, check_table
from pipeline.validation.text import paragraphs
from pipeline.validation.xlsx_zip import WorkbookTooLarge, check_limits

DATE_MIN = pd.Timestamp("1990-01-01")
OTHER_FORMATS = (".xls", ".xlsm", ".xlsb", ".ods", ".csv", ".numbers")

Message = Callable[[object], tuple[str, str]]


@dataclass
class ValidationResult:
    problems: list[Problem]
    sheets: list[SheetResult] = field(default_factory=list)
    dataset: Dataset | None = None
    uppgifter: dict[str, object] = field(default_factory=dict)

    def sheet(self, nyckel: str) -> SheetResult | None:
        """A sheet's result by its key in the contract, e.g. sheet("texter")."""
        return next((s for s in self.sheets if s.nyckel == nyckel), None)

    def errors_in(self, fil: str) -> list[Problem]:
        return [p for p in self.errors if p.fil == fil]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.niva == FEL]

    @property
    def ok(self) -> bool:
        return not self.errors and self.dataset is not None


# --- the whole input -----------------------------------------------------------


@dataclass
class _WorkbookResult:
    nyckel: str
    fil: str
    problems: list[Problem] = field(default_factory=list)
    results: list[SheetResult] = field(default_factory=list)
    fields: dict[str, object] = field(default_factory=dict)


def _referenced() -> set[tuple[str, str]]:
    return {
        (c.finns_i.flik, c.finns_i.kolumn)
        for w in contract.workbooks()
        for s in w.flikar
        for c in s.kolumner
        if c.finns_i
    }


def _validate_workbook(
    raw_dir: Path, key: str, context: CheckContext, background: bool = False
) -> _WorkbookResult:
    """One workbook on its own: references stay within a workbook, so it can run anywhere."""
    workbook: Workbook = contract.workbook(key)
    fil = workbook.fil
    found = _WorkbookResult(key, fil)
    referenced = _referenced()
    with stage("limits"):
        check_limits(raw_dir / fil, [s.namn for s in workbook.flikar])  # before any parser
    scan = FormulaScan([raw_dir / fil], background=background)
    try:
        with stage("read"):
            book = open_workbook(raw_dir / fil)
    except WorkbookError as error:
        scan.close()
        found.problems.append(error.problem)
        return found
    try:
        for sheet in workbook.flikar:
            with stage("read"):
                raw = read_sheet(book, workbook, sheet, lambda: scan.result(raw_dir / fil))
            if sheet.typ == "falt":
                result, problems, found.fields = check_fields(raw, sheet, context)
                context.ar = found.fields.get("ar")
            else:
                result, problems = check_table(raw, sheet, context)
            found.problems.extend(problems)
            found.results.append(result)
            for column in sheet.kolumner:
                if (sheet.nyckel, column.nyckel) in referenced:
                    context.references[(sheet.nyckel, column.nyckel)] = set(
                        result.data[column.nyckel].dropna().unique()
                    )
    finally:
        book.close()
        scan.close()
    merged = {k: v for k, v in context.id_spellings.get(fil, {}).items() if isinstance(v, set)}
    if merged:
        examples = "; ".join(
            " = ".join(f"'{show_value(w)}'" for w in sorted(merged[key]))
            for key in sorted(merged)[:3]
        )
        found.problems.append(
            Problem(
                fil,
                None,
                None,
                None,
                None,
                ("En kod är skriven" if len(merged) == 1 else f"{len(merged)} koder är skrivna")
                + " på olika sätt men räknas som samma person "
                f"({examples}{' …' if len(merged) > 3 else ''}). Stora och små bokstäver, "
                "mellanslag och osynliga tecken gör inte två koder olika.",
                "Inget behöver göras; skriv gärna koderna likadant överallt.",
                NOTIS,
            )
        )
    if len(found.results) == len(workbook.flikar) and not any(
        r.rows_read - r.empty_rows for r in found.results
    ):
        found.problems.append(
            file_problem(
                fil,
                "Arbetsboken innehåller bara rubriker, inga rader med uppgifter.",
                "Fyll i uppgifterna, eller kontrollera att du sparade rätt fil.",
            )
        )
    return found


PARALLEL_BYTES = 1_500_000  # both big workbooks at least this large: read them side by side


# The two workbooks that can be large (referrals and talks; activities and attendance).
LARGE = ("remisser", "aktiviteter")


class ReaderDied(FolderProblem):
    """The process reading a workbook ended without an answer (python-calamine aborts the
    whole process when it cannot get memory); str() is one Swedish line naming the file."""

    def __init__(self, fil: str):
        super().__init__(
            f"{fil} kunde inte läsas: läsningen avbröts oväntat, troligen för att filen kräver "
            "mer minne än datorn har (till exempel värden långt ut till höger eller långt ner i "
            "en flik). Inga filer ändrades. Öppna filen i Excel, ta bort det som inte hör till "
            "tabellerna, spara och kör igen."
        )


def _quiet() -> None:
    """In the helper process: a reader that dies leaves no backtrace on the coach's screen;
    the main process says what happened, in Swedish."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


def _validate_in_parallel(raw_dir: Path, context: CheckContext) -> list[_WorkbookResult]:
    """The two large workbooks; large ones at the same time, on two cores.

    python-calamine holds the GIL while it parses, so the first workbook goes to
    a separate process (spawned: it imports afresh, no fork of a threaded process).
    """
    first, second = LARGE
    sizes = [(raw_dir / contract.workbook(key).fil).stat().st_size for key in LARGE]
    if min(sizes) < PARALLEL_BYTES:
        return [_validate_workbook(raw_dir, key, context, background=True) for key in LARGE]
    import concurrent.futures
    import multiprocessing
    from concurrent.futures.process import BrokenProcessPool

    spawn = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=1, mp_context=spawn, initializer=_quiet
    ) as pool:
        future = pool.submit(HELPER, raw_dir, first, context)
        later = _validate_workbook(raw_dir, second, context, background=True)
        try:
            with stage("wait"):
                earlier = future.result()
        except BrokenProcessPool:  # the process died: reading it here would kill this one
            raise ReaderDied(contract.workbook(first).fil) from None
        except WorkbookTooLarge:
            raise
        except Exception:  # the helper process failed: do it here instead
            earlier = _validate_workbook(raw_dir, first, context)
    return [earlier, later]


HELPER = _validate_workbook  # what the helper process runs (a test makes it die)


def validate(raw_dir: Path, today: dt.date | None = None) -> ValidationResult:
    """Check all workbooks in raw_dir; the typed dataset only when there are no errors."""
    context = CheckContext()
    if today is not None:
        context.today = pd.Timestamp(today)
    # A missing workbook does not hide the others' problems: all are shown at once.
    problems = find_problems_with_files(raw_dir)
    present = {w.nyckel for w in contract.workbooks() if (raw_dir / w.fil).is_file()}
    done: list[_WorkbookResult] = []
    # First the workbook with the fields (the report year sets the limits of the others).
    for key in (w.nyckel for w in contract.workbooks() if w.nyckel not in LARGE):
        if key in present:
            done.append(_validate_workbook(raw_dir, key, context, background=True))
    if set(LARGE) <= present:
        done.extend(_validate_in_parallel(raw_dir, context))
    else:
        done.extend(
            _validate_workbook(raw_dir, key, context, background=True)
            for key in LARGE
            if key in present
        )
    fields = next((w.fields for w in done if w.fields), {})
    results = [r for w in done for r in w.results]
    sheets = {r.nyckel: r for r in results}
    problems.extend(p for w in done for p in w.problems)

    # A cell that already has an error gets no warning on top.
    error_cells = {(p.fil, p.flik, p.rad, p.kolumn) for p in problems if p.niva == FEL}
    warnings = find_warnings(
        {name: r.data for name, r in sheets.items()}, fields.get("startdatum"), fields.get("ar")
    )
    problems.extend(w for w in warnings if (w.fil, w.flik, w.rad, w.kolumn) not in error_cells)
    problems.extend(history_problems(sheets, fields))
    problems = sorted(set(problems), key=sort_key)
    result = ValidationResult(problems, results, uppgifter=fields)
    expected = {s.nyckel for w in contract.workbooks() for s in w.flikar}
    if result.errors or set(sheets) != expected:
        return result
    result.dataset = Dataset(
        kommun=contract.kommun(fields["kommun"]),
        ar=int(fields["ar"]),
        startdatum=pd.Timestamp(fields["startdatum"]),
        invanare=None if fields.get("invanare") is None else int(fields["invanare"]),
        styrgruppsmoten=None
        if fields.get("styrgruppsmoten") is None
        else int(fields["styrgruppsmoten"]),
        remisser=sheets["remisser"].data,
        samtal=sheets["samtal"].data,
        aktiviteter=sheets["aktiviteter"].data,
        narvaro=sheets["narvaro"].data,
        texter=_texts(sheets["texter"].data),
        plan=sheets["plan"].data,
        source=raw_dir,
        tidigare_ar=sheets["tidigare_ar"].data,
    )
    return result


def _texts(data: pd.DataFrame) -> dict[str, list[str]]:
    texts: dict[str, list[str]] = {}
    for avsnitt, text in data[["avsnitt", "text"]].itertuples(index=False):
        texts.setdefault(str(avsnitt), []).extend(paragraphs(str(text)))
    return texts
