"""Hälsocenter rapport: Excel in, nyckeltal och Word-rapport ut.

The library's doors, from bytes to bytes: no folder needed and no file written.
The command line's folder jobs (pipeline.report.job) are shells around them; a web
face calls them on uploaded bytes. Importing the package loads nothing heavy: each
door loads what it needs when it is called.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.report.core import Previous, ReportResult


def report_from_workbooks(
    workbooks: Mapping[str, bytes],
    previous: Previous | None = None,
    *,
    today: dt.date | None = None,
    source: str | None = None,
) -> ReportResult:
    """The report from the coach's workbooks: every output as bytes, nothing on disk.

    `workbooks` maps file names to their bytes, e.g. {"remisser.xlsx": b"...", ...}
    (names as the contract spells them; other names are looked at only to say "did
    you mean remisser.xlsx?"). `previous` is last year's key figures, for last year's
    column: the bytes of last year's `<kommun>-<år-1>-nyckeltal.csv`, its KeyFigures, or
    a function `(kommun, year) -> bytes | KeyFigures | None` that finds them once the
    workbooks have said which municipality and year they are. It is used only when
    the workbooks themselves neither have rows in last year nor a line for it in
    Tidigare år, only when it is the same municipality's and exactly last year's, and
    never for a year before Startdatum; a notice says that it was used, or why not.
    Without it, such a year is shown as unknown ("–"), never as 0. `today` fixes
    the date the checks call today; `source` names where the files came from (a
    folder) in the message for a missing one.

    The result (pipeline.report.core.ReportResult) has `.status` (Status.DONE or
    Status.INPUT_ERRORS), `.problems` (every Problem, in the order the command line
    prints them), `.summary()` (the lines it prints), `.figures` (the KeyFigures),
    `.kommun`, `.year`, and `.files`: output file name → bytes, that is
    valideringsrapport.xlsx and, when the input has no errors, the key-figure csv,
    its datapackage.json and the Word report.

    A workbook the size limits refuse raises WorkbookTooLarge, and one whose reader
    dies raises ReaderDied (both FolderProblem: str() is one Swedish line).
    """
    from pipeline.report.core import report_from_workbooks as build

    return build(workbooks, previous, today=today, source=source)
