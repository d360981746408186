"""Stage 2: the key figures (nyckeltal) of the contract for one report year.

All figures come out as tidy rows (Figure: name, dimension, category, value,
suppressed; in the csv nyckeltal, dimension, kategori, varde, undertryckt); the csv
file and the Word report both read these rows, so the two can never disagree.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.contract import key_figures
from pipeline.contract import schema as contract
from pipeline.contract.formula import formula_start
from pipeline.contract.schema import categories
from pipeline.figures.suppression import labelled, protect
from pipeline.validation.dataset import Dataset
from pipeline.validation.history import History, history

TOTAL = ""


@dataclass(frozen=True)
class Figure:
    name: str  # the key figure's id, e.g. arenden_inkomna
    dimension: str
    category: str
    value: float | int | None
    suppressed: bool = False  # hidden: a small count, or one beside small counts
    secondary: bool = False  # hidden only so that the group's small counts stay hidden


@dataclass
class KeyFigures:
    kommunkod: str
    kommun: str
    year: int
    figures: list[Figure]
    activities: pd.DataFrame | None = None  # per activity, for the report's sentences
    missing_years: tuple[int, ...] = ()  # years since start without data ("sedan start" unknown)

    def value(self, name: str, dimension: str = TOTAL, category: str = TOTAL):
        """The figure's value, None when it is not counted (unknown, or a year without it).
        A name or breakdown the list of key figures does not have is an error, never '–'."""
        key_figures.check([(name, dimension)], "rapportens text (pipeline/report/render.py)")
        for figure in self.figures:
            if (figure.name, figure.dimension, figure.category) == (name, dimension, category):
                return figure.value
        return None

    def breakdown(self, name: str, dimension: str) -> list[Figure]:
        key_figures.check([(name, dimension)], "rapportens text (pipeline/report/render.py)")
        return [f for f in self.figures if f.name == name and f.dimension == dimension]


def _in_year(dates: pd.Series, year: int) -> pd.Series:
    return dates.dt.year == year


def _since_start(dates: pd.Series, start: pd.Timestamp, year: int) -> pd.Series:
    return (dates >= start) & (dates <= pd.Timestamp(year=year, month=12, day=31))


def _age_group(birth_years: pd.Series, year: int) -> pd.Series:
    fmt = contract.key_figure_format()
    ages = year - birth_years
    groups = pd.Series(fmt.alder_saknas, index=birth_years.index, dtype="object")
    for group in fmt.aldersgrupper:
        groups[(ages >= group["fran"]) & (ages <= group["till"])] = group["namn"]
    return groups


def _counts(values: pd.Series, categories: list[str]) -> dict[str, int]:
    counts = values.value_counts()
    return {c: int(counts.get(c, 0)) for c in categories}


def _conversations(samtal: pd.DataFrame, kind: str | None, outcome: str) -> pd.Series:
    mask = samtal["utfall"] == outcome
    if kind is not None:
        mask &= samtal["samtalstyp"] == kind
    return samtal.loc[mask.fillna(False).astype(bool), "datum"]


def activity_table(dataset: Dataset, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per activity with attendance in the year (area, sessions, participants, hours),
    and the year's attendance as integer codes (activity, focus area, participant).

    Strings are factorized once; the counting is then done on integers, which keeps
    a million attendance rows well under a second.
    """
    narvaro = dataset.narvaro[_in_year(dataset.narvaro["datum"], year)]
    activity, activity_names = pd.factorize(narvaro["aktivitet"].to_numpy(dtype=object))
    person, _ = pd.factorize(narvaro["deltagar_id"].to_numpy(dtype=object))
    heads = narvaro["antal"].fillna(0).to_numpy(dtype="int64") + (person >= 0)
    codes = pd.DataFrame(
        {
            "activity": activity,
            "day": narvaro["datum"].to_numpy(dtype="int64"),
            "person": np.where(person >= 0, person, np.nan),
            "heads": heads,
            "hours": heads * narvaro["timmar"].to_numpy(dtype="float64"),
        }
    )
    grouped = codes.groupby("activity", sort=False).agg(
        tillfallen=("day", "nunique"),
        unika_deltagare=("person", "nunique"),
        med_id=("person", "count"),
        deltagartillfallen=("heads", "sum"),
        deltagartimmar=("hours", "sum"),
    )
    catalogue = dataset.aktiviteter.set_index("aktivitet")
    names = activity_names[grouped.index.to_numpy()]
    table = pd.DataFrame(
        {
            "fokusomrade": catalogue.loc[names, "fokusomrade"].to_numpy(),
            "aktivitet": names,
            "typ": catalogue.loc[names, "typ"].to_numpy(),
            **{c: grouped[c].to_numpy() for c in grouped.columns},
        }
    ).sort_values(["fokusomrade", "aktivitet"], ignore_index=True)
    areas = categories("fokusomrade")
    area_of_activity = np.array(
        [areas.index(catalogue.at[n, "fokusomrade"]) for n in activity_names], dtype="int64"
    )
    codes["area"] = area_of_activity[activity] if len(activity) else activity
    return table, codes


