"""The report job as a library: `build_report(raw, out)` and `check(raw, out)` own a whole run.

A run takes the output folder's lock, completes a switch an earlier crash
interrupted, skips the work when nothing changed, validates, computes this
year's and last year's key figures, renders the report and writes every output
together (pipeline.publish.folder.publish), remembering what it wrote. Output names are
built here and nowhere else. Nothing here prints: the command line (cli.py)
says what the result means, and the benchmark and the tests call these
functions directly.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import config
from pipeline.contract import schema as contract
from pipeline.progress import stage
from pipeline.publish.folder import FolderProblem, Kept, output_lock, publish, recover
from pipeline.publish.formatting import ord_for

VALIDATION_REPORT = "valideringsrapport.xlsx"
EXAMPLE_FOLDER = "exempel"  # the example's outputs go here, never beside a municipality's

KLAR = "klar"
AKTUELL = "aktuell"
FEL_I_UNDERLAGET = "fel i underlaget"


@dataclass(frozen=True)
class ReportNames:
    """The names of one municipality's outputs for one year."""

    kommun: str
    ar: int

    @property
    def nyckeltal(self) -> str:
        return f"{self.kommun}-{self.ar}-nyckeltal.csv"

    @property
    def rapport(self) -> str:
        return f"{self.kommun}-{self.ar}-verksamhetsberattelse.docx"

    @property
    def nasta_ars_verksamhet(self) -> str:
        return f"{self.kommun}-{self.ar + 1}-{contract.workbook('verksamhet').fil}"


REPORT_GLOB = "*-verksamhetsberattelse.docx"


@dataclass(frozen=True)
class Folders:
    raw: Path
    out: Path
    example: bool = False


@dataclass
class JobResult:
    """What a run did: its status, the validation, the files written and the edits kept."""

    status: str
    raw: Path
    out: Path
    validation: object | None = None  # pipeline.validation.validate.ValidationResult
    paths: dict[str, Path] = field(default_factory=dict)  # "validering", "nyckeltal", "rapport"
    kept: list[Kept] = field(default_factory=list)
    recovered: bool = False

    @property
    def ok(self) -> bool:
        return self.status in (KLAR, AKTUELL)


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


def _validate(raw: Path, today: dt.date | None):
    from pipeline.validation.validate import validate

    with stage("validate_total", f"Läser och kontrollerar arbetsböckerna i {raw} ..."):
        return validate(raw, today=today)


def _validation_bytes(validation) -> bytes:
    from pipeline.validation.report import validation_report

    return validation_report(validation.problems, validation.sheets)


def check(raw: Path, out: Path, today: dt.date | None = None) -> JobResult:
    """Validate and write the validation report; no report."""
    check_raw(raw)
    with output_lock(out):
        recovered = recover(out)
        validation = _validate(raw, today)
        with stage("write"):
            published = publish(out, {VALIDATION_REPORT: _validation_bytes(validation)})
    status = KLAR if validation.ok else FEL_I_UNDERLAGET
    return _validated_only(status, raw, out, validation, published, recovered)


def _validated_only(status, raw, out, validation, published, recovered) -> JobResult:
    """A run that wrote only the validation report (a check, or input with errors)."""
    return JobResult(
        status,
        raw,
        out,
        validation,
        {"validering": published.paths[VALIDATION_REPORT]},
        published.kept,
        recovered,
    )


def build_report(
    raw: Path, out: Path, today: dt.date | None = None, force: bool = True
) -> JobResult:
    """The whole report run: validation report, key figures and Word report, or nothing new."""
    from pipeline.contract import datapackage
    from pipeline.figures import aggregate
    from pipeline.report import render, unchanged

    check_raw(raw)
    threshold = config.suppression_threshold()
    with output_lock(out):
        recovered = recover(out)
        fingerprint = unchanged.fingerprint(raw, threshold)
        if not force and unchanged.is_current(out, fingerprint):
            return JobResult(AKTUELL, raw, out, recovered=recovered)
        validation = _validate(raw, today)
        files = {VALIDATION_REPORT: _validation_bytes(validation)}
        if not validation.ok:
            with stage("write"):
                # The last report stays; the next run builds again whatever the input.
                published = publish(out, files, {"fingerprint": None})
            return _validated_only(FEL_I_UNDERLAGET, raw, out, validation, published, recovered)
        dataset = validation.dataset
        names = ReportNames(dataset.kommun.namn, dataset.ar)
        with stage("aggregate", f"Räknar nyckeltal för {dataset.kommun.namn} {dataset.ar} ..."):
            figures = aggregate.compute(dataset, threshold=threshold)
            previous = aggregate.previous_year(dataset, threshold=threshold)
            files[names.nyckeltal] = aggregate.to_csv(figures).encode("utf-8")
            # A Table Schema / Data Package descriptor beside it, for standard tools.
            descriptor = datapackage.descriptor_path(Path(names.nyckeltal)).name
            files[descriptor] = datapackage.to_json(
                datapackage.key_figure_descriptor(names.nyckeltal)
            )
        with stage("render", "Skriver Word-rapporten ..."):
            files[names.rapport] = render.render(
                dataset, figures, previous, threshold=threshold
            ).docx
        with stage("write"):
            published = publish(
                out,
                files,
                {"fingerprint": fingerprint, "report": sorted(set(files) - {VALIDATION_REPORT})},
            )
    return JobResult(
        KLAR,
        raw,
        out,
        validation,
        {
            "validering": published.paths[VALIDATION_REPORT],
            "nyckeltal": published.paths[names.nyckeltal],
            "rapport": published.paths[names.rapport],
        },
        published.kept,
        recovered,
    )
