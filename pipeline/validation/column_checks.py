"""The checks of single columns against the contract, as pandera schemas.

Each check comes with its Swedish message (what was found, what is allowed), so
a failure maps to its message by the check, never by position in a list.
"""

from __future__ import annotations

import datetime as dt
import numbers
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
import pandera.pandas as pa

from pipeline.contract.formula import FORMULA_START, formula_start
from pipeline.contract.schema import Column
from pipeline.validation import personnummer
from pipeline.validation.coerce import LARGEST_NUMBER, in_future, limit_text
from pipeline.validation.problems import show_value

Message = Callable[[object], tuple[str, str]]


@dataclass
class CheckContext:
    """What the checks of one run share: the report year, today, reference values."""

    year: int | None = None
    today: pd.Timestamp = field(default_factory=lambda: pd.Timestamp(dt.date.today()))
    references: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    flagged: dict[str, set[str]] = field(default_factory=dict)  # personnummer per column
    # Per workbook: each ID as matched → how it was written, a set when in more than one way
    # (d001, D001, 'D001 ').
    id_spellings: dict[str, dict[str, str | set[str]]] = field(default_factory=dict)
    id_merged: dict[str, set[str]] = field(default_factory=dict)  # per workbook: IDs with a set


# Column types whose cells are screened for personnummer: codes, free text, and whole
# numbers (a personnummer typed into Invånare is a number, too).
SCREENED = ("id", "text", "heltal")


def flagged_values(distinct: list) -> set:
    """The distinct values (as typed) that look like a personnummer (a million codes are
    made text once and, when none looks like one, not looked at again)."""
    texts = [v if type(v) is str else str(v) for v in distinct]
    flagged = personnummer.flagged_values(texts)
    if not flagged:
        return set()
    return {v for v, text in zip(distinct, texts, strict=True) if text in flagged}


def _bound(value: float | str | None, context: CheckContext) -> float | None:
    if value == "rapportår":
        return context.year
    return value


def no_formula_start(values: pd.Series) -> pd.Series:
    """True where the value does not begin like a formula (each distinct value tested once)."""
    starts = [v for v in values.unique() if isinstance(v, str) and formula_start(v)]
    return ~values.isin(starts) if starts else pd.Series(True, index=values.index)


def formula_message(column: Column, value: object) -> tuple[str, str]:
    """Why a name may not begin like a formula, and how to rename it."""
    text = str(value)
    words = FORMULA_START.get(text[:1], "ett tecken som Excel läser som början på en formel")
    problem = (
        f"'{text}' börjar med {words}. Namnet står i nyckeltalsfilen, och där tar Excel "
        "det för en formel."
    )
    fix = f"Byt namn så att det inte börjar med {words}"
    if column.finns_i is not None:
        return problem, f"{fix}, här och i fliken {column.finns_i.flik_namn}."
    example = text.lstrip("".join(FORMULA_START) + " ")
    return problem, f"{fix}, t.ex. '{example}'." if example else f"{fix}."