def compute(dataset: Dataset, year: int | None = None, threshold: int | None = None) -> KeyFigures:
    """Every key figure of the contract for `year` (default: the report year)."""
    fmt = contract.key_figure_format()
    year = dataset.year if year is None else year
    threshold = fmt.undertryck_grans if threshold is None else threshold
    remisser, samtal = dataset.remisser, dataset.samtal
    figures: list[Figure] = []

    def total(name: str, value) -> None:
        figures.append(Figure(name, TOTAL, TOTAL, value))

    inkomna = remisser[_in_year(remisser["inkom"], year)]
    total("arenden_inkomna", len(inkomna))
    total("far_inkomna", int((inkomna["kanal"] == contract.channel("far")).sum()))

    forsta = _conversations(
        samtal, contract.talk_type("forsta_samtal"), contract.outcome("genomfort")
    )
    total("forsta_samtal", int(_in_year(forsta, year).sum()))
    figures.extend(_since_start_figures(dataset, year, forsta))
    done = contract.outcome("genomfort")
    for name, kind, outcome in (
        ("uppfoljande_samtal", contract.talk_type("uppfoljande_samtal"), done),
        ("uteblivna_samtal", None, contract.outcome("uteblev")),
        ("spontana_besok", contract.talk_type("spontant_besok"), done),
    ):
        total(name, int(_in_year(_conversations(samtal, kind, outcome), year).sum()))
    total("avbojda", int((inkomna["avbojde"] == contract.declined("ja")).sum()))
    total("recept_i_retur", int(_in_year(remisser["retur"], year).sum()))
    if dataset.styrgruppsmoten is not None:
        total("styrgruppsmoten", dataset.styrgruppsmoten)
    if dataset.invanare is not None:
        total("invanare", dataset.invanare)

    breakdowns = {
        "kanal": inkomna["kanal"],
        # An own contact has no prescriber: the breakdown covers FaR and Remiss only.
        "remittent": inkomna.loc[inkomna["kanal"] != contract.channel("egen_kontakt"), "remittent"],
        "kon": inkomna["kon"],
        "aldersgrupp": _age_group(inkomna["fodelsear"], year),
    }
    for dimension, values in breakdowns.items():
        figures.extend(
            breakdown_figures(
                "arenden_inkomna", dimension, _counts(values, categories(dimension)), threshold
            )
        )
    months = categories("manad")
    for name, dates in (("arenden_inkomna", inkomna["inkom"]), ("forsta_samtal", forsta)):
        in_year = dates[_in_year(dates, year)]
        counts = in_year.dt.month.value_counts()
        for number, month in enumerate(months, start=1):
            figures.append(Figure(name, "manad", month, int(counts.get(number, 0))))

    figures.extend(service_quality(dataset, year, threshold))
    table, codes = activity_table(dataset, year)
    figures.extend(_activity_figures(table, codes))
    missing = year_history(dataset, year).missing
    # Only figures of the list (nyckeltalslista.yaml) are counted: a new or misspelt name
    # here is an error naming this module, before anything is published.
    key_figures.check({(f.name, f.dimension) for f in figures}, "pipeline/figures/aggregate.py")
    return KeyFigures(dataset.kommun.kod, dataset.kommun.namn, year, figures, table, missing)


WAIT_LIMIT_DAYS = 30


def service_quality(dataset: Dataset, year: int, threshold: int) -> list[Figure]:
    """How quickly and how well people are taken care of (the contract's service quality).

    A referral's first conversation is its earliest completed Första samtal at any
    date (a December referral met in January counts, with its real waiting time).
    """
    remisser, samtal = dataset.remisser, dataset.samtal
    inkomna = remisser[_in_year(remisser["inkom"], year)]
    done = samtal["utfall"] == contract.outcome("genomfort")
    first = samtal[(samtal["samtalstyp"] == contract.talk_type("forsta_samtal")) & done]
    first_day = first.groupby("klient_id")["datum"].min()
    met = pd.to_datetime(inkomna["klient_id"].map(first_day.to_dict()))
    waits = (met - inkomna["inkom"]).dt.days.dropna()
    figures = [
        Figure("arenden_med_forsta_samtal", TOTAL, TOTAL, len(waits)),
        Figure("forsta_samtal_inom_30_dagar", TOTAL, TOTAL, int((waits <= WAIT_LIMIT_DAYS).sum())),
    ]
    if len(waits):
        figures.append(Figure("vantetid_dagar_median", TOTAL, TOTAL, _median(waits)))
    follow_ups = samtal[
        (samtal["samtalstyp"] == contract.talk_type("uppfoljande_samtal"))
        & done
        & _in_year(samtal["datum"], year)
    ].dropna(subset=["klient_id"])
    # The latest follow-up of the year tells how each client is doing.
    latest = follow_ups.sort_values(["datum"], kind="stable").groupby("klient_id").tail(1)
    fmt = contract.key_figure_format()
    answers = latest["foljsamhet"].fillna(fmt.foljsamhet_saknas)
    figures.append(Figure("klienter_med_uppfoljning", TOTAL, TOTAL, len(latest)))
    figures.extend(
        breakdown_figures(
            "klienter_med_uppfoljning",
            "foljsamhet",
            _counts(answers, categories("foljsamhet")),
            threshold,
        )
    )
    return figures


