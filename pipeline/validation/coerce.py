"""Turning raw cell values into typed columns, one contract type at a time.

Coercion is done here rather than by pandera so that a bad value in a column
does not hide that column's other checks (pandera issue 821): every value that
cannot be read becomes NA and one problem message; the rest go on to the checks.

A value no check could accept never gets a type either: a date before 1990 or
beyond what a timestamp holds, a number that is not finite, or one beyond
TYPED_LIMIT. So no later stage (the checks, the warnings, the figures) ever
builds a date or a sum from it. Numbers within it are checked against their
column's limits, or LARGEST_NUMBER, by pipeline.validation.column_checks (where a
personnummer typed as a number is named as one).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pipeline.contract.schema import Column
from pipeline.validation.problems import show_value
from pipeline.validation.text import clean_text, clean_texts, normalize_ids

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?$")

DATE_HELP = "Skriv datumet som ÅÅÅÅ-MM-DD (t.ex. 2023-03-01) eller som ett datum i Excel."
DATE_MIN = pd.Timestamp("1990-01-01")
DATE_MAX = pd.Timestamp.max.normalize()  # the last day a timestamp holds (2262-04-11)
# No count, population or number of hours in a municipality comes near ten million, and
# sums of such numbers stay exact and far inside what the comparison reads (10^15): the
# largest value of a number column that sets no limit of its own.
LARGEST_NUMBER = 10_000_000
TYPED_LIMIT = 2**53  # beyond this a number has no exact whole value, and gets no type
_CLOCK = re.compile(r"^(\d{1,2})[:.](\d{2})$")
_EXAMPLE = re.compile(r"t\.ex\. (\d+(?:,\d+)?)")


def _decimal(number: float) -> str:
    return f"{number:g}".replace(".", ",")


def _bound_text(bound: float | str | None) -> str | None:
    if bound is None:
        return None
    return "rapportåret" if bound == "rapportår" else _decimal(float(bound))


def fix_text(column: Column, value: object = None) -> str:
    """What is allowed in the column, for a value that could not be read: never empty."""
    if column.typ == "datum":
        return DATE_HELP
    if column.typ not in ("heltal", "decimaltal"):
        return f"Skriv {column.namn} som text."
    text = clean_text(str(value)) if value is not None else ""
    clock = _CLOCK.match(text)
    if clock and column.typ == "decimaltal":
        hours = int(clock.group(1)) + int(clock.group(2)) / 60
        return (
            f"Skriv {column.namn} som ett tal med decimalkomma, inte som klockslag: "
            f"{text} blir {_decimal(round(hours, 2))}."
        )
    found = _EXAMPLE.search(column.beskrivning)
    example = found.group(1) if found else ("12" if column.typ == "heltal" else "1,5")
    low, high = _bound_text(column.min), _bound_text(column.max)
    if low is not None and high is not None:
        bounds = [f"från {low} till {high}"]
    else:
        bounds = [f"minst {low}"] if low is not None else []
        bounds += [f"högst {high}"] if high is not None else []
    if column.over is not None:
        bounds.insert(0, f"större än {_decimal(float(column.over))}")
    limits = ", " + " och ".join(bounds) if bounds else ""
    if column.typ == "heltal":
        if _ISO_DATE.match(text) and example.isdigit() and len(example) == 4:
            return f"Skriv bara årtalet med fyra siffror, t.ex. {example}, inte ett helt datum."
        return f"Skriv {column.namn} som ett heltal, bara siffror{limits}, t.ex. {example}."
    return f"Skriv {column.namn} som ett tal (decimalkomma går bra){limits}, t.ex. {example}."


def too_early(value: object) -> tuple[str, str]:
    """A date before DATE_MIN: what was found and what to do."""
    return f"Datumet {show_value(value)} är före {DATE_MIN.year}.", "Kontrollera årtalet."


def in_future(value: object) -> tuple[str, str]:
    """A date after today (pipeline.validation.column_checks) or after any timestamp (here)."""
    return (
        f"Datumet {show_value(value)} ligger i framtiden.",
        "Kontrollera datumet; fyll bara i det som har hänt.",
    )


def limit_text(bound: float) -> str:
    """A limit as a message says it: 12, 2100, 1,5, 10 000 000."""
    if float(bound).is_integer() and abs(bound) >= 10_000:
        return f"{int(bound):,}".replace(",", " ")
    return _decimal(float(bound))


def _out_of_range(value: object, number: float, column: Column) -> tuple[str, str] | None:
    """A number beyond TYPED_LIMIT either way, said as the checks say a value out of range."""
    if number > TYPED_LIMIT:
        high = column.max if column.max is not None else LARGEST_NUMBER
        high_text = "rapportåret" if high == "rapportår" else limit_text(float(high))
        return f"{show_value(value)} är för stort.", f"Största tillåtna värde är {high_text}."
    if number < -TYPED_LIMIT:
        if column.min is None and column.over is not None:
            fix = f"Värdet måste vara större än {_decimal(float(column.over))}."
        else:
            low = column.min if column.min is not None else -LARGEST_NUMBER
            fix = f"Minsta tillåtna värde är {limit_text(float(low))}."
        return f"{show_value(value)} är för litet.", fix
    return None


def _as_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        value = value.isoformat()[:10]
    text = clean_text(str(value))
    return text or None


# What a converter gives: the typed value, or None and (what was found, what to do); a fix
# of None means the column's usual fix (fix_text).
Converted = tuple[object, tuple[str, str | None] | None]


def _in_range(day: dt.date) -> Converted:
    if day < DATE_MIN.date():
        return None, too_early(day)
    if day > DATE_MAX.date():
        return None, in_future(day)
    return pd.Timestamp(day), None


def _as_date(value: object, column: Column) -> Converted:
    if isinstance(value, dt.datetime):
        return _in_range(value.date())
    if isinstance(value, dt.date):
        return _in_range(value)
    if isinstance(value, str):
        text = clean_text(value)
        if _ISO_DATE.match(text):
            try:
                day = dt.date.fromisoformat(text)
            except ValueError:
                return None, (
                    f"'{text}' är inget giltigt datum (dagen eller månaden finns inte).",
                    None,
                )
            return _in_range(day)
        return None, (f"'{text}' är inte ett datum.", None)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return None, (
            f"{value:g} är ett tal, inte ett datum. Cellen saknar kanske datumformat i Excel.",
            None,
        )
    return None, (f"'{value}' är inte ett datum.", None)


def _as_number(value: object, column: Column) -> Converted:
    integer = column.typ == "heltal"
    kind = "ett heltal" if integer else "ett tal"
    if isinstance(value, bool):
        return None, (f"'{value}' är inte {kind}.", None)
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str) and _NUMBER.match(clean_text(value).replace(" ", "")):
        number = float(clean_text(value).replace(" ", "").replace(",", "."))
    else:
        return None, (f"'{_as_text(value)}' är inte {kind}.", None)
    if not math.isfinite(number):  # NaN or infinity, written by another program than Excel
        return None, (f"'{_as_text(value)}' är inte {kind}.", None)
    out_of_range = _out_of_range(value, number, column)
    if out_of_range is not None:
        return None, out_of_range
    if integer:
        if not number.is_integer():
            return None, (f"{str(number).replace('.', ',')} är inte ett heltal.", None)
        return int(number), None
    return number, None


def _converter(column: Column):
    if column.typ == "datum":
        return _as_date
    if column.typ in ("heltal", "decimaltal"):
        return _as_number
    raise ValueError(f"okänd kolumntyp i kontraktet: {column.typ}")


def _texts(values: list, column: Column) -> list:
    """Text cells, cleaned in bulk; choices mapped to the contract's spelling."""
    if all(type(v) is str for v in values):
        texts = [t or None for t in clean_texts(values)]
    else:
        texts = [_as_text(v) if type(v) is not str else (clean_text(v) or None) for v in values]
    if column.typ == "val":
        canonical = {v.casefold(): v for v in column.varden}
        texts = [canonical.get(t.casefold(), t) if t else t for t in texts]
    if column.typ == "id":
        texts = normalize_ids(texts)
    return texts


