"""Which years the data covers: registered in remisser.xlsx, typed into `Tidigare år`, or missing.

A coach often starts using the program after the Hälsocenter opened. The rows of
remisser.xlsx then cover the years from their earliest Inkom on; earlier years
exist only as totals in old reports, which the coach types into the sheet
`Tidigare år`. "Sedan start" is a true total only when every year from the year
of Startdatum to the report year is one or the other; a year without data is
never shown as 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pipeline.contract import schema as contract
from pipeline.publish.formatting import years_text
from pipeline.validation.problems import Level, Problem, show_value


@dataclass(frozen=True)
class History:
    start_year: int
    report_year: int
    registered: tuple[int, ...]  # years whose figures come from the rows
    earlier: dict[int, dict]  # year → {"arenden", "far", "forsta_samtal"} from Tidigare år
    missing: tuple[int, ...]  # years since start with no data at all

    @property
    def complete(self) -> bool:
        return not self.missing

    def earlier_total(self, key: str) -> int | None:
        """A figure summed over Tidigare år; None when a year lacks it."""
        values = [row.get(key) for row in self.earlier.values()]
        if any(v is None for v in values):
            return None
        return int(sum(values))


def _value(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def history(
    inkom: pd.Series, tidigare: pd.DataFrame | None, startdatum: pd.Timestamp, report_year: int
) -> History:
    """The years from Startdatum's year to the report year, each registered, earlier or missing."""
    dates = inkom.dropna()
    first_registered = min(int(dates.dt.year.min()), report_year) if len(dates) else report_year
    registered = tuple(range(first_registered, report_year + 1))
    earlier: dict[int, dict] = {}
    if tidigare is not None and len(tidigare):
        for row in tidigare.itertuples(index=False):
            year = _value(row.ar)
            if year is None or year in registered or year > report_year:
                continue
            earlier[year] = {
                "arenden": _value(row.arenden),
                "far": _value(row.far),
                "forsta_samtal": _value(row.forsta_samtal),
            }
    start_year = int(startdatum.year)
    missing = tuple(
        y for y in range(start_year, report_year + 1) if y not in registered and y not in earlier
    )
    return History(start_year, report_year, registered, earlier, missing)


def _start_after_report_year(uppgifter, start: pd.Timestamp, year: int) -> Problem:
    """Every year since start would be empty: "sedan start" would be published as 0."""
    sheet = contract.sheet("uppgifter")
    startdatum, ar = sheet.column("startdatum").namn, sheet.column("ar").namn
    row = uppgifter.field_rows.get("startdatum") if uppgifter is not None else None
    return Problem(
        sheet.fil,
        sheet.namn,
        row,
        f"{sheet.column('varde').namn} ({startdatum})",
        show_value(start),
        f"{startdatum} {show_value(start)} ligger efter rapportåret ({ar} {year}).",
        f"{startdatum} är dagen då Hälsocentret tog emot sin första klient, senast under "
        f"rapportåret. Rätta {startdatum} eller {ar} i fliken {sheet.namn}.",
    )


def history_problems(sheets: dict, fields: dict) -> list[Problem]:
    """Tidigare år against the rows and Startdatum; a warning naming the years without data.

    `sheets` holds the checked sheets by key; every name shown comes from the contract."""
    if "remisser" not in sheets or fields.get("startdatum") is None or fields.get("ar") is None:
        return []
    start, year = pd.Timestamp(fields["startdatum"]), int(fields["ar"])
    if start.year > year:
        return [_start_after_report_year(sheets.get("uppgifter"), start, year)]
    tidigare = sheets["tidigare_ar"].data if "tidigare_ar" in sheets else None
    known = history(sheets["remisser"].data["inkom"], tidigare, start, year)
    problems = []
    sheet = contract.sheet("tidigare_ar")
    rows_file = contract.sheet("remisser").fil
    startdatum = contract.sheet("uppgifter").column("startdatum").namn
    if tidigare is not None:
        for row, value in tidigare["ar"].dropna().items():
            value = int(value)
            if value in known.registered:
                problem = f"{value} har redan rader i {rows_file} och skulle räknas två gånger."
                fix = (
                    f"Ta bort raden för {value} i fliken {sheet.namn}; där står bara år innan "
                    f"raderna i {rows_file} börjar."
                )
            elif not known.start_year <= value < year:
                problem = f"{value} ligger utanför åren {known.start_year}–{year - 1}."
                fix = (
                    f"Fliken {sheet.namn} tar bara år från och med året i {startdatum} "
                    f"({known.start_year}) till året innan rapportåret ({year - 1})."
                )
            else:
                continue
            column = sheet.column("ar").namn
            problems.append(
                Problem(sheet.fil, sheet.namn, int(row), column, str(value), problem, fix)
            )
    if known.missing:
        years = years_text(known.missing)
        first = min(known.registered)
        counts = [sheet.column(key).namn for key in ("arenden", "far", "forsta_samtal")]
        problems.append(
            Problem(
                sheet.fil,
                sheet.namn,
                None,
                None,
                None,
                f"Uppgifter saknas för {years}: Hälsocentret startade {known.start_year}, men "
                f"{rows_file} har rader först från {first} och fliken {sheet.namn} har inga "
                f"rader för {years}. Därför visas inga siffror ”sedan start”, och ett år utan "
                "uppgifter visas som –, aldrig som 0.",
                f"Fyll i fliken {sheet.namn} i {sheet.fil} med en rad per år ({years}) och "
                f"kolumnerna {counts[0]}, {counts[1]} och {counts[2]} från de årens "
                "verksamhetsberättelser.",
                Level.WARNING,
            )
        )
    return problems