def _median(days: pd.Series) -> int | float:
    """The median waiting time in days, with at most one decimal (12.5)."""
    value = round(float(days.median()), 1)
    return int(value) if value.is_integer() else value


def breakdown_figures(
    name: str, dimension: str, counts: dict[str, int], threshold: int
) -> list[Figure]:
    """One published group; in the contract's suppressed dimensions, protected as a whole."""
    fmt = contract.key_figure_format()
    if dimension not in fmt.undertryck_dimensioner:
        return [Figure(name, dimension, k, v) for k, v in counts.items()]
    hidden = protect(counts, threshold)
    small = labelled(counts, hidden, threshold)
    return [
        Figure(name, dimension, k, None, True, k not in small)
        if k in hidden
        else Figure(name, dimension, k, v)
        for k, v in counts.items()
    ]


def year_history(dataset: Dataset, year: int | None = None) -> History:
    return history(
        dataset.remisser["inkom"],
        dataset.tidigare_ar,
        dataset.startdatum,
        dataset.year if year is None else year,
    )


def _since_start_figures(dataset: Dataset, year: int, forsta: pd.Series) -> list[Figure]:
    """The "sedan start" totals: rows since Startdatum plus Tidigare år, only when complete.

    With a year missing, the figures are left out (unknown), never a partial sum.
    """
    known = year_history(dataset, year)
    if not known.complete:
        return []
    remisser, start = dataset.remisser, dataset.startdatum
    since = remisser[_since_start(remisser["inkom"], start, year)]
    rows = {
        "arenden_sedan_start": (len(since), "arenden"),
        "far_sedan_start": (int((since["kanal"] == contract.channel("far")).sum()), "far"),
        "forsta_samtal_sedan_start": (
            int(_since_start(forsta, start, year).sum()),
            "forsta_samtal",
        ),
    }
    figures = []
    for name, (from_rows, key) in rows.items():
        earlier = known.earlier_total(key)
        if earlier is not None:
            figures.append(Figure(name, TOTAL, TOTAL, from_rows + earlier))
    return figures


def previous_year(dataset: Dataset, threshold: int | None = None) -> KeyFigures | None:
    """Last year's figures: from the rows, else the totals in Tidigare år, else None."""
    year = dataset.year - 1
    known = year_history(dataset)
    if year < known.start_year:
        return None
    if year in known.registered:
        return compute(dataset, year, threshold)
    typed = known.earlier.get(year)
    if typed is None:
        return None
    names = {"arenden_inkomna": "arenden", "far_inkomna": "far", "forsta_samtal": "forsta_samtal"}
    figures = [
        Figure(name, TOTAL, TOTAL, typed[key])
        for name, key in names.items()
        if typed[key] is not None
    ]
    return KeyFigures(dataset.kommun.kod, dataset.kommun.namn, year, figures, None)


ACTIVITY_FIGURES = ("tillfallen", "unika_deltagare", "deltagartillfallen", "deltagartimmar")


def _activity_figures(table: pd.DataFrame, codes: pd.DataFrame) -> list[Figure]:
    areas = categories("fokusomrade")
    figures = []
    for row in table.itertuples(index=False):
        figures.append(Figure("aktiviteter", "aktivitet", row.aktivitet, 1))
        for name in ACTIVITY_FIGURES:
            if name == "unika_deltagare" and not row.med_id:
                continue  # head counts only: how many different people came is unknown
            figures.append(Figure(name, "aktivitet", row.aktivitet, _number(getattr(row, name))))

    def area_figures(dimension: str, category: str, part: pd.DataFrame, people) -> None:
        figures.append(Figure("aktiviteter", dimension, category, len(part)))
        figures.append(Figure("tillfallen", dimension, category, int(part["tillfallen"].sum())))
        if len(part) == 0 or part["med_id"].any():
            distinct = len(np.unique(people[~np.isnan(people)]))
            figures.append(Figure("unika_deltagare", dimension, category, distinct))
        figures.append(
            Figure("deltagartillfallen", dimension, category, int(part["deltagartillfallen"].sum()))
        )
        figures.append(
            Figure("deltagartimmar", dimension, category, _number(part["deltagartimmar"].sum()))
        )

    people, area_codes = codes["person"].to_numpy(), codes["area"].to_numpy()
    for index, area in enumerate(areas):
        area_figures(
            "fokusomrade",
            area,
            table[table["fokusomrade"] == area],
            people[area_codes == index],
        )
    area_figures(TOTAL, TOTAL, table, people)
    return figures


