"""Regional comparison: many municipalities' nyckeltal.csv files side by side.

Files come by e-mail and are opened and saved again in Excel, so they are read
liberally where the meaning is certain (contract, "Key-figure file"). Each file's
fate is told on one line: used, a copy of another, in conflict with another, or
wrong. All 13 municipalities of the county always appear, and a row without
figures says why (`ingen fil`, `fel i filen`, `motstridiga filer`).

Figures become the contract's measures (rates per 1 000 inhabitants, shares,
a median). Hidden counts stay hidden: a share built on one is `..`, and a sum
that includes one is shown only as a lower bound ("≥ 312"). This module reads
only key-figure files: nothing that reads workbooks or personal data.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
import statistics
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.contract import schema as contract
from pipeline.contract.comparison import (
    HIGHER,
    LOWER,
    TARGET_MET,
    TARGET_NEAR,
    TARGET_NOT_MET,
    TIDY_COLUMNS,
    Key,
    Measure,
    ShareGroup,
    measures,
)
from pipeline.contract.formula import formula_start

SUPPRESSED = ".."
MISSING = "–"
NO_FILE = "ingen fil"
BAD_FILE = "fel i filen"
CONFLICT = "motstridiga filer"
TARGETS_FILE = "malvarden.csv"
NEAR_BAND = 0.10  # within 10 % of the target

Pair = tuple[str, int]  # (kommunkod, år)


@dataclass(frozen=True)
class Value:
    """One cell: a number, hidden, a lower bound, or missing (number None)."""

    number: float | None = None
    suppressed: bool = False
    at_least: bool = False  # the number is a lower bound (a hidden count is in the sum)

    @property
    def exact(self) -> bool:
        return self.number is not None and not self.suppressed and not self.at_least


MISSING_VALUE = Value()
HIDDEN = Value(suppressed=True)


# --- reading one file ----------------------------------------------------------------


class FileProblem(ValueError):
    """A file that cannot be used; `claims` are the municipality-years it seemed to hold."""

    def __init__(self, message: str, claims: list[Pair] | None = None):
        super().__init__(message)
        self.claims = claims or []


@dataclass
class Parsed:
    values: dict[Pair, dict[Key, Value]]
    notes: list[str]


def decode(data: bytes) -> tuple[str, list[str]]:
    """Text from UTF-8 (with or without BOM) or Windows-1252, as Swedish Excel saves."""
    notes = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as error:
            raise FileProblem(
                "Filen är ingen csv-textfil (varken UTF-8 eller Windows-1252)."
            ) from error
        notes.append("Windows-1252")
    if "\x00" in text:
        raise FileProblem("Filen är ingen csv-textfil (den innehåller binära tecken).")
    return unicodedata.normalize("NFC", text), notes


def _number(text: str) -> float:
    """'12.5', '12,5' (Swedish Excel) and '1 234' read alike; anything else raises."""
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", text)
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    number = float(cleaned)
    if not math.isfinite(number):
        raise ValueError(text)
    return number


# What a key-figure file can hold (the report writes nothing else): years within the
# contract's range for År, and figures that are finite, with at most two decimals, from 0 up
# to LARGEST_FIGURE. Only a number of days between two dates may be below 0, and no two
# dates a workbook can hold (1990 to 2262) are LARGEST_DAYS apart.
LARGEST_FIGURE = 10**15
LARGEST_DAYS = 100_000
DIFFERENCES = ("vantetid_dagar_median",)  # days from referral to first conversation
RESEND = "Be kommunen skicka filen igen, som programmet skrev den."


def years() -> tuple[int, int]:
    """The first and last report year a file may hold: the contract's limits for År."""
    ar = contract.sheet("uppgifter").column("ar")
    return int(ar.min), int(ar.max)


def _spaced(number: int) -> str:
    return f"{number:,}".replace(",", " ")


