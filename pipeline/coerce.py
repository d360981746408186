"""Turning raw cell values into typed columns, one contract type at a time.

Coercion is done here rather than by pandera so that a bad value in a column
does not hide that column's other checks (pandera issue 821): every value that
cannot be read becomes NA and one problem message; the rest go on to the checks.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from pipeline.contract import Column
from pipeline.text import clean_text, clean_texts

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?$")

DATE_HELP = "Skriv datumet som ÅÅÅÅ-MM-DD (t.ex. 2023-03-01) eller som ett datum i Excel."


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


def _texts(values: list, column: Column) -> list[tuple[object, None]]:
    """Text cells, cleaned in bulk; choices mapped to the contract's spelling."""
    strings = [i for i, v in enumerate(values) if type(v) is str]
    cleaned = clean_texts([values[i] for i in strings])
    texts: list = [None] * len(values)
    for i, text in zip(strings, cleaned, strict=True):
        texts[i] = text or None
    for i, value in enumerate(values):
        if type(value) is not str:
            texts[i] = _as_text(value)
    if column.typ == "val":
        canonical = {v.casefold(): v for v in column.varden}
        texts = [canonical.get(t.casefold(), t) if t else t for t in texts]
    return [(t, None) for t in texts]


EMPTY = {
    "text": "string",
    "id": "string",
    "val": "string",
    "datum": "datetime64[ns]",
    "heltal": "Int64",
    "decimaltal": "Float64",
}


def coerce_column(raw: pd.Series, column: Column) -> tuple[pd.Series, dict[int, str]]:
    """Typed values and {excel_row: message} for the cells that could not be read.

    Each distinct cell value is converted once (pd.factorize): a column of
    100 000 dates holds a few hundred distinct days, a choice column a handful
    of values.
    """
    present = raw.dropna()
    codes, uniques = pd.factorize(present.to_numpy(dtype=object), use_na_sentinel=True)
    if column.typ in ("text", "id", "val"):
        results = _texts(list(uniques), column)
    else:
        convert = _converter(column)
        results = [convert(value) for value in uniques]
    failed = np.array([message is not None for _, message in results], dtype=bool)
    converted = [None if message is not None else value for value, message in results]
    dtype = EMPTY[column.typ]
    typed_uniques = pd.Series(converted, dtype=object).astype(dtype)
    typed = pd.Series(typed_uniques.take(codes).array, index=present.index).reindex(raw.index)
    bad: dict[int, str] = {}
    if failed.any():
        for row, code in zip(present.index, codes, strict=True):
            if failed[code]:
                bad[int(row)] = results[code][1]
    return typed, bad
