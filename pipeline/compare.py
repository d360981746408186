"""Regional comparison: many municipalities' nyckeltal.csv files side by side.

Files are checked one by one; a file with a problem is reported and skipped,
the rest are compared. All 13 municipalities of the county always appear: one
without a file for the year is shown as missing, never dropped. Suppressed
values stay suppressed (`..`), and so does any total or mean they would enter.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from pipeline import config, contract
from pipeline.contract import categories

SUPPRESSED = ".."
NO_FILE = "ingen fil"


@dataclass
class InputFile:
    path: Path
    sha256: str
    contents: list[tuple[str, int]] = field(default_factory=list)  # (kommunkod, år)
    problem: str | None = None

    @property
    def used(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class FigureColumn:
    nyckeltal: str
    dimension: str
    kategori: str
    rubrik: str
    per_1000: bool = False


@dataclass(frozen=True)
class Value:
    """One cell: a number, suppressed, or not reported."""

    number: float | None = None
    suppressed: bool = False

    def shown(self):
        return SUPPRESSED if self.suppressed else self.number


@dataclass
class Comparison:
    ar: int
    years: list[int]
    # values[(kommunkod, år)][(nyckeltal, dimension, kategori)] = Value
    values: dict[tuple[str, int], dict[tuple[str, str, str], Value]]
    files: list[InputFile]

    def has_file(self, kod: str, year: int | None = None) -> bool:
        return (kod, self.ar if year is None else year) in self.values

    def missing(self) -> list[contract.Kommun]:
        return [k for k in contract.kommuner() if not self.has_file(k.kod)]

    def value(self, kod: str, column: FigureColumn, year: int | None = None) -> Value | None:
        """The cell for a municipality (None when it has no file for the year)."""
        figures = self.values.get((kod, self.ar if year is None else year))
        if figures is None:
            return None
        found = figures.get((column.nyckeltal, column.dimension, column.kategori), Value())
        if not column.per_1000:
            return found
        inhabitants = figures.get(("invanare", "", ""), Value()).number
        if found.suppressed:
            return found
        if found.number is None or not inhabitants:
            return Value()
        return Value(found.number / inhabitants * 1000)


@cache
def layout() -> dict:
    with (config.SCHEMAS / "jamforelse.yaml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _columns(specs: list[dict]) -> list[FigureColumn]:
    columns = []
    for spec in specs:
        dimension = spec.get("dimension", "")
        kategorier = categories(dimension) if spec.get("kategorier") == "alla" else [""]
        for kategori in kategorier:
            rubrik = spec["rubrik"].format(kategori=kategori)
            columns.append(FigureColumn(spec["nyckeltal"], dimension, kategori, rubrik))
            if spec.get("per_1000"):
                columns.append(
                    FigureColumn(
                        spec["nyckeltal"],
                        dimension,
                        kategori,
                        f"{rubrik} per 1 000 inv.",
                        per_1000=True,
                    )
                )
    return columns


def themes() -> list[tuple[str, list[FigureColumn]]]:
    return [(theme["namn"], _columns(theme["kolumner"])) for theme in layout()["teman"]]


def chart_columns() -> list[FigureColumn]:
    return [
        FigureColumn(s["nyckeltal"], "", "", s["rubrik"], bool(s.get("per_1000")))
        for s in layout()["diagram"]
    ]


def trend_column() -> FigureColumn:
    spec = layout()["trend"]
    return FigureColumn(spec["nyckeltal"], "", "", spec["rubrik"], bool(spec.get("per_1000")))


# --- reading and checking the files ----------------------------------------------


def _parse(text: str, fmt) -> tuple[dict, list[tuple[str, int]]]:
    """The file's values by (kommunkod, år); raises ValueError with a Swedish message."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise ValueError("Filen är tom.")
    header = [h.strip().lstrip("\ufeff") for h in header]
    if "schema_version" in header:
        position = header.index("schema_version")
        rows = list(reader)
        versions = {r[position].strip() for r in rows if len(r) > position}
        wrong = sorted(v for v in versions if v != str(fmt.schema_version))
        if wrong:
            raise ValueError(
                f"Filen har schema_version {', '.join(wrong)}; jämförelsen läser "
                f"version {fmt.schema_version}. Skapa filen på nytt med "
                "programmets senaste version."
            )
    else:
        rows = list(reader)
    missing = [c for c in fmt.kolumner if c not in header]
    if missing:
        raise ValueError(
            f"Kolumner saknas: {', '.join(missing)}. Det här ser inte ut som en nyckeltalsfil."
        )
    index = {c: header.index(c) for c in fmt.kolumner}
    known = {k.kod: k for k in contract.kommuner()}
    values: dict = {}
    for line_number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            raise ValueError(f"Rad {line_number} har för få kolumner.")
        cell = {c: row[i].strip() for c, i in index.items()}
        kod = cell["kommunkod"].zfill(4)
        if kod not in known:
            raise ValueError(
                f"Rad {line_number}: okänd kommunkod '{cell['kommunkod']}'. "
                "Länets kommuner har koderna 0604–0687."
            )
        if cell["kommun"] and cell["kommun"].casefold() != known[kod].namn.casefold():
            raise ValueError(
                f"Rad {line_number}: kommunkod {kod} är {known[kod].namn}, inte '{cell['kommun']}'."
            )
        try:
            year = int(cell["ar"])
        except ValueError as error:
            raise ValueError(f"Rad {line_number}: året '{cell['ar']}' är inte ett tal.") from error
        hidden = cell["undertryckt"] == "1"
        if cell["undertryckt"] not in ("0", "1"):
            raise ValueError(
                f"Rad {line_number}: undertryckt ska vara 0 eller 1, inte '{cell['undertryckt']}'."
            )
        number = None
        if cell["varde"]:
            try:
                number = float(cell["varde"])
            except ValueError as error:
                raise ValueError(
                    f"Rad {line_number}: värdet '{cell['varde']}' för "
                    f"{cell['nyckeltal']} är inte ett tal."
                ) from error
            if not math.isfinite(number):
                raise ValueError(f"Rad {line_number}: värdet '{cell['varde']}' är inte ett tal.")
        elif not hidden:
            raise ValueError(
                f"Rad {line_number}: värde saknas för {cell['nyckeltal']} fast det "
                "inte är undertryckt."
            )
        key = (cell["nyckeltal"], cell["dimension"], cell["kategori"])
        values.setdefault((kod, year), {})[key] = Value(None if hidden else number, hidden)
    if not values:
        raise ValueError("Filen har inga nyckeltal.")
    return values, sorted(values)