def _impossible(number: float, nyckeltal: str) -> str | None:
    """Why a figure cannot come from the program, or None when it can."""
    if nyckeltal in DIFFERENCES:
        if abs(number) > LARGEST_DAYS:
            return f"är fler dagar än {_spaced(LARGEST_DAYS)}, åt något håll"
    elif number < 0:
        return "är mindre än 0"
    elif number > LARGEST_FIGURE:
        return f"är större än {_spaced(LARGEST_FIGURE)}"
    if round(number, 2) != number:
        return "har fler än två decimaler"
    return None


def _claims_from_name(path: Path) -> list[Pair]:
    match = re.match(
        r"(?P<kommun>.+?)-(?P<ar>\d{4})-nyckeltal", unicodedata.normalize("NFC", path.stem)
    )
    found = contract.kommun(match["kommun"]) if match else None
    return [(found.kod, int(match["ar"]))] if found else []


def parse(data: bytes, name: Path | None = None) -> Parsed:
    """The file's values by (kommunkod, år); raises FileProblem with a Swedish message."""
    fmt = contract.key_figure_format()
    text, notes = decode(data)
    first = text.split("\n", 1)[0]
    separator = ";" if first.count(";") > first.count(",") else ","
    if separator == ";":
        notes.append("semikolon som avgränsare")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    header = next(reader, None)
    if not header or not any(h.strip() for h in header):
        raise FileProblem("Filen är tom.", _claims_from_name(name) if name else [])
    header = [h.strip().casefold() for h in header]
    rows = list(reader)
    missing = [c for c in fmt.kolumner if c not in header]
    if missing:
        raise FileProblem(
            f"Kolumner saknas: {', '.join(missing)}. Det här ser inte ut som en nyckeltalsfil.",
            _claims_from_name(name) if name else [],
        )
    index = {c: header.index(c) for c in fmt.kolumner}
    known = {k.kod: k for k in contract.kommuner()}
    values: dict[Pair, dict[Key, Value]] = {}
    decimal_comma = False

    def problem(message: str) -> FileProblem:
        claims = sorted(values) or (_claims_from_name(name) if name else [])
        return FileProblem(message, claims)

    for line_number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        row = row + [""] * (len(header) - len(row))  # Excel drops trailing empty cells
        cell = {c: row[i].strip() for c, i in index.items()}
        version = cell["schema_version"]
        if version != str(fmt.schema_version):
            raise problem(
                f"Rad {line_number}: filen har schema_version {version or '(tom)'}; jämförelsen "
                f"läser version {fmt.schema_version}. Skapa filen på nytt med programmets "
                "senaste version."
            )
        kod = cell["kommunkod"].zfill(4)  # Excel drops the leading zero: 665 is 0665
        if kod not in known:
            raise problem(
                f"Rad {line_number}: okänd kommunkod '{cell['kommunkod']}'. "
                f"Länets kommuner har koderna {min(known)}–{max(known)}."
            )
        if cell["kommun"] and cell["kommun"].casefold() != known[kod].namn.casefold():
            raise problem(
                f"Rad {line_number}: kommunkod {kod} är {known[kod].namn}, inte '{cell['kommun']}'."
            )
        try:
            year_number = _number(cell["ar"])
        except ValueError as error:
            raise problem(f"Rad {line_number}: året '{cell['ar']}' är inte ett tal.") from error
        first_year, last_year = years()
        if not (year_number.is_integer() and first_year <= year_number <= last_year):
            raise problem(
                f"Rad {line_number}: året '{cell['ar']}' är inget möjligt rapportår; "
                f"nyckeltalsfilerna har år från {first_year} till {last_year}. {RESEND}"
            )
        year = int(year_number)
        flag = cell["undertryckt"] or "0"  # empty means 0 (contract)
        if flag not in ("0", "1"):
            raise problem(
                f"Rad {line_number}: undertryckt ska vara 0, 1 eller tomt, inte '{flag}'."
            )
        hidden = flag == "1"
        number = None
        if cell["varde"] and not hidden:
            try:
                number = _number(cell["varde"])
            except ValueError as error:
                raise problem(
                    f"Rad {line_number}: värdet '{cell['varde']}' för {cell['nyckeltal']} är "
                    "inte ett tal."
                ) from error
            why = _impossible(number, cell["nyckeltal"])
            if why is not None:
                raise problem(
                    f"Rad {line_number}: värdet '{cell['varde']}' för {cell['nyckeltal']} {why}; "
                    f"så skriver programmet aldrig ett nyckeltal. {RESEND}"
                )
            decimal_comma = decimal_comma or "," in cell["varde"]
        elif not hidden:
            raise problem(
                f"Rad {line_number}: värde saknas för {cell['nyckeltal']} fast det inte är "
                "undertryckt."
            )
        kategori = cell["kategori"]
        if cell["dimension"] == "manad" and kategori.isdigit():
            kategori = kategori.zfill(2)  # Excel reads 01 as 1
        key = (cell["nyckeltal"], cell["dimension"], kategori)
        values.setdefault((kod, year), {})[key] = HIDDEN if hidden else Value(number)
    if not values:
        raise FileProblem("Filen har inga nyckeltal.", _claims_from_name(name) if name else [])
    if decimal_comma:
        notes.append("decimalkomma")
    return Parsed(values, notes)


