"""The comparison job as a library: `build_comparison(folder, out)` owns a whole run.

It reads the key-figure files, and when at least one municipality of the county
has usable figures writes the workbook, the Word report, the tidy csv and its
descriptor together (pipeline.publish.folder.publish) under the output folder's lock.
Output names are built here. Like the comparison itself it imports nothing that
reads workbooks; the command line (cli.py) says what the result means.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.contract import comparison as comparison_layout
from pipeline.contract import schema as contract
from pipeline.progress import stage
from pipeline.publish.folder import FolderProblem, Kept, output_lock, publish, recover


@dataclass(frozen=True)
class ComparisonNames:
    ar: int

    @property
    def arbetsbok(self) -> str:
        return f"jamforelse-{self.ar}.xlsx"

    @property
    def rapport(self) -> str:
        return f"jamforelse-{self.ar}.docx"

    @property
    def matt(self) -> str:
        return f"jamforelse-{self.ar}.csv"


@dataclass
class ComparisonResult:
    comparison: object  # pipeline.comparison.compare.Comparison
    written: bool = False
    paths: dict[str, Path] = field(default_factory=dict)  # "arbetsbok", "rapport", "matt", …
    kept: list[Kept] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.written and not self.comparison.problems()


def build_comparison(folder: Path, out: Path, year: int | None = None) -> ComparisonResult:
    from pipeline.comparison import compare
    from pipeline.comparison import document as compare_docx
    from pipeline.comparison import workbook as compare_xlsx
    from pipeline.contract import datapackage

    folder = Path(folder)
    if not folder.is_dir():
        raise FolderProblem(
            f"Mappen {folder} finns inte. Lägg kommunernas nyckeltalsfiler (.csv) där, eller "
            "ange en annan mapp med IN=mapp (--in mapp)."
        )
    # The layout is checked against the contract before any file is read.
    comparison_layout.measures()
    with stage("read", f"Läser nyckeltalsfilerna i {folder} ..."):
        comparison = compare.load(folder, year)
    result = ComparisonResult(comparison)
    if not any(comparison.has_file(k.kod) for k in contract.kommuner()):
        return result
    names = ComparisonNames(comparison.ar)
    with stage("render", "Skriver jämförelsen ..."):
        with tempfile.TemporaryDirectory() as scratch:  # the workbook writer wants a path
            workbook = compare_xlsx.write(Path(scratch) / names.arbetsbok, comparison)
            made = {names.arbetsbok: workbook.read_bytes()}
        made[names.rapport] = compare_docx.render(comparison)[0]
        made[names.matt] = compare.tidy_csv(comparison)
        descriptor = datapackage.descriptor_path(Path(out) / names.matt).name
        made[descriptor] = datapackage.to_json(datapackage.comparison_descriptor(names.matt))
    with output_lock(out):
        recover(out)
        with stage("write"):
            published = publish(out, made)
    result.written = True
    result.kept = published.kept
    result.paths = {
        "arbetsbok": published.paths[names.arbetsbok],
        "rapport": published.paths[names.rapport],
        "matt": published.paths[names.matt],
        "beskrivning": published.paths[descriptor],
    }
    return result
