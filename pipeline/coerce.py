"""Turning raw cell values into typed columns, one contract type at a time.

Coercion is done here rather than by pandera so that a bad value in a column
does not hide that column's other checks (pandera issue 821): every value that
cannot be read becomes NA and one problem message; the rest go on to the checks.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from pipeline.contract import Column
from pipeline.text import clean_text

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


def coerce_column(raw: pd.Series, column: Column) -> tuple[pd.Series, dict[int, str]]:
    """Typed values and {excel_row: message} for the cells that could not be read."""
    bad: dict[int, str] = {}
    present = raw.dropna()
    if column.typ in ("text", "id", "val"):
        values = present.map(_as_text)
        if column.typ == "val":
            canonical = {v.casefold(): v for v in column.varden}
            values = values.map(lambda v: canonical.get(v.casefold(), v) if v else v)
        typed = pd.Series(pd.NA, index=raw.index, dtype="object")
        typed[values.index] = values.where(values.notna(), pd.NA)
        return typed.astype("string"), bad

    if column.typ == "datum":
        typed = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
        converter = _as_date
    elif column.typ == "heltal":
        typed = pd.Series(pd.NA, index=raw.index, dtype="Int64")
        converter = lambda v: _as_number(v, integer=True)  # noqa: E731
    elif column.typ == "decimaltal":
        typed = pd.Series(pd.NA, index=raw.index, dtype="Float64")
        converter = lambda v: _as_number(v, integer=False)  # noqa: E731
    else:
        raise ValueError(f"okänd kolumntyp i kontraktet: {column.typ}")

    results = [converter(v) for v in present]
    good_index = [i for i, (_, m) in zip(present.index, results, strict=True) if m is None]
    good_values = [v for v, m in results if m is None]
    for row, (_, message) in zip(present.index, results, strict=True):
        if message is not None:
            bad[int(row)] = message
    if good_index:
        typed[good_index] = good_values
    return typed, bad