# Text stays in object columns: pandas' python-backed string dtype tests for NA in a
# Python loop, which costs seconds at a million rows.
DTYPES = {
    "text": object,
    "id": object,
    "val": object,
    "datum": "datetime64[ns]",
    "heltal": "Int64",
    "decimaltal": "Float64",
}


@dataclass
class Coerced:
    values: pd.Series  # typed, indexed by Excel row
    bad: dict[int, str]  # {excel_row: message} for cells that could not be read
    distinct: list  # the distinct typed values (for checks that need each value once)
    fixes: dict[int, str] = field(default_factory=dict)  # {excel_row: what is allowed}
    # Each distinct cell value as read, and what it became (None where it could not be read).
    read: list = field(default_factory=list)
    typed: list = field(default_factory=list)


def coerce_column(raw: pd.Series, column: Column) -> Coerced:
    """Typed values and a message for every cell that could not be read.

    Each distinct cell value is converted once (pd.factorize): a column of
    100 000 dates holds a few hundred distinct days, a choice column a handful
    of values.
    """
    present = raw.dropna()
    codes, uniques = pd.factorize(present.to_numpy(dtype=object), use_na_sentinel=True)
    uniques = uniques.tolist()
    messages: dict[int, str] = {}
    fixes: dict[int, str] = {}
    if column.typ in ("text", "id", "val"):
        converted = _texts(uniques, column)
    else:
        convert = _converter(column)
        converted = []
        for index, value in enumerate(uniques):
            typed_value, rejected = convert(value, column)
            if rejected is not None:
                messages[index] = rejected[0]
                fixes[index] = rejected[1] or fix_text(column, value)
            converted.append(typed_value)
    dtype = DTYPES[column.typ]
    if dtype is object:
        typed_uniques = np.empty(len(converted), dtype=object)
        typed_uniques[:] = converted
        taken = typed_uniques[codes]
    else:
        taken = pd.Series(converted, dtype=object).astype(dtype).array.take(codes)
    typed = pd.Series(taken, index=present.index, dtype=dtype).reindex(raw.index)
    bad: dict[int, str] = {}
    row_fixes: dict[int, str] = {}
    if messages:
        failed = np.isin(codes, list(messages))
        for row, code in zip(present.index[failed], codes[failed], strict=True):
            bad[int(row)] = messages[int(code)]
            row_fixes[int(row)] = fixes[int(code)]
    distinct = [v for v in converted if v is not None]
    return Coerced(typed, bad, distinct, row_fixes, uniques, converted)


