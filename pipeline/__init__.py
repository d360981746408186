"""Hälsocenter rapport: Excel in, nyckeltal och Word-rapport ut.

The library's doors, from bytes to bytes: no folder needed and no file written.

- `report_from_workbooks(workbooks, previous=None)`: the report (pipeline.report.core);
  `check_workbooks(workbooks)`: the validation alone. Each gives a `ReportResult`.

The command line's folder jobs (pipeline.report.job) are shells around them; a web
face calls them on uploaded bytes. Importing the package loads nothing heavy: a door
loads what it needs when it is first asked for.
"""

from __future__ import annotations

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without loading typing (a quick --help)
if TYPE_CHECKING:
    from pipeline.report.core import ReportResult, Status, check_workbooks, report_from_workbooks

__all__ = ["ReportResult", "Status", "check_workbooks", "report_from_workbooks"]


def __getattr__(name: str):
    if name in ("ReportResult", "Status", "check_workbooks", "report_from_workbooks"):
        from pipeline.report import core

        return getattr(core, name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