def load(folder: Path, year: int | None = None) -> Comparison:
    """All *.csv files in folder, checked; duplicates of a municipality and year are refused."""
    fmt = contract.key_figure_format()
    files: list[InputFile] = []
    parsed: dict[Path, dict] = {}
    for path in sorted(folder.glob("*.csv")):
        if path.name.startswith((".", "~$")):
            continue
        data = path.read_bytes()
        entry = InputFile(path, hashlib.sha256(data).hexdigest())
        files.append(entry)
        try:
            text = data.decode("utf-8-sig")
            parsed[path], entry.contents = _parse(text, fmt)
        except UnicodeDecodeError:
            entry.problem = "Filen är inte sparad som UTF-8 text."
        except ValueError as error:
            entry.problem = str(error)

    owners: dict[tuple[str, int], list[InputFile]] = {}
    for entry in files:
        for pair in entry.contents if entry.used else []:
            owners.setdefault(pair, []).append(entry)
    for (kod, year_of), entries in owners.items():
        if len(entries) > 1:
            name = next(k.namn for k in contract.kommuner() if k.kod == kod)
            names = " och ".join(e.path.name for e in entries)
            for entry in entries:
                entry.problem = (
                    f"{name} {year_of} finns i flera filer: {names}. Ingen av dem "
                    "används; ta bort den som är fel."
                )

    values: dict = {}
    for entry in files:
        if entry.used:
            values.update(parsed[entry.path])
    years = sorted({y for _, y in values})
    chosen = year if year is not None else (years[-1] if years else 0)
    return Comparison(chosen, years, values, files)


# --- tables -----------------------------------------------------------------------


@dataclass
class Row:
    kod: str
    namn: str
    invanare: float | None
    cells: list  # number, SUPPRESSED or None
    missing: bool = False


def rows(comparison: Comparison, columns: list[FigureColumn], year: int | None = None):
    """One row per municipality of the county, in kommunkod order."""
    result = []
    inhabitants = FigureColumn("invanare", "", "", "Invånare")
    for kommun in contract.kommuner():
        if not comparison.has_file(kommun.kod, year):
            result.append(Row(kommun.kod, kommun.namn, None, [None] * len(columns), True))
            continue
        cells = [comparison.value(kommun.kod, c, year).shown() for c in columns]
        result.append(
            Row(
                kommun.kod,
                kommun.namn,
                comparison.value(kommun.kod, inhabitants, year).number,
                cells,
            )
        )
    return result


def _base(column: FigureColumn) -> FigureColumn:
    return FigureColumn(column.nyckeltal, column.dimension, column.kategori, column.rubrik)


def county_total(comparison: Comparison, column: FigureColumn, year: int | None = None):
    """The county's sum (or rate per 1 000 over the summed population); '..' if any is hidden."""
    present = [k.kod for k in contract.kommuner() if comparison.has_file(k.kod, year)]
    base = [comparison.value(kod, _base(column), year) for kod in present]
    if any(v.suppressed for v in base):
        return SUPPRESSED
    if not column.per_1000:
        numbers = [v.number for v in base if v.number is not None]
        return sum(numbers) if numbers else None
    inhabitants = FigureColumn("invanare", "", "", "Invånare")
    pairs = [
        (v.number, comparison.value(kod, inhabitants, year).number)
        for kod, v in zip(present, base, strict=True)
    ]
    pairs = [(v, i) for v, i in pairs if v is not None and i]
    if not pairs:
        return None
    return sum(v for v, _ in pairs) / sum(i for _, i in pairs) * 1000


def unweighted_mean(comparison: Comparison, column: FigureColumn, year: int | None = None):
    """The mean over municipalities with a value, each counting once; '..' if any is hidden."""
    present = [k.kod for k in contract.kommuner() if comparison.has_file(k.kod, year)]
    values = [comparison.value(kod, column, year) for kod in present]
    if any(v.suppressed for v in values):
        return SUPPRESSED
    numbers = [v.number for v in values if v.number is not None]
    return sum(numbers) / len(numbers) if numbers else None