def record_spellings(
    spellings: dict[str, str | set[str]],
    read: list,
    keys: list,
    merged: set[str] | None = None,
) -> dict[str, str | set[str]]:
    """`spellings` (ID → how it was written; a set when in more than one way) with a
    column's IDs added: `read` the distinct cell values, `keys` the IDs they became.
    `merged`, when given, gets the IDs that now have a set (so that nobody need look
    through a million IDs for them).

    Built with dicts in C, not row by row: a million IDs take a fraction of a second. A
    set is made only for an ID written in two ways (a million sets would take 230 MB).
    """
    if pd.api.types.infer_dtype(read, skipna=False) == "string":
        written = read
    else:
        written = [value if type(value) is str else str(value) for value in read]
    new = dict(zip(keys, written, strict=True))
    new.pop(None, None)
    twice: dict[str, set[str]] = {}
    if len(new) < len(keys) - keys.count(None):  # an ID written in two ways in the column
        counted = Counter(keys)
        repeated = {key for key, count in counted.items() if count > 1 and key is not None}
        for key, text in zip(keys, written, strict=True):
            if key in repeated:
                twice.setdefault(key, set()).add(text)
    if not spellings and not twice:
        return new  # no ID written in two ways
    changed = {}
    for key in (spellings.keys() & new.keys()) | twice.keys():
        texts = set(twice.get(key, {new[key]}))
        before = spellings.get(key)
        if before is not None:
            texts |= before if isinstance(before, set) else {before}
        changed[key] = texts if len(texts) > 1 else texts.pop()
    spellings.update(new)
    spellings.update(changed)
    if merged is not None:
        merged.update(key for key, texts in changed.items() if isinstance(texts, set))
    return spellings
