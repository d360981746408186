"""Realistic synthetic input for any municipality and year, for tests and benchmarks.

`halsocenter exempel --kommun Habo --ar 2023 --seed 1` writes the three input
workbooks. Every figure is invented; population sizes are rounded orders of
magnitude, used only to make volumes plausible. Each year is drawn from its
own seeded generator, so the 2023 set and the 2024 set of one municipality and
seed agree about 2023.
"""

from __future__ import annotations

import datetime as dt
import enum
import random
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import config
from pipeline.coach.input_workbooks import write_input
from pipeline.contract import schema as contract

D = dt.date

# Rounded populations (for plausible volumes only; not official statistics).
POPULATION = {
    "Aneby": 7000,
    "Gnosjö": 9500,
    "Mullsjö": 7300,
    "Habo": 12500,
    "Gislaved": 30000,
    "Vaggeryd": 14200,
    "Jönköping": 145000,
    "Nässjö": 32000,
    "Värnamo": 35000,
    "Sävsjö": 11500,
    "Vetlanda": 27500,
    "Eksjö": 17500,
    "Tranås": 19000,
}
REFERRALS_PER_1000 = 5.5

ACTIVITIES = [
    # (name, focus area, type, hours per session, head count (lecture) or group size)
    ("FaR träningsgrupp", "Fysisk aktivitet", "Grupp", 1.0, None, 10),
    ("Promenadgrupp", "Fysisk aktivitet", "Grupp", 1.5, None, 8),
    ("Hälsosamma matvanor", "Matvanor", "Kurs", 2.0, None, 7),
    ("Stresshantering", "Stress och återhämtning", "Kurs", 2.0, None, 6),
    (
        "Samtalscafé",
        "Gemenskap, psykiskt välbefinnande och existentiell hälsa",
        "Grupp",
        1.5,
        None,
        6,
    ),
    ("Föreläsning om sömn", "Föreläsningar", "Föreläsning", 1.5, 60, None),
    ("Hälsodag", "Övrigt", "Evenemang", 3.0, 40, None),
]


def _start(kommun: str, seed: int) -> D:
    rng = random.Random(f"{kommun}:{seed}:start")
    return D(2021, 9, 1) + dt.timedelta(days=rng.randint(0, 300))


