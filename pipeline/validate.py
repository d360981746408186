"""Stage 1: read the three workbooks and check them against the contract.

Column checks are pandera schemas built from data/schemas/; rules that span
columns or sheets are read from the same files. Every problem is collected
(lazy validation) and reported at once, with file, sheet, Excel row, column,
the value found and what is allowed.
"""

from __future__ import annotations

import datetime as dt
import difflib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from pipeline import config, contract, personnummer
from pipeline.coerce import coerce_column
from pipeline.contract import Column, Sheet, Workbook
from pipeline.dataset import Dataset
from pipeline.history import history, years_text
from pipeline.inspect_xlsx import FormulaScan
from pipeline.plausibility import find_warnings
from pipeline.problems import FEL, NOTIS, VARNING, Problem, file_problem, show_value, sort_key
from pipeline.progress import stage
from pipeline.read import RawSheet, WorkbookError, open_workbook, read_sheet
from pipeline.text import paragraphs

DATE_MIN = pd.Timestamp("1990-01-01")
OTHER_FORMATS = (".xls", ".xlsm", ".xlsb", ".ods", ".csv", ".numbers")

Message = Callable[[object], tuple[str, str]]


@dataclass
class SheetResult:
    fil: str
    flik: str
    data: pd.DataFrame
    rows_read: int = 0
    empty_rows: int = 0
    error_rows: int = 0


@dataclass
class ValidationResult:
    problems: list[Problem]
    sheets: list[SheetResult] = field(default_factory=list)
    dataset: Dataset | None = None
    uppgifter: dict[str, object] = field(default_factory=dict)

    def sheet(self, flik: str) -> SheetResult | None:
        return next((s for s in self.sheets if s.flik == flik), None)

    def errors_in(self, fil: str) -> list[Problem]:
        return [p for p in self.errors if p.fil == fil]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.niva == FEL]

    @property
    def ok(self) -> bool:
        return not self.errors and self.dataset is not None


@dataclass
class _Context:
    ar: int | None = None
    today: pd.Timestamp = field(default_factory=lambda: pd.Timestamp(dt.date.today()))
    references: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    flagged: dict[str, set[str]] = field(default_factory=dict)  # personnummer per column
    # Per workbook: each ID as matched → the ways it was written (d001, D001, 'D001 ').
    id_spellings: dict[str, dict[str, set[str]]] = field(default_factory=dict)


# --- column checks -------------------------------------------------------------


# Column types whose cells are screened for personnummer: codes, free text, and whole
# numbers (a personnummer typed into Invånare is a number, too).
SCREENED = ("id", "text", "heltal")


def _flagged(distinct: list) -> set:
    """The distinct values (as typed) that look like a personnummer."""
    flagged = personnummer.flagged_values([str(v) for v in distinct])
    return {v for v in distinct if str(v) in flagged}


def _bound(value: float | str | None, context: _Context) -> float | None:
    if value == "rapportår":
        return context.ar
    return value


