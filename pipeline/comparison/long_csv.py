"""The measures in long format (jamforelse-<år>.csv): a view of the measures table.

One row per municipality with figures, year and measure, with the numerator and the
denominator beside each rate and share, the small-base mark, the rank and the
region's target. Values are rounded to two decimals, halves away from zero (the
numerator and denominator are exact, so an analyst can compute further); text that
begins like a formula is quoted so that Excel shows it and never runs it.
"""

from __future__ import annotations

import csv
import io

from pipeline.comparison.table import Kind, MeasuresTable
from pipeline.comparison.value import Value
from pipeline.contract import schema as contract
from pipeline.contract.comparison import LONG_COLUMNS
from pipeline.contract.formula import formula_start

DECIMALS = 2
# The columns written by _plain or as integers: numbers, never quoted ('-3' is a number).
NUMBERS = ("ar", "varde", "undertryckt", "taljare", "namnare", "liten_bas", "rang", "malvarde")


def _plain(number: float | None) -> str:
    """A number as csv writes it: '.' as the decimal point, no thousands separator."""
    if number is None:
        return ""
    return str(int(number)) if float(number).is_integer() else f"{number}"


def _exact(value: Value, decimals: int | None = None) -> str:
    if not value.exact:
        return ""
    return _plain(value.number if decimals is None else value.rounded(decimals))


def rows(table: MeasuresTable) -> list[dict]:
    """Every measure per municipality and year with figures, in LONG_COLUMNS."""
    result = []
    measures = table.of_kind(Kind.MEASURE)
    for year in table.years:
        for kommun in contract.kommuner():
            for series in measures:
                cell = table.cell(kommun.kod, series.id, year)
                if cell.state is not None:
                    continue
                target = series.target
                result.append(
                    {
                        "kommunkod": cell.kommunkod,
                        "kommun": cell.kommun,
                        "ar": year,
                        "matt": series.id,
                        "varde": _plain(cell.value.rounded(DECIMALS)),
                        "undertryckt": int(cell.value.suppressed),
                        "taljare": _exact(cell.numerator),
                        "namnare": _exact(cell.denominator),
                        "liten_bas": int(cell.small_base),
                        "rang": "" if cell.rank is None else cell.rank,
                        "battre": series.better,
                        "malvarde": _plain(target.malvarde) if target else "",
                        "status": (cell.status or "") if target else "",
                    }
                )
    return result


def csv_text(value: str) -> str:
    """A text field that Excel will show and never run: one that begins with a formula
    character gets a leading apostrophe, as OWASP advises against CSV injection."""
    return f"'{value}" if formula_start(value) else value


def to_bytes(table: MeasuresTable) -> bytes:
    """The long csv; a text field that begins like a formula is quoted."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, LONG_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows(table):
        writer.writerow({k: v if k in NUMBERS else csv_text(str(v)) for k, v in row.items()})
    return buffer.getvalue().encode("utf-8")
