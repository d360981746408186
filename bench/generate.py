"""Benchmark inputs: one year of synthetic data with exactly N attendance rows.

Written with openpyxl's write-only mode (the ordinary writer needs minutes and
gigabytes at a million rows). Files go to bench/data/<N>/ and are reused.

Two kinds of attendance: the worst case, where 97 % of the attendance rows have an ID
of their own (bench/data/<N>/), and attendance as real groups have it, each participant
at about twenty sessions of one activity (bench/data/<N>-upprepade/). And the realistic
year: `halsocenter exempel --kommun Jönköping --ar 2023` (bench/data/exempel-…/).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import defaultdict
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from pipeline.coach import synthetic
from pipeline.contract import schema as contract

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data"
VERSION = "3"  # bump when the generator changes, so old inputs are rebuilt


def _write(path: Path, sheets: dict[str, tuple[list[str], list[list]]]) -> None:
    book = Workbook(write_only=True)
    for name, (header, rows) in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(header)
        for row in rows:
            cells = []
            for value in row:
                if isinstance(value, dt.date):
                    cell = WriteOnlyCell(sheet, value)
                    cell.number_format = "yyyy-mm-dd"
                    cells.append(cell)
                else:
                    cells.append(value)
            sheet.append(cells)
    tmp = path.with_suffix(".tmp")
    book.save(tmp)
    tmp.replace(path)


SESSIONS_PER_PARTICIPANT = 20


def repeat_people(rows: list[list]) -> list[list]:
    """Attendance as real groups have it: each participant comes to about twenty sessions
    of one activity, and never twice to one session. The rows' IDs are renamed; dates,
    activities and hours stay."""
    sessions: dict[str, dict[object, int]] = defaultdict(lambda: defaultdict(int))
    for day, activity, person, *_ in rows:
        if person is not None:
            sessions[activity][day] += 1
    roster = {
        activity: max(max(days.values()), sum(days.values()) // SESSIONS_PER_PARTICIPANT)
        for activity, days in sessions.items()
    }
    start: dict[str, int] = defaultdict(int)  # where the next session's roll call begins
    seat: dict[tuple[str, object], int] = defaultdict(int)
    renamed = []
    for day, activity, person, *rest in rows:
        if person is not None:
            if seat[(activity, day)] == 0:
                start[activity] += sessions[activity][day]
            index = (start[activity] + seat[(activity, day)]) % roster[activity]
            seat[(activity, day)] += 1
            person = f"D-{activity[:3].upper()}-{index:06d}"
        renamed.append([day, activity, person, *rest])
    return renamed


def realistic(kommun: str = "Jönköping", year: int = 2023) -> Path:
    """The folder `halsocenter exempel --kommun Jönköping --ar 2023` writes (made once): a
    large municipality's year, about 10 000 attendance rows, as the program writes it."""
    folder = DATA / f"exempel-{kommun}-{year}"
    marker = folder / f".klar-{VERSION}"
    if not marker.exists():
        synthetic.write(folder, kommun, year, seed=1)
        marker.touch()
    return folder


def inputs(rows: int, kommun: str = "Jönköping", year: int = 2023, repeated: bool = False) -> Path:
    """The folder with the three workbooks for `rows` attendance rows (made once); with
    `repeated`, participants come back as in real groups (repeat_people)."""
    folder = DATA / (f"{rows}-upprepade" if repeated else str(rows))
    marker = folder / f".klar-{VERSION}"
    if marker.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    data = synthetic.generate(kommun, year, seed=1, narvaro_rader=rows)
    if repeated:
        data["narvaro"] = repeat_people(data["narvaro"])
    for workbook in contract.workbooks():
        _write(
            folder / workbook.fil,
            {s.namn: (contract.headers(s), data.get(s.nyckel, [])) for s in workbook.flikar},
        )
    marker.touch()
    return folder


if __name__ == "__main__":
    for size in sys.argv[1:]:
        print(inputs(int(size.removesuffix("u")), repeated=size.endswith("u")))