def _column_checks(column: Column, context: _Context) -> list[tuple[pa.Check, Message]]:
    """The pandera checks of one column, each with the Swedish message for a failure."""
    checks: list[tuple[pa.Check, Message]] = []
    if column.typ == "val":
        allowed = column.allowed_text()
        checks.append(
            (
                pa.Check.isin(list(column.varden)),
                lambda v: (f"Värdet '{v}' är inte tillåtet.", f"Tillåtna värden: {allowed}."),
            )
        )
    if column.typ in SCREENED:
        flagged = context.flagged.get(column.nyckel, set())
        if column.typ in ("id", "heltal"):
            message = (
                "Värdet ser ut som ett personnummer ({}). Personnummer får inte finnas i "
                "underlaget.",
                "Använd en egen kod i stället, t.ex. K0231."
                if column.typ == "id"
                else f"Skriv {column.namn} som ett vanligt tal.",
            )
        else:
            message = (
                "Texten innehåller något som ser ut som ett personnummer ({}). Personnummer får "
                "inte finnas i underlaget, och rapporten är en offentlig handling.",
                "Ta bort numret ur cellen. Skriv aldrig personnummer, inte heller i fritext.",
            )
        checks.append(
            (
                # The distinct values were screened once, when the column was read.
                pa.Check(lambda s, flagged=flagged: ~s.isin(flagged), name="personnummer"),
                lambda v, message=message: (
                    message[0].format(personnummer.mask(str(v))),
                    message[1],
                ),
            )
        )
    if column.typ == "datum":
        checks.append(
            (
                pa.Check.ge(DATE_MIN),
                lambda v: (f"Datumet {show_value(v)} är före 1990.", "Kontrollera årtalet."),
            )
        )
        checks.append(
            (
                pa.Check.le(context.today),
                lambda v: (
                    f"Datumet {show_value(v)} ligger i framtiden.",
                    "Kontrollera datumet; fyll bara i det som har hänt.",
                ),
            )
        )
    low, high = _bound(column.min, context), _bound(column.max, context)
    if low is not None:
        checks.append(
            (
                pa.Check.ge(low),
                lambda v: (f"{show_value(v)} är för litet.", f"Minsta tillåtna värde är {low}."),
            )
        )
    if high is not None:
        checks.append(
            (
                pa.Check.le(high),
                lambda v: (f"{show_value(v)} är för stort.", f"Största tillåtna värde är {high}."),
            )
        )
    if column.over is not None:
        over = column.over
        checks.append(
            (
                pa.Check.gt(over),
                lambda v: (
                    f"{show_value(v)} är för litet.",
                    f"Värdet måste vara större än {over}.",
                ),
            )
        )
    if column.finns_i is not None:
        ref = column.finns_i
        known = context.references.get((ref.flik, ref.kolumn), set())
        checks.append(
            (
                # A custom check over a set: pandera copies the allowed values of isin.
                pa.Check(lambda s, known=known: s.isin(known), name="finns_i"),
                lambda v: (
                    f"'{v}' finns inte i fliken {ref.flik}.",
                    f"Lägg till raden i fliken {ref.flik} eller rätta stavningen.",
                ),
            )
        )
    return checks


def _required_message(column: Column) -> tuple[str, str]:
    return "Värde saknas.", f"Kolumnen {column.namn} måste fyllas i."


def _run_pandera(
    data: pd.DataFrame, columns: tuple[Column, ...], context: _Context
) -> list[tuple[int, Column, object, str, str]]:
    """(index, column, value, problem, fix) for every failing cell, all at once."""
    by_key = {c.nyckel: c for c in columns}
    messages = {c.nyckel: [m for _, m in _column_checks(c, context)] for c in columns}
    schema = pa.DataFrameSchema(
        {
            c.nyckel: pa.Column(
                dtype=None,
                nullable=not c.obligatorisk,
                unique=c.unik,
                checks=[check for check, _ in _column_checks(c, context)],
            )
            for c in columns
        },
        strict=False,
    )
    try:
        schema.validate(data, lazy=True)
    except pa.errors.SchemaErrors as errors:
        found = []
        for case in errors.failure_cases.itertuples(index=False):
            column = by_key.get(case.column)
            if column is None or case.index is None or pd.isna(case.index):
                continue
            value = case.failure_case
            if case.check == "not_nullable":
                problem, fix = _required_message(column)
                value = None
            elif case.check == "field_uniqueness":
                problem = f"'{value}' finns på flera rader."
                fix = f"Varje {column.namn} får bara förekomma en gång i fliken."
            else:
                problem, fix = messages[column.nyckel][int(case.check_number)](value)
            found.append((int(case.index), column, value, problem, fix))
        return found
    return []


