"""The coach's three input workbooks written from rows: example, synthetic years and tests."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pipeline.contract import schema as contract
from pipeline.publish.xlsx import write_workbook


def write_input(folder: Path, rows: dict[str, Sequence[Sequence[object]]]) -> list[Path]:
    """The input workbooks, with the contract's headers, from rows per sheet key."""
    known = {s.nyckel for w in contract.workbooks() for s in w.flikar}
    if set(rows) - known:
        raise ValueError(f"okända flikar (nycklar): {sorted(set(rows) - known)}")
    paths = []
    for workbook in contract.workbooks():
        sheets = {s.namn: (contract.headers(s), rows.get(s.nyckel, [])) for s in workbook.flikar}
        paths.append(write_workbook(folder / workbook.fil, sheets))
    return paths
