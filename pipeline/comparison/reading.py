"""Reading many municipalities' nyckeltal.csv files: liberally, and each file's fate told.

Files come by e-mail and are opened and saved again in Excel, so they are read
liberally where the meaning is certain (contract, "Key-figure file"). Each file's
fate is told on one line: used, a copy of another, in conflict with another, or
wrong. All 13 municipalities of the county always appear, and a municipality without
figures says why (`ingen fil`, `fel i filen`, `motstridiga filer`). Works on bytes by
name: nothing here opens a file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from pipeline.comparison.value import HIDDEN, MISSING_VALUE, Target, Value
from pipeline.contract import schema as contract
from pipeline.contract.comparison import Key

Pair = tuple[str, int]  # (kommunkod, år)


class FileStatus(StrEnum):
    """What became of one file (the Filer sheet's Status)."""

    USED = "används"
    COPY = "kopia"
    CONFLICT = "motstridiga filer"
    BAD = "fel i filen"


class NoFigures(StrEnum):
    """Why a municipality has no figures for a year."""

    NO_FILE = "ingen fil"
    BAD_FILE = "fel i filen"
    CONFLICT = "motstridiga filer"


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


def rows(text: str) -> tuple[str, list[list[str]]]:
    """The separator ('`;`' when Swedish Excel saved the file, else ',') and the rows."""
    first = text.split("\n", 1)[0]
    separator = ";" if first.count(";") > first.count(",") else ","
    return separator, list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))


def number(text: str) -> float:
    """'12.5', '12,5' (Swedish Excel) and '1 234' read alike; anything else raises."""
    try:
        result = float(text)  # most values: '12.5' as the program wrote it
    except ValueError:
        cleaned = re.sub(r"[\s\u00a0\u202f]", "", text)
        if "," in cleaned and "." not in cleaned:
            cleaned = cleaned.replace(",", ".")
        result = float(cleaned)
    if not math.isfinite(result):
        raise ValueError(text)
    return result


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


