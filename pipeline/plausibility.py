"""Warnings: things that are allowed but probably wrong. They do not stop the report."""

from __future__ import annotations

import pandas as pd

from pipeline.contract import AVBOJDE, TYP
from pipeline.problems import VARNING, Problem, show_value

DAYS_WITHOUT_CONVERSATION = 90
LONG_SESSION_HOURS = 4
DRAFT_MARKER = "[Utkast"


def _warning(fil, flik, row, kolumn, value, problem, fix) -> Problem:
    return Problem(fil, flik, int(row), kolumn, show_value(value), problem, fix, VARNING)


def find_warnings(data: dict[str, pd.DataFrame], startdatum, ar: int | None) -> list[Problem]:
    """Warnings over the typed sheets (keys are sheet names)."""
    found: list[Problem] = []
    remisser, samtal = data.get("Remisser"), data.get("Samtal")
    if remisser is not None and samtal is not None:
        inkom = remisser.set_index("klient_id")["inkom"]
        inkom = inkom[~inkom.index.duplicated()]
        first = samtal[samtal["samtalstyp"] == TYP("forsta_samtal")].dropna(subset=["klient_id"])
        referral_day = first["klient_id"].map(inkom.to_dict())
        early = first["datum"] < pd.to_datetime(referral_day)
        early = early.fillna(False).astype(bool)
        for row, day, referred in zip(
            first.index[early], first["datum"][early], referral_day[early], strict=True
        ):
            found.append(
                _warning(
                    "remisser.xlsx",
                    "Samtal",
                    row,
                    "Datum",
                    day,
                    f"Första samtalet är daterat före remissen (Inkom {show_value(referred)}).",
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
                & (remisser["avbojde"] != AVBOJDE("ja"))
                & remisser["retur"].isna()
            ]
            for row, day in zip(waiting.index, waiting["inkom"], strict=True):
                found.append(
                    _warning(
                        "remisser.xlsx",
                        "Remisser",
                        row,
                        "Klient-ID",
                        None,
                        f"Ärendet kom in {show_value(day)} men har inget samtal efter "
                        f"{DAYS_WITHOUT_CONVERSATION} dagar.",
                        "Lägg in samtalet i fliken Samtal, eller fyll i Avböjde eller Retur.",
                    )
                )
    narvaro = data.get("Närvaro")
    if narvaro is not None:
        if startdatum is not None:
            early = narvaro[narvaro["datum"] < pd.Timestamp(startdatum)]
            for row, day in zip(early.index, early["datum"], strict=True):
                found.append(
                    _warning(
                        "aktiviteter.xlsx",
                        "Närvaro",
                        row,
                        "Datum",
                        day,
                        f"Tillfället är före Hälsocentrets startdatum ({show_value(startdatum)}).",
                        "Kontrollera datumet, eller Startdatum i verksamhet.xlsx.",
                    )
                )
        long = narvaro[narvaro["timmar"] > LONG_SESSION_HOURS]
        for row, hours in zip(long.index, long["timmar"], strict=True):
            found.append(
                _warning(
                    "aktiviteter.xlsx",
                    "Närvaro",
                    row,
                    "Timmar",
                    hours,
                    f"Ett tillfälle på {show_value(hours).replace('.', ',')} timmar är ovanligt "
                    "långt.",
                    "Stämmer det? Timmar gäller ett tillfälle, inte hela terminen.",
                )
            )
    texter = data.get("Texter")
    if texter is not None:
        drafts = texter[texter["text"].fillna("").str.startswith(DRAFT_MARKER)]
        for row in drafts.index:
            found.append(
                _warning(
                    "verksamhet.xlsx",
                    "Texter",
                    row,
                    "Text",
                    None,
                    "Texten är ett utkast från förra året.",
                    f"Skriv om texten för i år och ta bort {DRAFT_MARKER} ...].",
                )
            )
    return found