def _conditional_required(data: pd.DataFrame, filled: pd.DataFrame, columns: tuple[Column, ...]):
    for column in columns:
        cond = column.obligatorisk_om or column.obligatorisk_utom
        if cond is None:
            continue
        other = data[cond.kolumn]
        in_values = other.isin(list(cond.varden)).fillna(False).astype(bool)
        applies = in_values if column.obligatorisk_om else (~in_values & other.notna())
        missing = applies & ~filled[column.nyckel]
        other_name = next(c.namn for c in columns if c.nyckel == cond.kolumn)
        word = "är" if column.obligatorisk_om else "inte är"
        for row in data.index[missing]:
            yield (
                int(row),
                column,
                None,
                "Värde saknas.",
                f"{column.namn} måste fyllas i när {other_name} {word} "
                f"{' eller '.join(cond.varden)}.",
            )


def _only_when(data: pd.DataFrame, filled: pd.DataFrame, columns: tuple[Column, ...]):
    """A column that may be filled only on some rows (Följsamhet: a follow-up that took place)."""
    names = {c.nyckel: c.namn for c in columns}
    for column in columns:
        if not column.bara_om:
            continue
        allowed = pd.Series(True, index=data.index)
        for condition in column.bara_om:
            allowed &= data[condition.kolumn].isin(list(condition.varden)).fillna(False)
        when = " och ".join(
            f"{names[c.kolumn]} är {' eller '.join(c.varden)}" for c in column.bara_om
        )
        for row in data.index[filled[column.nyckel] & ~allowed.astype(bool)]:
            yield (
                int(row),
                column,
                data.at[row, column.nyckel],
                f"{column.namn} får bara fyllas i när {when}.",
                f"Töm cellen, eller rätta {' och '.join(names[c.kolumn] for c in column.bara_om)} "
                "om det var ett sådant samtal.",
            )


def _at_most_column(data: pd.DataFrame, columns: tuple[Column, ...]):
    """A value may not exceed another column's value on its row (varav FaR ≤ Ärenden)."""
    for column in columns:
        if column.hogst_kolumn is None:
            continue
        other = next(c for c in columns if c.nyckel == column.hogst_kolumn)
        over = (data[column.nyckel] > data[other.nyckel]).fillna(False).astype(bool)
        for row in data.index[over]:
            yield (
                int(row),
                column,
                data.at[row, column.nyckel],
                f"{column.namn} är större än {other.namn} ({data.at[row, other.nyckel]}).",
                f"{column.namn} är en del av {other.namn} och kan vara högst lika stort.",
            )


def _exactly_one(filled: pd.DataFrame, sheet: Sheet):
    for rule in sheet.regler:
        keys = rule.get("exakt_en_av")
        if not keys:
            continue
        names = [sheet.column(k).namn for k in keys]
        count = sum(filled[k].astype(int) for k in keys)
        label = " / ".join(names)
        both = " och ".join(names)
        either = " eller ".join(names)
        fix = (
            f"Fyll i exakt en av {both}: {names[0]} för en enskild deltagare, "
            f"{names[1]} för en grupp utan koder."
        )
        for row in filled.index[count > 1]:
            yield (int(row), sheet.column(keys[0]), None, f"Både {both} är ifyllda.", fix, label)
        for row in filled.index[count == 0]:
            yield (int(row), sheet.column(keys[0]), None, f"Varken {either} är ifyllt.", fix, label)


