"""Warnings: things that are allowed but probably wrong. They do not stop the report."""

from __future__ import annotations

import pandas as pd

from pipeline.contract import schema as contract
from pipeline.contract.schema import DRAFT_MARKER
from pipeline.validation.problems import Level, Problem, show_value

DAYS_WITHOUT_CONVERSATION = 90
LONG_SESSION_HOURS = 4


def _warning(flik: str, row, kolumn: str, value, problem, fix) -> Problem:
    """A warning on a cell named by the sheet's and the column's keys."""
    sheet = contract.sheet(flik)
    namn = sheet.column(kolumn).namn
    return Problem(
        sheet.fil, sheet.namn, int(row), namn, show_value(value), problem, fix, Level.WARNING
    )


def _name(flik: str, kolumn: str | None = None) -> str:
    sheet = contract.sheet(flik)
    return sheet.namn if kolumn is None else sheet.column(kolumn).namn


def find_warnings(data: dict[str, pd.DataFrame], startdatum, ar: int | None) -> list[Problem]:
    """Warnings over the typed sheets (keys are the sheets' keys in the contract)."""
    found: list[Problem] = []
    remisser, samtal = data.get("remisser"), data.get("samtal")
    if remisser is not None and samtal is not None:
        inkom = remisser.set_index("klient_id")["inkom"]
        inkom = inkom[~inkom.index.duplicated()]
        first = samtal[samtal["samtalstyp"] == contract.talk_type("forsta_samtal")].dropna(
            subset=["klient_id"]
        )
        referral_day = first["klient_id"].map(inkom.to_dict())
        early = first["datum"] < pd.to_datetime(referral_day)
        early = early.fillna(False).astype(bool)
        for row, day, referred in zip(
            first.index[early], first["datum"][early], referral_day[early], strict=True
        ):
            found.append(
                _warning(
                    "samtal",
                    row,
                    "datum",
                    day,
                    "Första samtalet är daterat före remissen "
                    f"({_name('remisser', 'inkom')} {show_value(referred)}).",
                    "Kontrollera datumen.",
                )
            )
        if ar is not None:
            cutoff = pd.Timestamp(year=ar, month=12, day=31) - pd.Timedelta(
                days=DAYS_WITHOUT_CONVERSATION
            )
            talked = set(samtal["klient_id"].dropna())
            waiting = remisser[
                (remisser["inkom"] <= cutoff)
                & ~remisser["klient_id"].isin(talked)
                & (remisser["avbojde"] != contract.declined("ja"))
                & remisser["retur"].isna()
            ]
            for row, day in zip(waiting.index, waiting["inkom"], strict=True):
                found.append(
                    _warning(
                        "remisser",
                        row,
                        "klient_id",
                        None,
                        f"Ärendet kom in {show_value(day)} men har inget samtal efter "
                        f"{DAYS_WITHOUT_CONVERSATION} dagar.",
                        f"Lägg in samtalet i fliken {_name('samtal')}, eller fyll i "
                        f"{_name('remisser', 'avbojde')} eller {_name('remisser', 'retur')}.",
                    )
                )
    narvaro = data.get("narvaro")
    if narvaro is not None:
        if startdatum is not None:
            early = narvaro[narvaro["datum"] < pd.Timestamp(startdatum)]
            for row, day in zip(early.index, early["datum"], strict=True):
                found.append(
                    _warning(
                        "narvaro",
                        row,
                        "datum",
                        day,
                        f"Tillfället är före Hälsocentrets startdatum ({show_value(startdatum)}).",
                        f"Kontrollera datumet, eller {_name('uppgifter', 'startdatum')} i "
                        f"{contract.sheet('uppgifter').fil}.",
                    )
                )
        long = narvaro[narvaro["timmar"] > LONG_SESSION_HOURS]
        for row, hours in zip(long.index, long["timmar"], strict=True):
            found.append(
                _warning(
                    "narvaro",
                    row,
                    "timmar",
                    hours,
                    f"Ett tillfälle på {show_value(hours).replace('.', ',')} timmar är ovanligt "
                    "långt.",
                    f"Stämmer det? {_name('narvaro', 'timmar')} gäller ett tillfälle, inte hela "
                    "terminen.",
                )
            )
    texter = data.get("texter")
    if texter is not None:
        drafts = texter[texter["text"].fillna("").str.startswith(DRAFT_MARKER)]
        for row in drafts.index:
            found.append(
                _warning(
                    "texter",
                    row,
                    "text",
                    None,
                    "Texten är ett utkast från förra året.",
                    f"Skriv om texten för i år och ta bort {DRAFT_MARKER} ...].",
                )
            )
    return found