def _number(value) -> int | float:
    value = float(value)
    return int(value) if value.is_integer() else round(value, 2)


def format_number(value) -> str:
    """Numbers in the csv: no thousands separator, '.' as decimal point, no trailing zeros."""
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(int(value))


def _text_field(value: str) -> str:
    """A text field of the csv, never one that a spreadsheet would run as a formula.

    Validation refuses activity names that begin like a formula (`ingen_formel` in the
    contract) and every other category comes from the contract, so this never fires on
    the coach's input. If it does, the program is at fault: the run stops before anything
    is written, rather than publish a live formula or quietly rename a category (a quoted
    name would no longer match the same activity in next year's file).
    """
    if formula_start(value):
        raise ValueError(f"a key-figure field begins like a formula: {value!r}")
    return value


class KeyFigureFileError(ValueError):
    """A key-figure file that is not one this program writes; str() says why, in Swedish."""


MAX_CSV_BYTES = 5_000_000  # a year's file is about 10 kB


def from_csv(data: bytes) -> KeyFigures:
    """Key figures read back from a file that to_csv wrote (last year's, for its column).

    Strict: the contract's columns and schema version, one municipality and one year,
    numbers as to_csv writes them. A hidden figure has no value; which hidden counts were
    small and which were hidden beside them the file does not say, so each counts as
    hidden beside them (shown as '..', which says no more than the file).
    """
    fmt = contract.key_figure_format()
    if len(data) > MAX_CSV_BYTES:
        raise KeyFigureFileError("filen är för stor för att vara en nyckeltalsfil")
    try:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    except (UnicodeDecodeError, csv.Error):
        raise KeyFigureFileError("filen är inte en csv-fil i UTF-8") from None
    if not rows or tuple(rows[0]) != fmt.kolumner:
        raise KeyFigureFileError(f"rubrikraden är inte {','.join(fmt.kolumner)}")
    body = [dict(zip(fmt.kolumner, row, strict=False)) for row in rows[1:] if row]
    if any(len(row) != len(fmt.kolumner) for row in rows[1:] if row):
        raise KeyFigureFileError("en rad har fel antal fält")
    if {row["schema_version"] for row in body} - {str(fmt.schema_version)}:
        raise KeyFigureFileError(f"den följer inte schema_version {fmt.schema_version}")
    who = {(row["kommunkod"], row["kommun"], row["ar"]) for row in body}
    if len(who) != 1:
        raise KeyFigureFileError("den ska gälla en kommun och ett år")
    ((kommunkod, kommun, year),) = who
    if not year.isdigit():
        raise KeyFigureFileError(f"året {year!r} är inget år")
    figures = []
    for row in body:
        hidden = row["undertryckt"]
        if hidden not in ("0", "1") or (hidden == "1" and row["varde"]):
            raise KeyFigureFileError(f"{row['nyckeltal']}: undertryckt ska vara 0 eller 1")
        figures.append(
            Figure(
                row["nyckeltal"],
                row["dimension"],
                row["kategori"],
                _read_number(row["varde"], row["nyckeltal"]),
                hidden == "1",
                hidden == "1",
            )
        )
    return KeyFigures(kommunkod, kommun, int(year), figures)


def _read_number(text: str, name: str) -> int | float | None:
    """A value as format_number writes it: empty, a whole number, or a decimal with '.'."""
    if text == "":
        return None
    if not _NUMBER.fullmatch(text):
        raise KeyFigureFileError(f"{name}: {text!r} är inget antal")
    return float(text) if "." in text else int(text)


_NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?")


def to_csv(key_figures: KeyFigures) -> str:
    """The key-figure file (the contract's format); no field in it begins like a formula."""
    fmt = contract.key_figure_format()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(fmt.kolumner)
    for f in sorted(key_figures.figures, key=lambda f: (f.name, f.dimension, f.category)):
        writer.writerow(
            [
                fmt.schema_version,
                _text_field(key_figures.kommunkod),
                _text_field(key_figures.kommun),
                key_figures.year,
                _text_field(f.name),
                _text_field(f.dimension),
                _text_field(f.category),
                format_number(f.value),
                int(f.suppressed),
            ]
        )
    return buffer.getvalue()