def _check_table(raw: RawSheet, sheet: Sheet, context: _Context) -> tuple[SheetResult, list]:
    """Coerce, check with pandera and apply the sheet's rules; all problems together."""
    problems: list[Problem] = list(raw.problems)
    typed = {}
    # One problem per cell: the first found (e.g. a formula without value) wins.
    seen: set[tuple[int, str]] = {
        (p.rad, p.kolumn) for p in raw.problems if p.niva == FEL and p.rad and p.rad > 1
    }

    def add(row: int, kolumn: str, value: object, problem: str, fix: str) -> None:
        if (row, kolumn) in seen:
            return
        seen.add((row, kolumn))
        problems.append(Problem(raw.fil, raw.flik, row, kolumn, show_value(value), problem, fix))

    for column in sheet.kolumner:
        coerced = coerce_column(raw.cells[column.nyckel], column)
        typed[column.nyckel] = coerced.values
        if column.typ in SCREENED:
            context.flagged[column.nyckel] = _flagged(coerced.distinct)
        if column.typ == "id":
            spellings = context.id_spellings.setdefault(raw.fil, {})
            for written, key in zip(raw.cells[column.nyckel], coerced.values, strict=True):
                if isinstance(key, str):
                    spellings.setdefault(key, set()).add(str(written).strip())
        for row, message in coerced.bad.items():
            add(row, column.namn, raw.cells.at[row, column.nyckel], message, coerced.fixes[row])
    data = pd.DataFrame(typed, index=raw.cells.index)

    if not any(p.niva == FEL and p.rad == 1 for p in raw.problems):
        # "Filled" means something is in the cell, even a value that could not be read.
        filled = raw.cells.notna()
        for row, column, value, problem, fix in _run_pandera(data, sheet.kolumner, context):
            add(row, column.namn, value, problem, fix)
        for row, column, value, problem, fix in _conditional_required(data, filled, sheet.kolumner):
            add(row, column.namn, value, problem, fix)
        for row, column, value, problem, fix in _at_most_column(data, sheet.kolumner):
            add(row, column.namn, value, problem, fix)
        for row, column, value, problem, fix in _only_when(data, filled, sheet.kolumner):
            add(row, column.namn, value, problem, fix)
        for row, _column, value, problem, fix, label in _exactly_one(filled, sheet):
            add(row, label, value, problem, fix)

    for column in sheet.kolumner:
        if column.standard is not None:
            data[column.nyckel] = data[column.nyckel].fillna(column.standard)
    error_rows = len({row for row, _ in seen})
    result = SheetResult(raw.fil, raw.flik, data, raw.rows_read, raw.empty_rows, error_rows)
    return result, problems


def _check_fields(raw: RawSheet, sheet: Sheet, context: _Context):
    """A Fält/Värde sheet: each field on its own row, checked like a one-row table."""
    problems: list[Problem] = list(raw.problems)
    by_name = {f.namn.casefold(): f for f in sheet.falt}
    rows: dict[str, int] = {}
    cells: dict[str, object] = {}
    for row, name, value in raw.cells[["falt", "varde"]].itertuples():
        field_spec = by_name.get(str(name).strip().casefold()) if name is not None else None
        if field_spec is None:
            problems.append(
                Problem(
                    raw.fil,
                    raw.flik,
                    int(row),
                    "Fält",
                    show_value(name),
                    f"Okänt fält '{name}'; raden hoppas över.",
                    f"Kända fält: {', '.join(f.namn for f in sheet.falt)}.",
                    NOTIS,
                )
            )
            continue
        if field_spec.nyckel in rows:
            problems.append(
                Problem(
                    raw.fil,
                    raw.flik,
                    int(row),
                    "Fält",
                    field_spec.namn,
                    f"Fältet {field_spec.namn} står på flera rader.",
                    "Ta bort den ena raden.",
                )
            )
            continue
        rows[field_spec.nyckel] = int(row)
        cells[field_spec.nyckel] = value
    one_row = pd.DataFrame({f.nyckel: [cells.get(f.nyckel)] for f in sheet.falt}, dtype=object)
    typed = {}
    for spec in sheet.falt:
        coerced = coerce_column(one_row[spec.nyckel], spec)
        typed[spec.nyckel] = coerced.values
        if spec.typ in SCREENED:
            context.flagged[spec.nyckel] = _flagged(coerced.distinct)
        for key, message in coerced.bad.items():
            problems.append(
                Problem(
                    raw.fil,
                    raw.flik,
                    rows.get(spec.nyckel),
                    f"Värde ({spec.namn})",
                    show_value(cells.get(spec.nyckel)),
                    message,
                    coerced.fixes[key],
                )
            )
    data = pd.DataFrame(typed)
    reported = {p.rad for p in problems}
    if not any(p.niva == FEL and p.rad == 1 for p in raw.problems):
        for _, spec, value, problem, fix in _run_pandera(data, sheet.falt, context):
            row = rows.get(spec.nyckel)
            if row is not None and row in reported:
                continue
            if row is None:
                problem = f"Fältet {spec.namn} saknas."
                fix = f"Lägg till en rad med {spec.namn} i kolumnen Fält och värdet i Värde."
            fix = fix.replace("Kolumnen ", "Fältet ", 1)
            problems.append(
                Problem(
                    raw.fil, raw.flik, row, f"Värde ({spec.namn})", show_value(value), problem, fix
                )
            )
    values = {k: (None if pd.isna(v.iloc[0]) else v.iloc[0]) for k, v in data.items()}
    error_rows = len({p.rad for p in problems if p.niva == FEL})
    return (
        SheetResult(raw.fil, raw.flik, data, raw.rows_read, raw.empty_rows, error_rows),
        problems,
        values,
    )


