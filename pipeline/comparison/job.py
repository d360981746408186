"""The comparison as a library: from key-figure files' bytes to the outputs' bytes.

`comparison_from_csvs(files, targets)` is the core: it reads the files (each one's
fate told), computes the measures table once, and makes the workbook, the Word
report, the long csv and its descriptor from it, as bytes. It opens no file for
writing and needs no folder, so a web upload can call it as it is. It is two steps,
each callable alone: `measures_from_csvs` (the files read, the table computed: what
the region's web page shows) and `outputs` (the four files made from that table).

`build_comparison(folder, out)` is the folder job around it: it reads the folder's
*.csv files (malvarden.csv as the targets) and, when at least one municipality of
the county has usable figures, publishes the four files together
(pipeline.publish.folder.publish) under the output folder's lock. Like the
comparison itself it imports nothing that reads workbooks; the command line says
what the result means.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.comparison import reading
from pipeline.comparison import targets as targets_file
from pipeline.comparison.reading import Comparison, FileFate
from pipeline.comparison.table import MeasuresTable
from pipeline.contract import comparison as comparison_layout
from pipeline.progress import stage
from pipeline.publish.folder import FolderProblem, Kept, output_lock, publish, recover


@dataclass(frozen=True)
class ComparisonNames:
    """The outputs' file names for the compared year."""

    year: int

    @property
    def workbook(self) -> str:
        return f"jamforelse-{self.year}.xlsx"

    @property
    def document(self) -> str:
        return f"jamforelse-{self.year}.docx"

    @property
    def long_csv(self) -> str:
        return f"jamforelse-{self.year}.csv"

    @property
    def descriptor(self) -> str:
        return f"jamforelse-{self.year}.datapackage.json"


@dataclass(frozen=True)
class ComparisonResult:
    """What the files held and what was made of them.

    `comparison`: the figures, each file's fate (`fates`), the targets and their
    problems. `table`: the measures table (None when no municipality has usable figures
    for the year). `files`: output name → bytes (workbook, document, long csv,
    descriptor), empty when there was nothing to compare."""

    comparison: Comparison
    table: MeasuresTable | None = None
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def fates(self) -> list[FileFate]:
        return self.comparison.fates

    @property
    def year(self) -> int:
        return self.comparison.year

    @property
    def problems(self) -> bool:
        """A file was wrong or in conflict, or a line of the targets was skipped."""
        return self.comparison.problems()

    @property
    def ok(self) -> bool:
        return bool(self.files) and not self.problems


def measures_from_csvs(
    files: Mapping[str, bytes], targets: bytes | None = None, year: int | None = None
) -> ComparisonResult:
    """The comparison's figures and measures table alone, without the outputs: what a web
    page shows. `comparison_from_csvs` starts from exactly this; renders nothing."""
    from pipeline.comparison import table

    comparison_layout.measures()  # the layout is checked before any file is read
    comparison = reading.load(files, year)
    if targets is not None:
        targets_file.attach(comparison, targets)
    if not comparison.present():
        return ComparisonResult(comparison)
    return ComparisonResult(comparison, table.build(comparison))


def outputs(measured: ComparisonResult) -> dict[str, bytes]:
    """The workbook, the Word report, the long csv and its descriptor, made from a
    measured comparison (empty when it has no table)."""
    from pipeline.comparison import document, long_csv, workbook
    from pipeline.contract import datapackage

    comparison, measures_table = measured.comparison, measured.table
    if measures_table is None:
        return {}
    names = ComparisonNames(comparison.year)
    return {
        names.workbook: workbook.to_bytes(comparison, measures_table),
        names.document: document.render(comparison, measures_table)[0],
        names.long_csv: long_csv.to_bytes(measures_table),
        names.descriptor: datapackage.to_json(datapackage.comparison_descriptor(names.long_csv)),
    }


def comparison_from_csvs(
    files: Mapping[str, bytes], targets: bytes | None = None, year: int | None = None
) -> ComparisonResult:
    """The comparison of key-figure files given by name (`Habo-2024-nyckeltal.csv` → bytes).

    `targets` is malvarden.csv's content, when the region has one; `year` the year to
    compare (default: the latest in the files). Writes nothing anywhere."""
    measured = measures_from_csvs(files, targets, year)
    return ComparisonResult(measured.comparison, measured.table, outputs(measured))


# --- the folder job ------------------------------------------------------------------


@dataclass
class ComparisonRun:
    """A folder job's result: the comparison, and where its files were published."""

    result: ComparisonResult
    written: bool = False
    paths: dict[str, Path] = field(default_factory=dict)  # "arbetsbok", "rapport", "matt", …
    kept: list[Kept] = field(default_factory=list)

    @property
    def comparison(self) -> Comparison:
        return self.result.comparison

    @property
    def ok(self) -> bool:
        return self.written and not self.result.problems


def read_folder(folder: Path) -> tuple[dict[str, bytes], bytes | None]:
    """Every *.csv in the folder by name (hidden files and Office's lock files aside), and
    malvarden.csv's content apart (None without one)."""
    files: dict[str, bytes] = {}
    targets = None
    for path in sorted(folder.glob("*.csv"), key=lambda p: unicodedata.normalize("NFC", p.name)):
        if path.name.startswith((".", "~$")):
            continue
        if path.name.casefold() == targets_file.TARGETS_FILE:
            targets = path.read_bytes()
        else:
            files[path.name] = path.read_bytes()
    return files, targets


def build_comparison(folder: Path, out: Path, year: int | None = None) -> ComparisonRun:
    folder = Path(folder)
    if not folder.is_dir():
        raise FolderProblem(
            f"Mappen {folder} finns inte. Lägg kommunernas nyckeltalsfiler (.csv) där, eller "
            "ange en annan mapp med IN=mapp (--in mapp)."
        )
    comparison_layout.measures()  # the layout is checked before any file is read
    with stage("read", f"Läser nyckeltalsfilerna i {folder} ..."):
        files, targets = read_folder(folder)
    with stage("render", "Skriver jämförelsen ..."):
        result = comparison_from_csvs(files, targets, year)
    run = ComparisonRun(result)
    if not result.files:
        return run
    with output_lock(out):
        recover(out)
        with stage("write"):
            published = publish(out, result.files)
    names = ComparisonNames(result.year)
    run.written = True
    run.kept = published.kept
    run.paths = {
        "arbetsbok": published.paths[names.workbook],
        "rapport": published.paths[names.document],
        "matt": published.paths[names.long_csv],
        "beskrivning": published.paths[names.descriptor],
    }
    return run