def _referrals(rng, kommun, year, start, population, count=None):
    """Remisser and Samtal rows for referrals that came in during `year`."""
    first_day = max(start, D(year, 1, 1))
    days = (D(year, 12, 31) - first_day).days
    if count is None:
        expected = population / 1000 * REFERRALS_PER_1000 * (days + 1) / 365
        count = max(1, round(rng.gauss(expected, expected**0.5)))
    far, remiss, egen = (
        contract.channel("far"),
        contract.channel("remiss"),
        contract.channel("egen_kontakt"),
    )
    first_talk, follow_up = (
        contract.talk_type("forsta_samtal"),
        contract.talk_type("uppfoljande_samtal"),
    )
    held, missed_it = contract.outcome("genomfort"), contract.outcome("uteblev")
    answers = [
        contract.adherence("ja"),
        contract.adherence("delvis"),
        contract.adherence("nej"),
        None,
    ]
    remisser, samtal = [], []
    for index in range(count):
        klient = f"S{year % 100:02d}-{index + 1:05d}"
        inkom = first_day + dt.timedelta(days=rng.randint(0, days))
        kanal = rng.choices([far, remiss, egen], weights=[85, 8, 7])[0]
        remittent = (
            None
            if kanal == egen
            else rng.choices(
                ["Vårdcentral", "Förening/civilsamhälle", "Kommunal verksamhet", "Annan"],
                weights=[90, 3, 4, 3],
            )[0]
        )
        kon = rng.choices(["Kvinna", "Man", "Annat/uppger ej", None], weights=[62, 34, 1, 3])[0]
        fodelsear = None if rng.random() < 0.05 else year - rng.randint(16, 88)
        avbojde = contract.declined("ja") if rng.random() < 0.04 else None
        retur = None
        if avbojde is None:
            if rng.random() < 0.05:
                missed = inkom + dt.timedelta(days=rng.randint(7, 20))
                samtal.append([klient, missed, first_talk, missed_it])
                retur = missed + dt.timedelta(days=rng.randint(5, 15))
            else:
                if rng.random() < 0.06:  # a no-show before the first talk, then a new time
                    missed = inkom + dt.timedelta(days=rng.randint(5, 20))
                    samtal.append([klient, missed, first_talk, missed_it])
                # Most wait one to four weeks; a tail waits up to three months.
                wait = rng.randint(3, 30) if rng.random() < 0.8 else rng.randint(31, 90)
                talk = inkom + dt.timedelta(days=wait)
                samtal.append([klient, talk, first_talk, held])
                for _ in range(rng.choice([0, 1, 1, 2, 3])):
                    talk += dt.timedelta(days=rng.randint(25, 90))
                    if rng.random() < 0.08:
                        samtal.append([klient, talk, follow_up, missed_it])
                        continue
                    # FaR's own follow-up question; now and then not asked or not noted.
                    answer = rng.choices(answers, weights=[50, 27, 13, 10])[0]
                    samtal.append([klient, talk, follow_up, held, answer])
        remisser.append([klient, inkom, kanal, remittent, None, kon, fodelsear, avbojde, retur])
    for _ in range(max(0, round(rng.gauss(population / 3000, 1)))):
        samtal.append(
            [
                None,
                first_day + dt.timedelta(days=rng.randint(0, days)),
                contract.talk_type("spontant_besok"),
                held,
            ]
        )
    return remisser, samtal