# --- the whole input -----------------------------------------------------------


def _name_key(name: str) -> str:
    """A file name as the coach meant it: no case, spaces or invisible characters."""
    return "".join(c for c in unicodedata.normalize("NFC", name).casefold() if c.isalnum())


def _near_misses(raw_dir: Path, fil: str, taken: set[str]) -> list[str]:
    """Files in raw_dir that look like a misspelt fil ('remisser .xlsx', 'Remisser.XLSX')."""
    try:
        names = [p.name for p in raw_dir.iterdir() if p.is_file()]
    except OSError:
        return []
    candidates = {
        n: _name_key(Path(n).stem)
        for n in names
        if n not in taken
        and not n.startswith(("~$", "."))
        and Path(n).suffix.strip().casefold() == ".xlsx"
    }
    wanted = _name_key(Path(fil).stem)
    exact = [n for n, key in candidates.items() if key == wanted]
    if exact:
        return sorted(exact)
    close = difflib.get_close_matches(wanted, list(candidates.values()), n=1, cutoff=0.8)
    return sorted(n for n, key in candidates.items() if key in close)


def find_problems_with_files(raw_dir: Path) -> list[Problem]:
    """Missing workbooks, near-miss names, or workbooks saved in another format."""
    problems = []
    taken = set(config.WORKBOOKS)
    for fil in config.WORKBOOKS:
        path = raw_dir / fil
        if path.is_file():
            continue
        stem = path.stem
        others = sorted(
            p.name
            for p in raw_dir.glob(f"{stem}.*")
            if p.suffix.lower() in OTHER_FORMATS and not p.name.startswith(("~$", "."))
        )
        near = _near_misses(raw_dir, fil, taken)
        if near:
            found = ", ".join(f"'{show_value(n)}'" for n in near)
            problems.append(
                file_problem(
                    fil,
                    f"Filen {fil} saknas i {raw_dir}; hittade {found} – menade du {fil}?",
                    f"Byt namn på filen till exakt {fil}"
                    + (" (utan mellanslag)" if any(" " in n for n in near) else "")
                    + " och kör igen.",
                )
            )
        elif others:
            problems.append(
                file_problem(
                    fil,
                    f"Filen {fil} saknas, men {', '.join(others)} finns. Programmet läser bara "
                    "Excel-arbetsböcker (.xlsx).",
                    f"Öppna filen i Excel och välj Spara som > Excel-arbetsbok (*.xlsx) med namnet "
                    f"{fil}.",
                )
            )
        else:
            problems.append(
                file_problem(
                    fil,
                    f"Filen {fil} saknas i {raw_dir}.",
                    "Lägg alla tre arbetsböckerna i mappen: " + ", ".join(config.WORKBOOKS) + ".",
                )
            )
    return problems


