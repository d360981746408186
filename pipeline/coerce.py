"""Turning raw cell values into typed columns, one contract type at a time.

Coercion is done here rather than by pandera so that a bad value in a column
does not hide that column's other checks (pandera issue 821): every value that
cannot be read becomes NA and one problem message; the rest go on to the checks.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pipeline.contract import Column
from pipeline.text import clean_text, clean_texts, normalize_id

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?$")

DATE_HELP = "Skriv datumet som ÅÅÅÅ-MM-DD (t.ex. 2023-03-01) eller som ett datum i Excel."
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


def _as_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        value = value.isoformat()[:10]
    text = clean_text(str(value))
    return text or None


def _as_date(value: object) -> tuple[object, str | None]:
    if isinstance(value, dt.datetime):
        return pd.Timestamp(value.date()), None
    if isinstance(value, dt.date):
        return pd.Timestamp(value), None
    if isinstance(value, str):
        text = clean_text(value)
        if _ISO_DATE.match(text):
            try:
                return pd.Timestamp(dt.date.fromisoformat(text)), None
            except ValueError:
                return None, f"'{text}' är inget giltigt datum (dagen eller månaden finns inte)."
        return None, f"'{text}' är inte ett datum."
    if isinstance(value, int | float) and not isinstance(value, bool):
        return None, (
            f"{value:g} är ett tal, inte ett datum. Cellen saknar kanske datumformat i Excel."
        )
    return None, f"'{value}' är inte ett datum."


def _as_number(value: object, integer: bool) -> tuple[object, str | None]:
    kind = "ett heltal" if integer else "ett tal"
    if isinstance(value, bool):
        return None, f"'{value}' är inte {kind}."
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str) and _NUMBER.match(clean_text(value).replace(" ", "")):
        number = float(clean_text(value).replace(" ", "").replace(",", "."))
    else:
        return None, f"'{_as_text(value)}' är inte {kind}."
    if integer:
        if not number.is_integer():
            return None, f"{str(number).replace('.', ',')} är inte ett heltal."
        return int(number), None
    return number, None


def _converter(column: Column):
    if column.typ == "datum":
        return _as_date
    if column.typ == "heltal":
        return lambda v: _as_number(v, integer=True)
    if column.typ == "decimaltal":
        return lambda v: _as_number(v, integer=False)
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
        texts = [normalize_id(t) or None if t else t for t in texts]
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
            typed_value, message = convert(value)
            if message is not None:
                messages[index] = message
                fixes[index] = fix_text(column, value)
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
    return Coerced(typed, bad, [v for v in converted if v is not None], row_fixes)