def _attendance(rng, year, start, population, rows_wanted=None):
    """Närvaro rows in `year`; with rows_wanted, exactly that many."""
    first_day = max(start, D(year, 1, 1))
    scale = 1 + population / 40000  # larger municipalities run larger groups
    sessions = []
    for name, _area, _typ, hours, heads, base_size in ACTIVITIES:
        if rng.random() < 0.15 and rows_wanted is None:
            continue  # not every activity runs every year
        heads = None if heads is None else round(heads * scale)
        size = None if base_size is None else round(base_size * scale)
        if heads is not None:
            for _ in range(rng.randint(1, 3)):
                day = first_day + dt.timedelta(
                    days=rng.randint(0, (D(year, 12, 31) - first_day).days)
                )
                sessions.append(
                    (day, name, None, max(5, round(rng.gauss(heads, heads / 4))), hours)
                )
            continue
        people = [f"P{year % 100:02d}-{name[:3].upper()}{i:03d}" for i in range(size * 2)]
        day = first_day + dt.timedelta(days=rng.randint(0, 20))
        while day <= D(year, 12, 31):
            for person in rng.sample(people, rng.randint(size // 2, size)):
                sessions.append((day, name, person, None, hours))
            day += dt.timedelta(days=7 * rng.choice([1, 1, 2]))
    if rows_wanted is not None:
        groups = [s for s in sessions if s[2] is not None]
        # More participants, each coming about twenty times, as in a large group programme.
        pool = max(50, rows_wanted // 20)
        while len(sessions) < rows_wanted:
            day, name, person, _, hours = groups[len(sessions) % len(groups)]
            sessions.append((day, name, f"{person}-{len(sessions) % pool}", None, hours))
        sessions = sessions[:rows_wanted]
    return [list(s) for s in sorted(sessions, key=lambda s: (s[0], s[1], s[2] or ""))]


def generate(kommun: str, ar: int, seed: int = 1, narvaro_rader: int | None = None) -> dict:
    """Rows per sheet for `kommun` and report year `ar` (history from the start date).

    With narvaro_rader, the report year has exactly that many attendance rows and a
    tenth as many referrals (for benchmarks).
    """
    if contract.kommun(kommun) is None:
        raise ValueError(f"Okänd kommun: {kommun}")
    name = contract.kommun(kommun).namn
    population = POPULATION[name]
    # A benchmark set is one year exactly as large as asked: no history before it.
    start = D(ar, 1, 1) if narvaro_rader else _start(name, seed)
    remisser, samtal, narvaro = [], [], []
    for year in range(start.year, ar + 1):
        rng = random.Random(f"{name}:{seed}:{year}")
        count = narvaro_rader // 10 if narvaro_rader and year == ar else None
        r, s = _referrals(rng, name, year, start, population, count)
        remisser += r
        samtal += s
        rows_wanted = narvaro_rader if year == ar else None
        narvaro += _attendance(rng, year, start, population, rows_wanted)
    end = D(ar, 12, 31)
    samtal = [row for row in samtal if row[1] <= min(end + dt.timedelta(days=30), D.today())]
    rng = random.Random(f"{name}:{seed}:{ar}:verksamhet")
    fields = {
        "kommun": name,
        "ar": ar,
        "startdatum": start,
        "invanare": population + rng.randint(-200, 200),
        "styrgruppsmoten": rng.randint(2, 6),
    }
    uppgifter = [[contract.sheet("uppgifter").column(k).namn, v] for k, v in fields.items()]
    texter = [
        ["Arbetssätt", f"Hälsocenter {name} arbetar med motiverande samtal och små steg."],
        ["Samverkan", "Vi samverkar med vårdcentralerna, föreningslivet och biblioteket."],
        [
            "Lokal beskrivning",
            "Hälsocentret ligger mitt i centrum, nära vårdcentralen och biblioteket.",
        ],
    ]
    plan = [
        [area, activity, "Genomfört enligt plan", f"Fortsätter {ar + 1}"]
        for activity, area, *_ in ACTIVITIES
        if area != "Övrigt"
    ]
    aktiviteter = [[a, area, typ, None, None] for a, area, typ, *_ in ACTIVITIES]
    return {
        "remisser": remisser,
        "samtal": sorted(samtal, key=lambda r: (r[1], r[0] or "")),
        "aktiviteter": aktiviteter,
        "narvaro": narvaro,
        "uppgifter": uppgifter,
        "texter": texter,
        "plan": plan,
    }


def write(
    folder: Path, kommun: str, ar: int, seed: int = 1, narvaro_rader: int | None = None
) -> list[Path]:
    return write_input(folder, generate(kommun, ar, seed, narvaro_rader))


class ExampleStatus(enum.Enum):
    WRITTEN = "skriven"
    UNKNOWN_KOMMUN = "okänd kommun"
    EXISTS = "finns redan"


@dataclass(frozen=True)
class Example:
    """What `write_example` did: the workbooks written, or those it would not replace."""

    status: ExampleStatus
    kommun: str = ""
    folder: Path | None = None
    paths: list[Path] = field(default_factory=list)  # written, or found and left alone


def write_example(
    kommun: str, year: int, seed: int = 1, folder: Path | None = None, overwrite: bool = False
) -> Example:
    """Invented workbooks for a municipality of the contract (any spelling of its name) and
    a year, in `folder` (output/exempel-<kommun>-<år> by default); never over existing ones
    unless `overwrite`."""
    found = contract.kommun(kommun)
    if found is None:
        return Example(ExampleStatus.UNKNOWN_KOMMUN, kommun)
    folder = Path(folder) if folder else config.OUTPUT / f"exempel-{found.namn}-{year}"
    existing = [folder / f for f in contract.files() if (folder / f).exists()]
    if existing and not overwrite:
        return Example(ExampleStatus.EXISTS, found.namn, folder, existing)
    return Example(ExampleStatus.WRITTEN, found.namn, folder, write(folder, found.namn, year, seed))