# --- many files: copies, conflicts, fates --------------------------------------------


@dataclass
class InputFile:
    path: Path
    sha256: str
    contents: list[Pair] = field(default_factory=list)
    problem: str | None = None
    notes: list[str] = field(default_factory=list)
    used: list[Pair] = field(default_factory=list)
    copy_of: dict[Pair, tuple[str, bool]] = field(default_factory=dict)  # (file, same bytes)
    conflicts: dict[Pair, list[str]] = field(default_factory=dict)

    @property
    def status(self) -> str:
        if self.problem:
            return BAD_FILE
        if self.used:
            return "används"
        if self.conflicts:
            return CONFLICT
        return "kopia"

    def line(self) -> str:
        """The file's fate in one line, for the terminal and the Filer sheet."""
        what = ", ".join(_pair_text(p) for p in self.contents)
        if self.problem:
            return f"{self.path.name}: {BAD_FILE}, används inte. {self.problem}"
        parts = []
        if self.used:
            read = f" Läst som originalet trots {' och '.join(self.notes)}." if self.notes else ""
            parts.append(f"används ({', '.join(_pair_text(p) for p in self.used)}).{read}")
        for pair, (other, same_bytes) in self.copy_of.items():
            kind = "byte för byte" if same_bytes else "samma nyckeltal"
            parts.append(
                f"kopia av {other} för {_pair_text(pair)} ({kind}); den används inte, "
                f"{other} används."
            )
        for pair, others in self.conflicts.items():
            parts.append(
                f"{CONFLICT}: {_pair_text(pair)} finns också i {' och '.join(others)} med andra "
                "värden. Ingen av dem används; ta bort den som är fel och kör igen."
            )
        if not parts:
            parts.append(f"innehåller {what}.")
        return f"{self.path.name}: " + " ".join(parts)


def _pair_text(pair: Pair) -> str:
    return f"{kommun_name(pair[0])} {pair[1]}"


def kommun_name(kod: str) -> str:
    return next(k.namn for k in contract.kommuner() if k.kod == kod)


def _canonical(path: Path, pair: Pair) -> bool:
    return (
        unicodedata.normalize("NFC", path.name) == f"{kommun_name(pair[0])}-{pair[1]}-nyckeltal.csv"
    )


@dataclass(frozen=True)
class Target:
    matt: str
    malvarde: float
    battre: str  # HIGHER or LOWER

    def status(self, value: Value) -> str | None:
        """`uppnått`, `nära` (within 10 % of the target) or `ej uppnått`; None without a value."""
        if not value.exact:
            return None
        number, goal, band = value.number, self.malvarde, abs(self.malvarde) * NEAR_BAND
        if self.battre == HIGHER:
            if number >= goal:
                return TARGET_MET
            return TARGET_NEAR if number >= goal - band else TARGET_NOT_MET
        if number <= goal:
            return TARGET_MET
        return TARGET_NEAR if number <= goal + band else TARGET_NOT_MET