@dataclass
class _WorkbookResult:
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
    raw_dir: Path, fil: str, context: _Context, background: bool = False
) -> _WorkbookResult:
    """One workbook on its own: references stay within a workbook, so it can run anywhere."""
    workbook: Workbook = contract.workbook(fil)
    found = _WorkbookResult(fil)
    referenced = _referenced()
    scan = FormulaScan([raw_dir / fil], background=background)
    try:
        with stage("read"):
            book = open_workbook(raw_dir / fil)
    except WorkbookError as error:
        found.problems.append(error.problem)
        return found
    try:
        for sheet in workbook.flikar:
            with stage("read"):
                raw = read_sheet(book, workbook, sheet, lambda: scan.result(raw_dir / fil))
            if sheet.typ == "falt":
                result, problems, found.fields = _check_fields(raw, sheet, context)
                context.ar = found.fields.get("ar")
            else:
                result, problems = _check_table(raw, sheet, context)
            found.problems.extend(problems)
            found.results.append(result)
            for column in sheet.kolumner:
                if (sheet.namn, column.nyckel) in referenced:
                    context.references[(sheet.namn, column.nyckel)] = set(
                        result.data[column.nyckel].dropna().unique()
                    )
    finally:
        book.close()
    merged = {k: v for k, v in context.id_spellings.get(fil, {}).items() if len(v) > 1}
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


def _validate_in_parallel(raw_dir: Path, context: _Context) -> list[_WorkbookResult]:
    """remisser.xlsx and aktiviteter.xlsx; large ones at the same time, on two cores.

    python-calamine holds the GIL while it parses, so the second workbook goes to
    a separate process (spawned: it imports afresh, no fork of a threaded process).
    """
    first, second = raw_dir / "remisser.xlsx", raw_dir / "aktiviteter.xlsx"
    if min(first.stat().st_size, second.stat().st_size) < PARALLEL_BYTES:
        return [
            _validate_workbook(raw_dir, "remisser.xlsx", context, background=True),
            _validate_workbook(raw_dir, "aktiviteter.xlsx", context, background=True),
        ]
    import concurrent.futures
    import multiprocessing

    spawn = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
        future = pool.submit(_validate_workbook, raw_dir, "remisser.xlsx", context)
        activities = _validate_workbook(raw_dir, "aktiviteter.xlsx", context, background=True)
        try:
            with stage("wait"):
                referrals = future.result()
        except Exception:  # the helper process failed: do it here instead
            referrals = _validate_workbook(raw_dir, "remisser.xlsx", context)
    return [referrals, activities]


