"""Stage 1: read the three workbooks and check them against the contract.

Column checks are pandera schemas built from data/schemas/; rules that span
columns or sheets are read from the same files. Every problem is collected
(lazy validation) and reported at once, with file, sheet, Excel row, column,
the value found and what is allowed.

The workbooks arrive as bytes (file name → bytes: a folder read on demand, or an
upload); nothing here writes a file. Each is measured against the size limits
before any parser sees it; one whose sheets could not all be measured cell by cell
is read in a helper process, so that python-calamine running out of memory ends
that process and not the caller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.contract import schema as contract
from pipeline.contract.schema import Workbook
from pipeline.progress import stage
from pipeline.publish.folder import FolderProblem
from pipeline.validation.column_checks import CheckContext
from pipeline.validation.dataset import Dataset
from pipeline.validation.helper import Helper, HelperDied
from pipeline.validation.history import history_problems
from pipeline.validation.input_files import Folder, find_problems_with_files
from pipeline.validation.inspect_xlsx import FormulaScan
from pipeline.validation.plausibility import find_warnings
from pipeline.validation.problems import Level, Problem, file_problem, show_value, sort_key
from pipeline.validation.read import WorkbookError, open_workbook, read_sheet
from pipeline.validation.sheet_checks import SheetResult, check_fields, check_table
from pipeline.validation.text import paragraphs
from pipeline.validation.xlsx_zip import measure


@dataclass
class ValidationResult:
    problems: list[Problem]
    sheets: list[SheetResult] = field(default_factory=list)
    dataset: Dataset | None = None
    fields: dict[str, object] = field(default_factory=dict)  # Uppgifter, by key

    def sheet(self, key: str) -> SheetResult | None:
        """A sheet's result by its key in the contract, e.g. sheet("texter")."""
        return next((s for s in self.sheets if s.key == key), None)

    def errors_in(self, file: str) -> list[Problem]:
        return [p for p in self.errors if p.file == file]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == Level.ERROR]

    @property
    def ok(self) -> bool:
        return not self.errors and self.dataset is not None


# --- the whole input -----------------------------------------------------------


@dataclass
class _WorkbookResult:
    key: str
    file: str
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
    data: bytes,
    key: str,
    context: CheckContext,
    background: bool = False,
    formula_parts: frozenset[str] | None = None,
) -> _WorkbookResult:
    """One workbook on its own, its size limits checked (xlsx_zip.measure, which found the
    parts that may hold a formula): references stay within a workbook, so it can run
    anywhere, a helper process too."""
    workbook: Workbook = contract.workbook(key)
    fil = workbook.fil
    found = _WorkbookResult(key, fil)
    referenced = _referenced()
    scan = FormulaScan({fil: data}, background=background, parts={fil: formula_parts})
    try:
        with stage("read"):
            book = open_workbook(data, fil)
    except WorkbookError as error:
        scan.close()
        found.problems.append(error.problem)
        return found
    try:
        for sheet in workbook.flikar:
            with stage("read"):
                raw = read_sheet(book, workbook, sheet, lambda: scan.result(fil))
            if sheet.typ == "falt":
                result, problems, found.fields = check_fields(raw, sheet, context)
                context.year = found.fields.get("ar")
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
    spellings = context.id_spellings.get(fil, {})
    merged = {k: spellings[k] for k in context.id_merged.get(fil, ())}
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
                Level.NOTICE,
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


def _validate_workbooks(
    keys: list[str], data: dict[str, bytes], context: CheckContext
) -> list[_WorkbookResult]:
    """Workbooks read side by side where it helps, each measured before it is parsed.

    A workbook whose sheets were not all measured cell by cell goes to a helper process
    (python-calamine could end this one). So does the first of two large workbooks: the
    two are then read at the same time, on two cores, since python-calamine holds the
    GIL while it parses. A helper starts as soon as its workbook is measured, and loads
    the program while this process measures and reads the other.
    """
    side_by_side = len(keys) > 1 and min(len(data[key]) for key in keys) >= PARALLEL_BYTES
    helpers: dict[str, Helper] = {}
    formulas: dict[str, frozenset[str] | None] = {}
    try:
        for index, key in enumerate(keys):
            workbook = contract.workbook(key)
            with stage("limits"):  # before any parser
                measured = measure(data[key], [s.namn for s in workbook.flikar], workbook.fil)
            formulas[key] = measured.formula_parts
            if not measured.exact or (side_by_side and index == 0):
                helpers[key] = Helper(__name__)
                helpers[key].send(HELPER, data[key], key, context, False, formulas[key])
        done = {
            key: _validate_workbook(data[key], key, context, True, formulas[key])
            for key in keys
            if key not in helpers
        }
        for key, helper in helpers.items():
            try:
                with stage("wait"):
                    done[key] = helper.answer()
            except HelperDied:  # reading it here would end this process too
                raise ReaderDied(contract.workbook(key).fil) from None
            context.year = done[key].fields.get("ar", context.year)
        return [done[key] for key in keys]
    finally:
        for helper in helpers.values():
            helper.close()


HELPER = _validate_workbook  # what the helper process runs (a test makes it die)


def validate(raw_dir: Path, today: dt.date | None = None) -> ValidationResult:
    """Check all workbooks in the folder raw_dir (see validate_workbooks)."""
    return validate_workbooks(Folder(raw_dir), today, source=str(raw_dir))


def validate_workbooks(
    workbooks: Mapping[str, bytes], today: dt.date | None = None, source: str | None = None
) -> ValidationResult:
    """Check the workbooks (file name → bytes); the typed dataset only when there are no
    errors. `source` names where the files are (a folder) in the message for a missing one.
    """
    context = CheckContext()
    if today is not None:
        context.today = pd.Timestamp(today)
    # A missing workbook does not hide the others' problems: all are shown at once.
    problems = find_problems_with_files(workbooks, source)
    data = {w.nyckel: workbooks[w.fil] for w in contract.workbooks() if w.fil in workbooks}
    done: list[_WorkbookResult] = []
    # First the workbook with the fields (the report year sets the limits of the others).
    for key in (key for key in data if key not in LARGE):
        done.extend(_validate_workbooks([key], data, context))
    done.extend(_validate_workbooks([key for key in LARGE if key in data], data, context))
    fields = next((w.fields for w in done if w.fields), {})
    results = [r for w in done for r in w.results]
    sheets = {r.key: r for r in results}
    problems.extend(p for w in done for p in w.problems)

    # A cell that already has an error gets no warning on top.
    error_cells = {(p.file, p.sheet, p.row, p.column) for p in problems if p.level == Level.ERROR}
    warnings = find_warnings(
        {name: r.data for name, r in sheets.items()}, fields.get("startdatum"), fields.get("ar")
    )
    problems.extend(w for w in warnings if (w.file, w.sheet, w.row, w.column) not in error_cells)
    problems.extend(history_problems(sheets, fields))
    problems = sorted(set(problems), key=sort_key)
    result = ValidationResult(problems, results, fields=fields)
    expected = {s.nyckel for w in contract.workbooks() for s in w.flikar}
    if result.errors or set(sheets) != expected:
        return result
    result.dataset = Dataset(
        kommun=contract.kommun(fields["kommun"]),
        year=int(fields["ar"]),
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
        tidigare_ar=sheets["tidigare_ar"].data,
    )
    return result


def _texts(data: pd.DataFrame) -> dict[str, list[str]]:
    texts: dict[str, list[str]] = {}
    for avsnitt, text in data[["avsnitt", "text"]].itertuples(index=False):
        texts.setdefault(str(avsnitt), []).extend(paragraphs(str(text)))
    return texts
