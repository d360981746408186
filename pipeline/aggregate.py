"""Stage 2: the key figures (nyckeltal) of the contract for one report year.

All figures come out as tidy rows (nyckeltal, dimension, kategori, varde,
undertryckt); the csv file and the Word report both read these rows, so the
two can never disagree.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline import contract
from pipeline.contract import categories
from pipeline.validate import Dataset

TOTAL = ""


@dataclass(frozen=True)
class Figure:
    nyckeltal: str
    dimension: str
    kategori: str
    varde: float | int | None
    undertryckt: bool = False


@dataclass
class KeyFigures:
    kommunkod: str
    kommun: str
    ar: int
    figures: list[Figure]
    activities: pd.DataFrame | None = None  # per activity, for the report's sentences

    def value(self, nyckeltal: str, dimension: str = TOTAL, kategori: str = TOTAL):
        for figure in self.figures:
            if (figure.nyckeltal, figure.dimension, figure.kategori) == (
                nyckeltal,
                dimension,
                kategori,
            ):
                return figure.varde
        return None

    def breakdown(self, nyckeltal: str, dimension: str) -> list[Figure]:
        return [f for f in self.figures if f.nyckeltal == nyckeltal and f.dimension == dimension]


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
    year = dataset.ar if year is None else year
    threshold = fmt.undertryck_grans if threshold is None else threshold
    remisser, samtal = dataset.remisser, dataset.samtal
    start = dataset.startdatum
    figures: list[Figure] = []

    def total(name: str, value) -> None:
        figures.append(Figure(name, TOTAL, TOTAL, value))

    inkomna = remisser[_in_year(remisser["inkom"], year)]
    sedan_start = remisser[_since_start(remisser["inkom"], start, year)]
    total("arenden_inkomna", len(inkomna))
    total("far_inkomna", int((inkomna["kanal"] == "FaR").sum()))
    total("arenden_sedan_start", len(sedan_start))
    total("far_sedan_start", int((sedan_start["kanal"] == "FaR").sum()))

    forsta = _conversations(samtal, "Första samtal", "Genomfört")
    total("forsta_samtal", int(_in_year(forsta, year).sum()))
    total("forsta_samtal_sedan_start", int(_since_start(forsta, start, year).sum()))
    total(
        "uppfoljande_samtal",
        int(_in_year(_conversations(samtal, "Uppföljande samtal", "Genomfört"), year).sum()),
    )
    total("uteblivna_samtal", int(_in_year(_conversations(samtal, None, "Uteblev"), year).sum()))
    total(
        "spontana_besok",
        int(_in_year(_conversations(samtal, "Spontant besök", "Genomfört"), year).sum()),
    )
    total("avbojda", int((inkomna["avbojde"] == "Ja").sum()))
    total("recept_i_retur", int(_in_year(remisser["retur"], year).sum()))
    if dataset.styrgruppsmoten is not None:
        total("styrgruppsmoten", dataset.styrgruppsmoten)
    if dataset.invanare is not None:
        total("invanare", dataset.invanare)

    breakdowns = {
        "kanal": inkomna["kanal"],
        "remittent": inkomna.loc[inkomna["kanal"] != "Egen kontakt", "remittent"],
        "kon": inkomna["kon"],
        "aldersgrupp": _age_group(inkomna["fodelsear"], year),
    }
    for dimension, values in breakdowns.items():
        suppress = dimension in fmt.undertryck_dimensioner and threshold > 0
        for kategori, count in _counts(values, categories(dimension)).items():
            hidden = suppress and 1 <= count < threshold
            figures.append(
                Figure("arenden_inkomna", dimension, kategori, None if hidden else count, hidden)
            )

    table, codes = activity_table(dataset, year)
    figures.extend(_activity_figures(table, codes))
    return KeyFigures(dataset.kommun.kod, dataset.kommun.namn, year, figures, table)


ACTIVITY_FIGURES = ("tillfallen", "unika_deltagare", "deltagartillfallen", "deltagartimmar")


def _activity_figures(table: pd.DataFrame, codes: pd.DataFrame) -> list[Figure]:
    areas = categories("fokusomrade")
    figures = []
    for row in table.itertuples(index=False):
        figures.append(Figure("aktiviteter", "aktivitet", row.aktivitet, 1))
        for name in ACTIVITY_FIGURES:
            figures.append(Figure(name, "aktivitet", row.aktivitet, _number(getattr(row, name))))

    def area_figures(dimension: str, kategori: str, part: pd.DataFrame, people) -> None:
        figures.append(Figure("aktiviteter", dimension, kategori, len(part)))
        figures.append(Figure("tillfallen", dimension, kategori, int(part["tillfallen"].sum())))
        distinct = len(np.unique(people[~np.isnan(people)]))
        figures.append(Figure("unika_deltagare", dimension, kategori, distinct))
        figures.append(
            Figure("deltagartillfallen", dimension, kategori, int(part["deltagartillfallen"].sum()))
        )
        figures.append(
            Figure("deltagartimmar", dimension, kategori, _number(part["deltagartimmar"].sum()))
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


def to_csv(key_figures: KeyFigures) -> str:
    fmt = contract.key_figure_format()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(fmt.kolumner)
    for f in sorted(key_figures.figures, key=lambda f: (f.nyckeltal, f.dimension, f.kategori)):
        writer.writerow(
            [
                fmt.schema_version,
                key_figures.kommunkod,
                key_figures.kommun,
                key_figures.ar,
                f.nyckeltal,
                f.dimension,
                f.kategori,
                format_number(f.varde),
                int(f.undertryckt),
            ]
        )
    return buffer.getvalue()
