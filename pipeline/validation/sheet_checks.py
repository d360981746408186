"""One sheet checked against the contract: types, columns, the rules across columns.

A table sheet (one row per record) and a field sheet (Fält/Värde) each become a
SheetResult with typed data and the problems found, all at once.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import pandas as pd

from pipeline.contract.schema import Column, Sheet
from pipeline.validation.coerce import coerce_column, record_spellings
from pipeline.validation.column_checks import SCREENED, CheckContext, flagged_values, run_pandera
from pipeline.validation.problems import Level, Problem, show_value
from pipeline.validation.read import RawSheet


@dataclass
class SheetResult:
    file: str
    sheet: str
    data: pd.DataFrame
    rows_read: int = 0
    empty_rows: int = 0
    error_rows: int = 0
    key: str = ""  # the sheet's key in the contract
    field_rows: dict[str, int] = field(default_factory=dict)  # a Fält/Värde sheet: key → row


# The rules across columns yield (row, column, value, problem, fix, the keys of the columns
# the rule reads besides its own).


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
                (cond.kolumn,),
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
                tuple(c.kolumn for c in column.bara_om),
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
                (other.nyckel,),
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


def check_table(raw: RawSheet, sheet: Sheet, context: CheckContext) -> tuple[SheetResult, list]:
    """Coerce, check with pandera and apply the sheet's rules; all problems together."""
    problems: list[Problem] = list(raw.problems)
    typed = {}
    # One problem per cell: the first found (e.g. a formula without value) wins.
    seen: set[tuple[int, str]] = {
        (p.row, p.column) for p in raw.problems if p.level == Level.ERROR and p.row and p.row > 1
    }

    def add(row: int, kolumn: str, value: object, problem: str, fix: str) -> None:
        if (row, kolumn) in seen:
            return
        seen.add((row, kolumn))
        problems.append(Problem(raw.file, raw.sheet, row, kolumn, show_value(value), problem, fix))

    for column in sheet.kolumner:
        coerced = coerce_column(raw.cells[column.nyckel], column)
        typed[column.nyckel] = coerced.values
        if column.typ in SCREENED:
            context.flagged[column.nyckel] = flagged_values(coerced.distinct)
        if column.typ == "id":  # as typed: a trailing space is a spelling too
            context.id_spellings[raw.file] = record_spellings(
                context.id_spellings.get(raw.file, {}),
                coerced.read,
                coerced.typed,
                context.id_merged.setdefault(raw.file, set()),
            )
        for row, message in coerced.bad.items():
            add(row, column.namn, raw.cells.at[row, column.nyckel], message, coerced.fixes[row])
    data = pd.DataFrame(typed, index=raw.cells.index)

    if not any(p.level == Level.ERROR and p.row == 1 for p in raw.problems):
        # "Filled" means something is in the cell, even a value that could not be read.
        filled = raw.cells.notna()
        for row, column, value, problem, fix in run_pandera(data, sheet.kolumner, context):
            add(row, column.namn, value, problem, fix)
        names = {c.nyckel: c.namn for c in sheet.kolumner}
        rules = itertools.chain(
            _conditional_required(data, filled, sheet.kolumner),
            _at_most_column(data, sheet.kolumner),
            _only_when(data, filled, sheet.kolumner),
        )
        for row, column, value, problem, fix, reads in rules:
            # A rule that reads a value with an error waits until that value is right: a
            # misspelt Samtalstyp says nothing yet about whether Följsamhet belongs.
            if not any((row, names[key]) in seen for key in reads):
                add(row, column.namn, value, problem, fix)
        for row, _column, value, problem, fix, label in _exactly_one(filled, sheet):
            add(row, label, value, problem, fix)

    for column in sheet.kolumner:
        if column.standard is not None:
            data[column.nyckel] = data[column.nyckel].fillna(column.standard)
    error_rows = len({row for row, _ in seen})
    result = SheetResult(
        raw.file, raw.sheet, data, raw.rows_read, raw.empty_rows, error_rows, sheet.nyckel
    )
    return result, problems


def check_fields(raw: RawSheet, sheet: Sheet, context: CheckContext):
    """A Fält/Värde sheet: each field on its own row, checked like a one-row table."""
    problems: list[Problem] = list(raw.problems)
    by_name = {f.namn.casefold(): f for f in sheet.falt}
    falt, varde = sheet.column("falt").namn, sheet.column("varde").namn  # the two headers
    rows: dict[str, int] = {}
    cells: dict[str, object] = {}
    for row, name, value in raw.cells[["falt", "varde"]].itertuples():
        field_spec = by_name.get(str(name).strip().casefold()) if name is not None else None
        where = (raw.file, raw.sheet, int(row), falt)  # the field's name cell
        if field_spec is None:
            known = ", ".join(f.namn for f in sheet.falt)
            problems.append(
                Problem(
                    *where,
                    show_value(name),
                    f"Okänt fält '{name}'; raden hoppas över.",
                    f"Kända fält: {known}.",
                    Level.NOTICE,
                )
            )
            continue
        if field_spec.nyckel in rows:
            problem = f"Fältet {field_spec.namn} står på flera rader."
            problems.append(Problem(*where, field_spec.namn, problem, "Ta bort den ena raden."))
            continue
        rows[field_spec.nyckel] = int(row)
        cells[field_spec.nyckel] = value
    one_row = pd.DataFrame({f.nyckel: [cells.get(f.nyckel)] for f in sheet.falt}, dtype=object)
    typed = {}
    rejected: set[str] = set()  # fields with an error: no later stage may use their value
    for spec in sheet.falt:
        coerced = coerce_column(one_row[spec.nyckel], spec)
        typed[spec.nyckel] = coerced.values
        if spec.typ in SCREENED:
            context.flagged[spec.nyckel] = flagged_values(coerced.distinct)
        for key, message in coerced.bad.items():
            rejected.add(spec.nyckel)
            problems.append(
                Problem(
                    raw.file,
                    raw.sheet,
                    rows.get(spec.nyckel),
                    f"{varde} ({spec.namn})",
                    show_value(cells.get(spec.nyckel)),
                    message,
                    coerced.fixes[key],
                )
            )
    data = pd.DataFrame(typed)
    reported = {p.row for p in problems}
    if any(p.level == Level.ERROR and p.row == 1 for p in raw.problems):
        rejected.update(f.nyckel for f in sheet.falt)  # a header problem: nothing was checked
    else:
        for _, spec, value, problem, fix in run_pandera(data, sheet.falt, context):
            row = rows.get(spec.nyckel)
            first = spec.nyckel not in rejected and (row is None or row not in reported)
            rejected.add(spec.nyckel)
            if not first:
                continue  # one problem per field: the first found (a personnummer) wins
            if row is None:
                problem = f"Fältet {spec.namn} saknas."
                fix = f"Lägg till en rad med {spec.namn} i kolumnen {falt} och värdet i {varde}."
            fix = fix.replace("Kolumnen ", "Fältet ", 1)
            problems.append(
                Problem(
                    raw.file,
                    raw.sheet,
                    row,
                    f"{varde} ({spec.namn})",
                    show_value(value),
                    problem,
                    fix,
                )
            )
    # An År of 99999 is reported, and never becomes a limit of other checks or a date.
    values = {
        k: (None if k in rejected or pd.isna(v.iloc[0]) else v.iloc[0]) for k, v in data.items()
    }
    error_rows = len({p.row for p in problems if p.level == Level.ERROR})
    return (
        SheetResult(
            raw.file, raw.sheet, data, raw.rows_read, raw.empty_rows, error_rows, sheet.nyckel, rows
        ),
        problems,
        values,
    )