def validate(raw_dir: Path, today: dt.date | None = None) -> ValidationResult:
    """Check all workbooks in raw_dir; the typed dataset only when there are no errors."""
    context = _Context()
    if today is not None:
        context.today = pd.Timestamp(today)
    # A missing workbook does not hide the others' problems: all are shown at once.
    problems = find_problems_with_files(raw_dir)
    present = {fil for fil in config.WORKBOOKS if (raw_dir / fil).is_file()}
    done: list[_WorkbookResult] = []
    if "verksamhet.xlsx" in present:
        done.append(_validate_workbook(raw_dir, "verksamhet.xlsx", context, background=True))
        context.ar = done[0].fields.get("ar")
    if {"remisser.xlsx", "aktiviteter.xlsx"} <= present:
        done.extend(_validate_in_parallel(raw_dir, context))
    else:
        done.extend(
            _validate_workbook(raw_dir, fil, context, background=True)
            for fil in ("remisser.xlsx", "aktiviteter.xlsx")
            if fil in present
        )
    fields = next((w.fields for w in done if w.fil == "verksamhet.xlsx"), {})
    results = [r for w in done for r in w.results]
    sheets = {r.flik: r for r in results}
    problems.extend(p for w in done for p in w.problems)

    # A cell that already has an error gets no warning on top.
    error_cells = {(p.fil, p.flik, p.rad, p.kolumn) for p in problems if p.niva == FEL}
    warnings = find_warnings(
        {name: r.data for name, r in sheets.items()}, fields.get("startdatum"), fields.get("ar")
    )
    problems.extend(w for w in warnings if (w.fil, w.flik, w.rad, w.kolumn) not in error_cells)
    problems.extend(_history_problems(sheets, fields))
    problems = sorted(set(problems), key=sort_key)
    result = ValidationResult(problems, results, uppgifter=fields)
    expected = {s.namn for w in contract.workbooks() for s in w.flikar}
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
        remisser=sheets["Remisser"].data,
        samtal=sheets["Samtal"].data,
        aktiviteter=sheets["Aktiviteter"].data,
        narvaro=sheets["Närvaro"].data,
        texter=_texts(sheets["Texter"].data),
        plan=sheets["Plan"].data,
        source=raw_dir,
        tidigare_ar=sheets["Tidigare år"].data,
    )
    return result


def _texts(data: pd.DataFrame) -> dict[str, list[str]]:
    texts: dict[str, list[str]] = {}
    for avsnitt, text in data[["avsnitt", "text"]].itertuples(index=False):
        texts.setdefault(str(avsnitt), []).extend(paragraphs(str(text)))
    return texts


def _history_problems(sheets: dict[str, SheetResult], fields: dict) -> list[Problem]:
    """Tidigare år against the rows and Startdatum; a warning naming the years without data."""
    if "Remisser" not in sheets or fields.get("startdatum") is None or fields.get("ar") is None:
        return []
    start, year = pd.Timestamp(fields["startdatum"]), int(fields["ar"])
    tidigare = sheets["Tidigare år"].data if "Tidigare år" in sheets else None
    known = history(sheets["Remisser"].data["inkom"], tidigare, start, year)
    problems = []
    sheet = contract.workbook("verksamhet.xlsx").sheet("Tidigare år")
    if tidigare is not None:
        for row, value in tidigare["ar"].dropna().items():
            value = int(value)
            if value in known.registered:
                problems.append(
                    Problem(
                        "verksamhet.xlsx",
                        sheet.namn,
                        int(row),
                        "År",
                        str(value),
                        f"{value} har redan rader i remisser.xlsx och skulle räknas två gånger.",
                        f"Ta bort raden för {value} i fliken {sheet.namn}; där står bara år "
                        "innan raderna i remisser.xlsx börjar.",
                    )
                )
            elif not known.start_year <= value < year:
                problems.append(
                    Problem(
                        "verksamhet.xlsx",
                        sheet.namn,
                        int(row),
                        "År",
                        str(value),
                        f"{value} ligger utanför åren {known.start_year}–{year - 1}.",
                        f"Fliken {sheet.namn} tar bara år från Startdatums år ({known.start_year}) "
                        f"till året innan rapportåret ({year - 1}).",
                    )
                )
    if known.missing:
        years = years_text(known.missing)
        first = min(known.registered)
        problems.append(
            Problem(
                "verksamhet.xlsx",
                sheet.namn,
                None,
                None,
                None,
                f"Uppgifter saknas för {years}: Hälsocentret startade {known.start_year}, men "
                f"remisser.xlsx har rader först från {first} och fliken {sheet.namn} har inga "
                f"rader för {years}. Därför visas inga siffror ”sedan start”, och ett år utan "
                "uppgifter visas som –, aldrig som 0.",
                f"Fyll i fliken {sheet.namn} i verksamhet.xlsx med en rad per år ({years}): "
                "antal ärenden, varav FaR och första samtal, från de årens "
                "verksamhetsberättelser.",
                VARNING,
            )
        )
    return problems