def read_targets(path: Path) -> tuple[dict[str, Target], list[str]]:
    """malvarden.csv: the region's targets; bad lines are reported and skipped."""
    problems: list[str] = []
    try:
        text, _ = decode(path.read_bytes())
    except FileProblem as error:
        return {}, [f"{path.name}: {error} Filen används inte."]
    first = text.split("\n", 1)[0]
    separator = ";" if first.count(";") > first.count(",") else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))
    header = [h.strip().casefold() for h in rows[0]] if rows else []
    wanted = ("matt", "malvarde", "battre")
    if any(c not in header for c in wanted):
        return {}, [
            f"{path.name}: kolumnerna ska vara matt, malvarde och battre. Filen används inte."
        ]
    ids = [m.id for m in measures()]
    targets: dict[str, Target] = {}
    for line_number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        row = row + [""] * (len(header) - len(row))
        matt, malvarde, battre = (row[header.index(c)].strip() for c in wanted)
        where = f"{path.name} rad {line_number}"
        if matt not in ids:
            problems.append(
                f"{where}: okänt mått '{matt}'; raden hoppades över. Måtten är {', '.join(ids)}."
            )
            continue
        try:
            goal = _number(malvarde)
        except ValueError:
            problems.append(
                f"{where}: målvärdet '{malvarde}' är inte ett tal; raden hoppades över."
            )
            continue
        if battre.casefold() not in (HIGHER, LOWER):
            problems.append(
                f"{where}: battre ska vara '{HIGHER}' eller '{LOWER}', inte '{battre}'; raden "
                "hoppades över."
            )
            continue
        if matt in targets:
            problems.append(f"{where}: {matt} har redan ett målvärde; raden hoppades över.")
            continue
        targets[matt] = Target(matt, goal, battre.casefold())
    return targets, problems


@dataclass
class Comparison:
    ar: int
    years: list[int]
    values: dict[Pair, dict[Key, Value]]
    files: list[InputFile]
    states: dict[Pair, str] = field(default_factory=dict)  # why a pair has no figures
    targets: dict[str, Target] = field(default_factory=dict)
    target_problems: list[str] = field(default_factory=list)
    has_targets_file: bool = False

    def has_file(self, kod: str, year: int | None = None) -> bool:
        return (kod, self.year(year)) in self.values

    def year(self, year: int | None) -> int:
        return self.ar if year is None else year

    def state(self, kod: str, year: int | None = None) -> str | None:
        """None when the municipality has figures for the year, else why not."""
        pair = (kod, self.year(year))
        if pair in self.values:
            return None
        return self.states.get(pair, NO_FILE)

    def present(self, year: int | None = None) -> list[contract.Kommun]:
        return [k for k in contract.kommuner() if self.has_file(k.kod, year)]

    def missing(self, year: int | None = None) -> list[contract.Kommun]:
        return [k for k in contract.kommuner() if not self.has_file(k.kod, year)]

    def figure(self, kod: str, key: Key, year: int | None = None) -> Value:
        """A figure of a municipality's file; missing (never 0) when the file lacks it."""
        return self.values.get((kod, self.year(year)), {}).get(key, MISSING_VALUE)

    def inhabitants(self, kod: str, year: int | None = None) -> float | None:
        return self.figure(kod, ("invanare", "", ""), year).number

    def problems(self) -> bool:
        return any(f.problem or f.conflicts for f in self.files) or bool(self.target_problems)


