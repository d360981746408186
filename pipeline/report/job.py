"""The report job on folders: `build_report(raw, out)` and `check(raw, out)` own a whole run.

A thin shell around the core (pipeline.report.core, bytes to bytes): a run takes
the output folder's lock, completes a switch an earlier crash interrupted, skips
the work when nothing changed, hands the workbooks in the input folder to the
core (with last year's key figures from the output folder, when the workbooks
lack that year), and writes every output it got back together
(pipeline.publish.folder.publish), remembering what it wrote. Nothing here
prints: the command line (cli/) says what the result means, and the benchmark and
the tests call these functions directly.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import config
from pipeline.contract import schema as contract
from pipeline.contract.schema import Kommun
from pipeline.progress import stage
from pipeline.publish.folder import FolderProblem, Kept, digest, output_lock, publish, recover
from pipeline.publish.formatting import ord_for
from pipeline.report.core import (
    VALIDATION_REPORT,
    ReportNames,
    ReportResult,
    Status,
    check_workbooks,
    report_from_workbooks,
)

EXAMPLE_FOLDER = "exempel"  # the example's outputs go here, never beside a municipality's

REPORT_GLOB = "*-verksamhetsberattelse.docx"


@dataclass(frozen=True)
class Folders:
    raw: Path
    out: Path
    example: bool = False


@dataclass
class JobResult:
    """What a run did: its status, the validation, the files written and the edits kept."""

    status: Status
    raw: Path
    out: Path
    validation: object | None = None  # pipeline.validation.validate.ValidationResult
    paths: dict[str, Path] = field(default_factory=dict)  # "validation", "key_figures", "report"
    kept: list[Kept] = field(default_factory=list)
    recovered: bool = False

    @property
    def ok(self) -> bool:
        return self.status in (Status.DONE, Status.UNCHANGED)


def _has_workbooks(folder: Path) -> bool:
    return folder.is_dir() and any(
        p.suffix.lower() in (".xlsx", ".xls", ".xlsm", ".ods", ".csv")
        for p in folder.iterdir()
        if not p.name.startswith(("~$", "."))
    )


def _same(a: Path, b: Path) -> bool:
    return Path(a).resolve() == Path(b).resolve()


def choose_folders(raw: Path | None, out: Path) -> Folders:
    """Where to read and write. The shipped example is used only when no folder was named
    (or the default one was) and the default data/raw holds no workbooks; its outputs then
    go to OUT/exempel, never beside a municipality's own."""
    if raw is None or _same(raw, config.RAW):
        if _has_workbooks(config.RAW):
            return Folders(config.RAW, out)
        return Folders(config.EXAMPLE, Path(out) / EXAMPLE_FOLDER, example=True)
    check_raw(raw)
    return Folders(Path(raw), Path(out))


def check_raw(raw: Path) -> None:
    """A FolderProblem, naming a near miss, when the input folder is missing or a file."""
    raw = Path(raw)
    if raw.is_dir():
        return
    if raw.exists():
        raise FolderProblem(
            f"{raw} är en fil, inte en mapp. Ange mappen med arbetsböckerna med RAW=mapp "
            "(--in mapp)."
        )
    parent = raw.parent if raw.parent.is_dir() else None
    siblings = [p.name for p in parent.iterdir() if p.is_dir()] if parent else []
    near = difflib.get_close_matches(raw.name, siblings, n=1, cutoff=0.6)
    hint = f" Menade du {raw.parent / near[0]}?" if near else ""
    count = ord_for(len(contract.files()))
    raise FolderProblem(
        f"Mappen {raw} finns inte.{hint} Ange mappen med de {count} arbetsböckerna med "
        "RAW=mapp (--in mapp); ingenting skrevs."
    )


def _workbooks(raw: Path):
    from pipeline.validation.input_files import Folder

    return Folder(raw)


def _load(report: bool) -> None:
    """What the run needs, imported before it reads anything; then config.settle_imports
    (the command line's garbage collector leaves it alone)."""
    import pipeline.validation.validate  # noqa: F401

    if report:
        import pipeline.figures.aggregate  # noqa: F401
        import pipeline.report.render  # noqa: F401
    config.settle_imports()


def check(raw: Path, out: Path, today: dt.date | None = None) -> JobResult:
    """Validate and write the validation report; no report."""
    check_raw(raw)
    with output_lock(out):
        recovered = recover(out)
        _load(report=False)
        checked = check_workbooks(_workbooks(raw), today=today, source=str(raw))
        with stage("write"):
            published = publish(out, checked.files)
    return _validated_only(checked, raw, out, published, recovered)


def _validated_only(result: ReportResult, raw, out, published, recovered) -> JobResult:
    """A run that wrote only the validation report (a check, or input with errors)."""
    return JobResult(
        result.status,
        raw,
        out,
        result.validation,
        {"validation": published.paths[VALIDATION_REPORT]},
        published.kept,
        recovered,
    )


class LastYear:
    """Last year's key figures from the output folder (`<kommun>-<år>-nyckeltal.csv`), for
    the core to ask for when the workbooks lack that year; remembers what it was asked."""

    def __init__(self, out: Path):
        self.out = Path(out)
        self.asked: dict[str, str | None] = {}  # file name → its SHA-256, None when absent

    def __call__(self, kommun: Kommun, year: int) -> bytes | None:
        name = ReportNames(kommun.namn, year).key_figures
        path = self.out / name
        data = path.read_bytes() if path.is_file() else None
        self.asked[name] = None if data is None else digest(path)
        return data


def build_report(
    raw: Path, out: Path, today: dt.date | None = None, force: bool = True
) -> JobResult:
    """The whole report run: validation report, key figures and Word report, or nothing new."""
    from pipeline.report import unchanged

    check_raw(raw)
    threshold = config.suppression_threshold()
    with output_lock(out):
        recovered = recover(out)
        fingerprint = unchanged.fingerprint(raw, threshold)
        if not force and unchanged.is_current(out, fingerprint):
            return JobResult(Status.UNCHANGED, raw, out, recovered=recovered)
        _load(report=True)
        last_year = LastYear(out)
        result = report_from_workbooks(_workbooks(raw), last_year, today=today, source=str(raw))
        if not result.ok:
            with stage("write"):
                # The last report stays; the next run builds again whatever the input.
                published = publish(out, result.files, {"fingerprint": None})
            return _validated_only(result, raw, out, published, recovered)
        names = result.names
        state = {
            "fingerprint": fingerprint,
            "report": sorted(set(result.files) - {VALIDATION_REPORT}),
            **({"previous": last_year.asked} if last_year.asked else {}),
        }
        with stage("write"):
            published = publish(out, result.files, state)
    return JobResult(
        Status.DONE,
        raw,
        out,
        result.validation,
        {
            "validation": published.paths[VALIDATION_REPORT],
            "key_figures": published.paths[names.key_figures],
            "report": published.paths[names.report],
        },
        published.kept,
        recovered,
    )
