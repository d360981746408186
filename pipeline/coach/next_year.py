"""A new year: next year's verksamhet.xlsx, prepared from this year's.

År + 1; this year's Framtidsplan becomes next year's planned Aktivitet (with
Uppföljning and Framtidsplan empty); the coach's texts are kept as drafts,
marked so that validation warns until they are rewritten.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.coach.blank_workbooks import build
from pipeline.contract import schema as contract
from pipeline.contract.schema import DRAFT_MARKER
from pipeline.publish.xlsx import save_workbook


def next_year_rows(
    uppgifter: dict,
    texter: pd.DataFrame,
    plan: pd.DataFrame,
    tidigare: pd.DataFrame | None = None,
) -> dict:
    """Rows per sheet key of next year's verksamhet.xlsx; Tidigare år is carried over as it is."""
    year = int(uppgifter["ar"])
    sheet = contract.sheet("uppgifter")
    carried = {"ar": year + 1, "styrgruppsmoten": None}
    fields = []
    for field in sheet.falt:
        value = carried.get(field.nyckel, uppgifter.get(field.nyckel))
        if isinstance(value, pd.Timestamp):
            value = value.date()
        fields.append([field.namn, value])
    drafts = [
        _row("texter", avsnitt=avsnitt, text=f"{DRAFT_MARKER} från {year}] {text}")
        for avsnitt, text in texter[["avsnitt", "text"]].itertuples(index=False)
    ]
    planned = [
        _row("plan", fokusomrade=area, aktivitet=f"{aktivitet} ({framtid})")
        for area, aktivitet, framtid in plan[["fokusomrade", "aktivitet", "framtidsplan"]]
        .dropna(subset=["framtidsplan"])
        .itertuples(index=False)
    ]
    columns = [c.nyckel for c in contract.sheet("tidigare_ar").kolumner]
    earlier = [
        _row("tidigare_ar", **{k: None if pd.isna(v) else int(v) for k, v in row.items()})
        for row in (tidigare if tidigare is not None else pd.DataFrame())
        .reindex(columns=columns)
        .to_dict("records")
    ]
    return {"uppgifter": fields, "texter": drafts, "plan": planned, "tidigare_ar": earlier}


def _row(sheet: str, **values) -> list:
    """A row in the order of the sheet's columns, from values named by column key."""
    columns = [c.nyckel for c in contract.sheet(sheet).kolumner]
    unknown = set(values) - set(columns)
    if unknown:
        raise ValueError(f"okända kolumner i {sheet}: {sorted(unknown)}")
    return [values.get(key) for key in columns]


def write_next_year(target: Path, rows: dict) -> Path:
    """The blank verksamhet workbook (drop-downs, instructions) filled with the rows."""
    book = build(contract.workbook("verksamhet"))
    uppgifter = book[contract.sheet("uppgifter").namn]
    for index, (_name, value) in enumerate(rows["uppgifter"], start=2):
        uppgifter.cell(index, 2, value)
    for key in ("texter", "plan", "tidigare_ar"):
        for row in rows[key]:
            book[contract.sheet(key).namn].append(row)
    return save_workbook(book, target)


class NextYearStatus(enum.Enum):
    WRITTEN = "skriven"
    INPUT_ERRORS = "fel i underlaget"  # verksamhet.xlsx has errors: it is built from that file
    EXISTS = "finns redan"  # prepared before, and not to be replaced


@dataclass(frozen=True)
class NextYear:
    """What `prepare_next_year` did; `target` is the file written, or the one left alone."""

    status: NextYearStatus
    target: Path | None = None
    year: int | None = None
    planned: int = 0
    drafts: int = 0


def file_name(kommun: str, year: int) -> str:
    """'Vaggeryd-2024-verksamhet.xlsx': next year's workbook, named for its year."""
    return f"{kommun}-{year}-{contract.workbook('verksamhet').fil}"


def prepare_next_year(
    validation,
    out: Path,
    overwrite: bool = False,
    confirm: Callable[[Path], bool] | None = None,
) -> NextYear:
    """Next year's verksamhet.xlsx in `out`, from this year's checked workbooks.

    `validation` is the check of this year's workbooks (report.job.check's). Nothing is
    written when verksamhet.xlsx has errors, or when the file is there already and neither
    `overwrite` nor `confirm(target)` says to replace it.
    """
    fil = contract.workbook("verksamhet").fil
    if validation.errors_in(fil) or "ar" not in validation.fields:
        return NextYear(NextYearStatus.INPUT_ERRORS)
    year = int(validation.fields["ar"]) + 1
    target = Path(out) / file_name(validation.fields["kommun"], year)
    if target.exists() and not overwrite and not (confirm and confirm(target)):
        return NextYear(NextYearStatus.EXISTS, target, year)
    rows = next_year_rows(
        validation.fields,
        validation.sheet("texter").data,
        validation.sheet("plan").data,
        validation.sheet("tidigare_ar").data,
    )
    write_next_year(target, rows)
    return NextYear(NextYearStatus.WRITTEN, target, year, len(rows["plan"]), len(rows["texter"]))