def load(folder: Path, year: int | None = None) -> Comparison:
    """Every *.csv in folder but malvarden.csv, checked; copies and conflicts told apart."""
    files: list[InputFile] = []
    parsed: dict[Path, Parsed] = {}
    states: dict[Pair, str] = {}
    for path in sorted(folder.glob("*.csv"), key=lambda p: unicodedata.normalize("NFC", p.name)):
        if path.name.startswith((".", "~$")) or path.name.casefold() == TARGETS_FILE:
            continue
        data = path.read_bytes()
        entry = InputFile(path, hashlib.sha256(data).hexdigest())
        files.append(entry)
        try:
            parsed[path] = parse(data, path)
        except FileProblem as error:
            entry.problem = str(error)
            entry.contents = error.claims or _claims_from_name(path)
            for pair in entry.contents:
                states[pair] = BAD_FILE
            continue
        entry.contents = sorted(parsed[path].values)
        entry.notes = parsed[path].notes

    owners: dict[Pair, list[InputFile]] = {}
    for entry in files:
        for pair in [] if entry.problem else entry.contents:
            owners.setdefault(pair, []).append(entry)
    values: dict[Pair, dict[Key, Value]] = {}
    for pair, entries in owners.items():
        contents = [parsed[e.path].values[pair] for e in entries]
        if all(c == contents[0] for c in contents):
            keeper = sorted(entries, key=lambda e: (not _canonical(e.path, pair), e.path.name))[0]
            keeper.used.append(pair)
            values[pair] = contents[0]
            for entry in entries:
                if entry is not keeper:
                    entry.copy_of[pair] = (keeper.path.name, entry.sha256 == keeper.sha256)
            continue
        states[pair] = CONFLICT
        for entry in entries:
            entry.conflicts[pair] = [e.path.name for e in entries if e is not entry]

    years = sorted({y for _, y in values})
    chosen = year if year is not None else (years[-1] if years else 0)
    comparison = Comparison(chosen, years, values, files, states)
    targets_path = next(
        (p for p in folder.glob("*.csv") if p.name.casefold() == TARGETS_FILE), None
    )
    if targets_path is not None:
        comparison.has_targets_file = True
        comparison.targets, comparison.target_problems = read_targets(targets_path)
    return comparison


# --- measures, shares and honest aggregates ------------------------------------------


def _sum(parts: list[Value]) -> Value:
    if any(p.number is None and not p.suppressed for p in parts):
        return MISSING_VALUE
    if any(p.suppressed for p in parts):
        return HIDDEN
    return Value(sum(p.number for p in parts))


def measure_value(comparison: Comparison, kod: str, m: Measure, year: int | None = None) -> Value:
    """The measure for one municipality; missing when its file lacks a figure."""
    if m.varde is not None:
        return comparison.figure(kod, m.varde, year)
    numerator = _sum([comparison.figure(kod, k, year) for k in m.taljare])
    denominator = _sum([comparison.figure(kod, k, year) for k in m.namnare])
    return _ratio(numerator, denominator, m.skala)


def _ratio(numerator: Value, denominator: Value, scale: float) -> Value:
    if numerator.suppressed or denominator.suppressed:
        return HIDDEN
    if numerator.number is None or not denominator.number:
        return MISSING_VALUE
    return Value(numerator.number / denominator.number * scale, at_least=numerator.at_least)


def county_sum(comparison: Comparison, key: Key, year: int | None = None) -> Value:
    """The sum over municipalities with a file; a lower bound when a hidden count is in it.

    A hidden count may be 0 (a count can be hidden only to protect another), so the
    bound is the sum of the visible counts. Unknown when a file lacks the figure.
    """
    parts = [comparison.figure(k.kod, key, year) for k in comparison.present(year)]
    if not parts or any(p.number is None and not p.suppressed for p in parts):
        return MISSING_VALUE
    hidden = any(p.suppressed for p in parts)
    return Value(sum(p.number for p in parts if not p.suppressed), at_least=hidden)


def county_measure(comparison: Comparison, m: Measure, year: int | None = None) -> Value:
    """The measure for the municipalities together (a ratio of sums); none for a median."""
    if not m.summable:
        return MISSING_VALUE
    numerator = _sum([county_sum(comparison, k, year) for k in m.taljare])
    denominator = _sum([county_sum(comparison, k, year) for k in m.namnare])
    parts = [county_sum(comparison, k, year) for k in (*m.taljare, *m.namnare)]
    if any(p.at_least for p in parts):
        return HIDDEN  # a bound in the denominator bounds nothing
    return _ratio(numerator, denominator, m.skala)


def mean(values: list[Value]) -> Value:
    """The unweighted mean of the municipalities' values; '..' when one is hidden."""
    if any(v.suppressed for v in values):
        return HIDDEN
    numbers = [v.number for v in values if v.number is not None]
    return Value(statistics.fmean(numbers)) if numbers else MISSING_VALUE