def _spaced(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def _impossible(value: float, nyckeltal: str) -> str | None:
    """Why a figure cannot come from the program, or None when it can."""
    if nyckeltal in DIFFERENCES:
        if abs(value) > LARGEST_DAYS:
            return f"är fler dagar än {_spaced(LARGEST_DAYS)}, åt något håll"
    elif value < 0:
        return "är mindre än 0"
    elif value > LARGEST_FIGURE:
        return f"är större än {_spaced(LARGEST_FIGURE)}"
    if round(value, 2) != value:
        return "har fler än två decimaler"
    return None


def _claims_from_name(name: str | os.PathLike | None) -> list[Pair]:
    if not name:
        return []
    stem = unicodedata.normalize("NFC", Path(name).name).rsplit(".", 1)[0]
    match = re.match(r"(?P<kommun>.+?)-(?P<ar>\d{4})-nyckeltal", stem)
    found = contract.kommun(match["kommun"]) if match else None
    return [(found.kod, int(match["ar"]))] if found else []


def parse(data: bytes, name: str | os.PathLike | None = None) -> Parsed:
    """The file's values by (kommunkod, år); raises FileProblem with a Swedish message.
    `name` (the file's name) tells which municipality and year a broken file claims."""
    fmt = contract.key_figure_format()
    text, notes = decode(data)
    separator, lines = rows(text)
    if separator == ";":
        notes.append("semikolon som avgränsare")
    header = lines[0] if lines else None
    if not header or not any(h.strip() for h in header):
        raise FileProblem("Filen är tom.", _claims_from_name(name))
    header = [h.strip().casefold() for h in header]
    missing = [c for c in fmt.kolumner if c not in header]
    if missing:
        raise FileProblem(
            f"Kolumner saknas: {', '.join(missing)}. Det här ser inte ut som en nyckeltalsfil.",
            _claims_from_name(name),
        )
    index = {c: header.index(c) for c in fmt.kolumner}
    known = {k.kod: k for k in contract.kommuner()}
    first_year, last_year = years()
    values: dict[Pair, dict[Key, Value]] = {}
    decimal_comma = False

    def problem(message: str) -> FileProblem:
        return FileProblem(message, sorted(values) or _claims_from_name(name))

    for line_number, row in enumerate(lines[1:], start=2):
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
            year_number = number(cell["ar"])
        except ValueError as error:
            raise problem(f"Rad {line_number}: året '{cell['ar']}' är inte ett tal.") from error
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
        figure = None
        if cell["varde"] and not hidden:
            try:
                figure = number(cell["varde"])
            except ValueError as error:
                raise problem(
                    f"Rad {line_number}: värdet '{cell['varde']}' för {cell['nyckeltal']} är "
                    "inte ett tal."
                ) from error
            why = _impossible(figure, cell["nyckeltal"])
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
        values.setdefault((kod, year), {})[key] = HIDDEN if hidden else Value(figure)
    if not values:
        raise FileProblem("Filen har inga nyckeltal.", _claims_from_name(name))
    if decimal_comma:
        notes.append("decimalkomma")
    return Parsed(values, notes)


# --- many files: copies, conflicts, fates --------------------------------------------


@dataclass
class FileFate:
    name: str
    sha256: str
    contents: list[Pair] = field(default_factory=list)
    problem: str | None = None
    notes: list[str] = field(default_factory=list)
    used: list[Pair] = field(default_factory=list)
    copy_of: dict[Pair, tuple[str, bool]] = field(default_factory=dict)  # (file, same bytes)
    conflicts: dict[Pair, list[str]] = field(default_factory=dict)

    @property
    def status(self) -> FileStatus:
        if self.problem:
            return FileStatus.BAD
        if self.used:
            return FileStatus.USED
        if self.conflicts:
            return FileStatus.CONFLICT
        return FileStatus.COPY

    def line(self) -> str:
        """The file's fate in one line, for the terminal and the Filer sheet."""
        if self.problem:
            return f"{self.name}: {FileStatus.BAD}, används inte. {self.problem}"
        parts = []
        if self.used:
            read = f" Läst som originalet trots {' och '.join(self.notes)}." if self.notes else ""
            parts.append(f"används ({', '.join(pair_text(p) for p in self.used)}).{read}")
        for pair, (other, same_bytes) in self.copy_of.items():
            kind = "byte för byte" if same_bytes else "samma nyckeltal"
            parts.append(
                f"kopia av {other} för {pair_text(pair)} ({kind}); den används inte, "
                f"{other} används."
            )
        for pair, others in self.conflicts.items():
            parts.append(
                f"{FileStatus.CONFLICT}: {pair_text(pair)} finns också i {' och '.join(others)} "
                "med andra värden. Ingen av dem används; ta bort den som är fel och kör igen."
            )
        if not parts:
            parts.append(f"innehåller {', '.join(pair_text(p) for p in self.contents)}.")
        return f"{self.name}: " + " ".join(parts)


def pair_text(pair: Pair) -> str:
    return f"{kommun_name(pair[0])} {pair[1]}"


def kommun_name(kod: str) -> str:
    return next(k.namn for k in contract.kommuner() if k.kod == kod)


def _canonical(name: str, pair: Pair) -> bool:
    return unicodedata.normalize("NFC", name) == f"{kommun_name(pair[0])}-{pair[1]}-nyckeltal.csv"


@dataclass
class Comparison:
    """What the files hold: figures by (kommunkod, år), each file's fate, the targets.

    `year` is the year compared (the latest in the files unless asked), `years` every
    year with figures (the trend)."""

    year: int
    years: list[int]
    values: dict[Pair, dict[Key, Value]]
    fates: list[FileFate]
    states: dict[Pair, NoFigures] = field(default_factory=dict)  # why a pair has no figures
    targets: dict[str, Target] = field(default_factory=dict)
    target_problems: list[str] = field(default_factory=list)
    has_targets_file: bool = False

    def _pair(self, kod: str, year: int | None) -> Pair:
        return (kod, self.year if year is None else year)

    def has_file(self, kod: str, year: int | None = None) -> bool:
        return self._pair(kod, year) in self.values

    def state(self, kod: str, year: int | None = None) -> NoFigures | None:
        """None when the municipality has figures for the year, else why not."""
        pair = self._pair(kod, year)
        if pair in self.values:
            return None
        return self.states.get(pair, NoFigures.NO_FILE)

    def present(self, year: int | None = None) -> list[contract.Kommun]:
        return [k for k in contract.kommuner() if self.has_file(k.kod, year)]

    def missing(self, year: int | None = None) -> list[contract.Kommun]:
        return [k for k in contract.kommuner() if not self.has_file(k.kod, year)]

    def figure(self, kod: str, key: Key, year: int | None = None) -> Value:
        """A figure of a municipality's file; missing (never 0) when the file lacks it."""
        return self.values.get(self._pair(kod, year), {}).get(key, MISSING_VALUE)

    def inhabitants(self, kod: str, year: int | None = None) -> float | None:
        return self.figure(kod, ("invanare", "", ""), year).number

    def problems(self) -> bool:
        return any(f.problem or f.conflicts for f in self.fates) or bool(self.target_problems)


def load(files: Mapping[str, bytes], year: int | None = None) -> Comparison:
    """The key-figure files by name, checked; copies and conflicts told apart."""
    fates: list[FileFate] = []
    parsed: dict[str, Parsed] = {}
    states: dict[Pair, NoFigures] = {}
    for name in sorted(files, key=lambda n: unicodedata.normalize("NFC", n)):
        data = files[name]
        entry = FileFate(name, hashlib.sha256(data).hexdigest())
        fates.append(entry)
        try:
            parsed[name] = parse(data, name)
        except FileProblem as error:
            entry.problem = str(error)
            entry.contents = error.claims or _claims_from_name(name)
            for pair in entry.contents:
                states[pair] = NoFigures.BAD_FILE
            continue
        entry.contents = sorted(parsed[name].values)
        entry.notes = parsed[name].notes

    owners: dict[Pair, list[FileFate]] = {}
    for entry in fates:
        for pair in [] if entry.problem else entry.contents:
            owners.setdefault(pair, []).append(entry)
    values: dict[Pair, dict[Key, Value]] = {}
    for pair, entries in owners.items():
        contents = [parsed[e.name].values[pair] for e in entries]
        if all(c == contents[0] for c in contents):
            keeper = sorted(entries, key=lambda e: (not _canonical(e.name, pair), e.name))[0]
            keeper.used.append(pair)
            values[pair] = contents[0]
            for entry in entries:
                if entry is not keeper:
                    entry.copy_of[pair] = (keeper.name, entry.sha256 == keeper.sha256)
            continue
        states[pair] = NoFigures.CONFLICT
        for entry in entries:
            entry.conflicts[pair] = [e.name for e in entries if e is not entry]

    found = sorted({y for _, y in values})
    chosen = year if year is not None else (found[-1] if found else 0)
    return Comparison(chosen, found, values, fates, states)
