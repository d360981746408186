"""Benchmark inputs: one year of synthetic data with exactly N attendance rows.

Written with openpyxl's write-only mode (the ordinary writer needs minutes and
gigabytes at a million rows). Files go to bench/data/<N>/ and are reused.
"""

from __future__ import annotations

import datetime as dt
import sys
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


def inputs(rows: int, kommun: str = "Jönköping", year: int = 2023) -> Path:
    """The folder with the three workbooks for `rows` attendance rows (made once)."""
    folder = DATA / str(rows)
    marker = folder / f".klar-{VERSION}"
    if marker.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    data = synthetic.generate(kommun, year, seed=1, narvaro_rader=rows)
    for workbook in contract.workbooks():
        _write(
            folder / workbook.fil,
            {s.namn: (contract.headers(s), data.get(s.nyckel, [])) for s in workbook.flikar},
        )
    marker.touch()
    return folder


if __name__ == "__main__":
    for size in sys.argv[1:]:
        print(inputs(int(size)))