def share(comparison: Comparison, kod: str, group: ShareGroup, kategori: str, year=None) -> Value:
    """A category's share (%) of its breakdown; hidden when its count is hidden."""
    count = comparison.figure(kod, group.key(kategori), year)
    return _ratio(count, _group_total(comparison, kod, group, year), 100)


def _group_total(comparison: Comparison, kod: str, group: ShareGroup, year=None) -> Value:
    if group.total is not None:
        total = comparison.figure(kod, group.total, year)
        if total.number is not None:
            return total
    return _sum([comparison.figure(kod, group.key(c), year) for c in group.categories()])


def county_share(comparison: Comparison, group: ShareGroup, kategori: str, year=None) -> Value:
    """The county's share: a lower bound ("≥ 48,2") when a hidden count is in it."""
    count = county_sum(comparison, group.key(kategori), year)
    totals = [_group_total(comparison, k.kod, group, year) for k in comparison.present(year)]
    total = _sum(totals) if totals else MISSING_VALUE
    return _ratio(count, total, 100)


def county_population(comparison: Comparison, year: int | None = None) -> float | None:
    """The county's inhabitants: each municipality's figure for the year, else its nearest year."""
    target = comparison.year(year)
    total = 0.0
    for kommun in contract.kommuner():
        known = [
            (abs(y - target), -y, comparison.inhabitants(kommun.kod, y))
            for y in comparison.years
            if comparison.inhabitants(kommun.kod, y)
        ]
        if not known:
            return None
        total += min(known)[2]
    return total


def coverage_label(comparison: Comparison, year: int | None = None) -> str:
    """'Summa, 7 av 13 kommuner, 61 % av länets invånare' (the sum row says what it covers)."""
    present = comparison.present(year)
    label = f"Summa, {len(present)} av {len(contract.kommuner())} kommuner"
    county = county_population(comparison, year)
    people = [comparison.inhabitants(k.kod, year) for k in present]
    if county and all(people):
        label += f", {round(sum(people) / county * 100)} % av länets invånare"
    return label


MEAN_LABEL = "Ovägt medel"


# --- trend ---------------------------------------------------------------------------


def change(values: list[Value]) -> Value:
    """The change from the previous year to the last (both exact), else missing."""
    if len(values) < 2 or not (values[-1].exact and values[-2].exact):
        return MISSING_VALUE
    return Value(values[-1].number - values[-2].number)


# --- the tidy export -----------------------------------------------------------------


def tidy_rows(comparison: Comparison) -> list[dict]:
    """Every measure per municipality and year with a file, long format (the csv export)."""
    rows = []
    for year in comparison.years:
        for kommun in comparison.present(year):
            for m in measures():
                value = measure_value(comparison, kommun.kod, m, year)
                target = comparison.targets.get(m.id)
                rows.append(
                    {
                        "kommunkod": kommun.kod,
                        "kommun": kommun.namn,
                        "ar": year,
                        "matt": m.id,
                        "varde": _plain(value.number),
                        "undertryckt": int(value.suppressed),
                        "malvarde": _plain(target.malvarde) if target else "",
                        "battre": target.battre if target else "",
                        "status": (target.status(value) or "") if target else "",
                    }
                )
    return rows


def _plain(number: float | None) -> str:
    if number is None:
        return ""
    rounded = round(number, 2)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded}"


# The columns written by _plain or as integers: numbers, never quoted ('-3' is a number).
TIDY_NUMBERS = ("ar", "varde", "undertryckt", "malvarde")


def csv_text(value: str) -> str:
    """A text field that Excel will show and never run: one that begins with a formula
    character gets a leading apostrophe, as OWASP advises against CSV injection."""
    return f"'{value}" if formula_start(value) else value


def tidy_csv(comparison: Comparison) -> bytes:
    """The measures in long format; a text field that begins like a formula is quoted."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, TIDY_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in tidy_rows(comparison):
        writer.writerow({k: v if k in TIDY_NUMBERS else csv_text(str(v)) for k, v in row.items()})
    return buffer.getvalue().encode("utf-8")
