"""Hälsocenter rapport: Excel in, nyckeltal och Word-rapport ut.

The library's doors, from bytes to bytes: no folder needed and no file written.

- `report_from_workbooks(workbooks, previous=None)`: the report (pipeline.report.core);
  `check_workbooks(workbooks)`: the validation alone. Each gives a `ReportResult`.
- `comparison_from_csvs(files, targets=None)`: the regional comparison
  (pipeline.comparison.job), a `ComparisonResult`.

The command line's folder jobs are shells around them; a web face calls them on
uploaded bytes. Importing the package loads nothing heavy: a door loads what it needs
when it is first asked for.
"""

from __future__ import annotations

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without loading typing (a quick --help)
if TYPE_CHECKING:
    from pipeline.comparison.job import ComparisonResult, comparison_from_csvs
    from pipeline.report.core import ReportResult, Status, check_workbooks, report_from_workbooks

_REPORT = ("ReportResult", "Status", "check_workbooks", "report_from_workbooks")
_COMPARISON = ("ComparisonResult", "comparison_from_csvs")
__all__ = [
    "ComparisonResult",
    "ReportResult",
    "Status",
    "check_workbooks",
    "comparison_from_csvs",
    "report_from_workbooks",
]


def __getattr__(name: str):
    if name in _REPORT:
        from pipeline.report import core

        return getattr(core, name)
    if name in _COMPARISON:
        from pipeline.comparison import job

        return getattr(job, name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