def column_checks(column: Column, context: CheckContext) -> dict[str, tuple[pa.Check, Message]]:
    """The pandera checks of one column by name, each with the Swedish message for a failure.

    The name is the check's `error`, which pandera reports for each failing cell, so a
    failure finds its message by name, never by its place in the list.
    """
    checks: dict[str, tuple[pa.Check, Message]] = {}
    if column.typ == "val":
        allowed = column.allowed_text()
        checks["choice"] = (
            pa.Check.isin(list(column.varden), error="choice"),
            lambda v: (f"Värdet '{v}' är inte tillåtet.", f"Tillåtna värden: {allowed}."),
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
        checks["personnummer"] = (
            # The distinct values were screened once, when the column was read.
            pa.Check(lambda s, flagged=flagged: ~s.isin(flagged), error="personnummer"),
            lambda v, message=message: (message[0].format(personnummer.mask(str(v))), message[1]),
        )
    if column.typ == "datum":  # a date before 1990 got no type (pipeline.validation.coerce)
        checks["not_in_future"] = (pa.Check.le(context.today, error="not_in_future"), in_future)
    low, high = _bound(column.min, context), _bound(column.max, context)
    if high is None and column.typ in ("heltal", "decimaltal"):
        high = LARGEST_NUMBER  # no limit of its own: still none of the sums may overflow
    if low is not None:
        checks["minimum"] = (
            pa.Check.ge(low, error="minimum"),
            lambda v: (
                f"{show_value(v)} är för litet.",
                f"Minsta tillåtna värde är {low}.{_four_digits(v, low, high)}",
            ),
        )
    if high is not None:
        shown = limit_text(high)
        checks["maximum"] = (
            pa.Check.le(high, error="maximum"),
            lambda v: (f"{show_value(v)} är för stort.", f"Största tillåtna värde är {shown}."),
        )
    if column.over is not None:
        over = column.over
        checks["above"] = (
            pa.Check.gt(over, error="above"),
            lambda v: (f"{show_value(v)} är för litet.", f"Värdet måste vara större än {over}."),
        )
    if column.ingen_formel:
        checks["no_formula"] = (
            pa.Check(no_formula_start, error="no_formula"),
            lambda v: formula_message(column, v),
        )
    if column.finns_i is not None:
        ref = column.finns_i
        known = context.references.get((ref.flik, ref.kolumn), set())
        checks["exists_in"] = (
            # A custom check over a set: pandera copies the allowed values of isin.
            pa.Check(lambda s, known=known: s.isin(known), error="exists_in"),
            lambda v: _missing_reference(v, known, ref.flik_namn),
        )
    return checks


def _four_digits(value: object, low: float, high: float | None) -> str:
    """' Skriv året med fyra siffror, t.ex. 1985.' for a year written with two digits (85)
    where the column holds years; the later century when both are allowed (05: 2005)."""
    number = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if not (number and low >= 1000 and 0 <= value < 100 and float(value).is_integer()):
        return ""
    years = [century + int(value) for century in (2000, 1900)]
    year = next((y for y in years if low <= y and (high is None or y <= high)), None)
    return f" Skriv året med fyra siffror, t.ex. {year}." if year else ""


def _fold(text: str) -> str:
    """A name as it reads, case and spacing aside: 'Stavgång i  mullsjö' is 'stavgång i mullsjö'."""
    return " ".join(text.split()).casefold()


def _missing_reference(value: object, known: set, sheet: str) -> tuple[str, str]:
    """A value not in the other sheet; 'Menade du …?' when one there differs only in case or
    spacing (a name the coach sees as the same, but which the figures count apart)."""
    found = f"'{value}' finns inte i fliken {sheet}."
    if isinstance(value, str):
        near = sorted(k for k in known if isinstance(k, str) and _fold(k) == _fold(value))
        if near:
            return (
                f"{found} Menade du '{near[0]}'?",
                f"Skriv namnet som i fliken {sheet}, med samma stora och små bokstäver och "
                "mellanslag.",
            )
    return found, f"Lägg till raden i fliken {sheet} eller rätta stavningen."


def required_message(column: Column) -> tuple[str, str]:
    return "Värde saknas.", f"Kolumnen {column.namn} måste fyllas i."


def run_pandera(
    data: pd.DataFrame, columns: tuple[Column, ...], context: CheckContext
) -> list[tuple[int, Column, object, str, str]]:
    """(index, column, value, problem, fix) for every failing cell, all at once."""
    by_key = {c.nyckel: c for c in columns}
    checks = {c.nyckel: column_checks(c, context) for c in columns}
    schema = pa.DataFrameSchema(
        {
            c.nyckel: pa.Column(
                dtype=None,
                nullable=not c.obligatorisk,
                unique=c.unik,
                checks=[check for check, _ in checks[c.nyckel].values()],
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
                problem, fix = required_message(column)
                value = None
            elif case.check == "field_uniqueness":
                problem = f"'{value}' finns på flera rader."
                fix = f"Varje {column.namn} får bara förekomma en gång i fliken."
            else:
                problem, fix = checks[column.nyckel][case.check][1](value)
            found.append((int(case.index), column, value, problem, fix))
        return found
    return []
