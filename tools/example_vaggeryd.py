"""The shipped example data set: invented people, real figures.

Builds the three workbooks of data/example/ so that the report reproduces the
published figures of Hälsocenter Vaggeryds kommun 2023 (start 2021-10-25; 167
referrals and 152 first conversations since start, 81 and 89 in 2023; FaR
training group 12 participants and 227 participant-hours; ...). Every ID is
invented; the random generator is seeded, so the files are the same each time.

Run `python -m tools.example_vaggeryd [DIR]` (or `make example`) to write them again.
Dev-only: it lives outside the product package.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

from pipeline import config
from pipeline.coach.input_workbooks import write_input
from pipeline.contract import schema as contract


def FIELD(key: str) -> str:  # noqa: N802 (named like the contract's choice lookups)
    return contract.sheet("uppgifter").column(key).namn


D = dt.date
START = D(2021, 10, 25)


def _days(rng: random.Random, start: D, end: D) -> D:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _weekly(first: D, last: D, skip: set[D] = frozenset()) -> list[D]:
    days, day = [], first
    while day <= last:
        if day not in skip:
            days.append(day)
        day += dt.timedelta(days=7)
    return days


def _referrals(rng: random.Random) -> tuple[list[list], list[list]]:
    """Remisser and Samtal rows with the seed report's counts."""
    inkom = [START]
    inkom += sorted(_days(rng, D(2021, 10, 26), D(2021, 12, 20)) for _ in range(13))
    inkom += sorted(_days(rng, D(2022, 1, 10), D(2022, 12, 20)) for _ in range(72))
    inkom += sorted(_days(rng, D(2023, 1, 9), D(2023, 11, 30)) for _ in range(77))
    inkom += [D(2023, 12, 4), D(2023, 12, 7), D(2023, 12, 12), D(2023, 12, 14)]
    assert len(inkom) == 167

    remisser, samtal = [], []
    # Outcomes per referral, by position: who declined, who never came, who waits.
    early = list(range(86))  # 2021-2022
    late = list(range(86, 167))  # 2023
    declined = {rng.choice(early[10:40]), rng.choice(early[40:66])} | set(rng.sample(late[:60], 3))
    no_show = set(rng.sample([i for i in early[5:66] if i not in declined], 2)) | set(
        rng.sample([i for i in late[:70] if i not in declined], 4)
    )
    waiting = set(late[-4:])  # December 2023, first conversation in January 2024
    into_next_year = early[-19:]  # late 2022 referrals met in January/February 2023

    for index, day in enumerate(inkom):
        klient = f"K{index + 1:04d}"
        year = day.year
        if index == 0:
            kanal, remittent = contract.channel("far"), "Vårdcentral"
        elif (year == 2023 and index in (100, 130, 150)) or (year == 2022 and index in (30, 60)):
            kanal, remittent = contract.channel("egen_kontakt"), None
        elif (year == 2023 and index in (110, 140)) or (year == 2022 and index == 45):
            kanal, remittent = (
                contract.channel("remiss"),
                rng.choice(["Kommunal verksamhet", "Förening/civilsamhälle"]),
            )
        else:
            kanal = contract.channel("far")
            remittent = "Annan" if index in (70, 120) else "Vårdcentral"
        enhet = (
            rng.choice(["Vårdcentralen Vaggeryd", "Vårdcentralen Skillingaryd"])
            if remittent == "Vårdcentral"
            else None
        )
        kon = rng.choices(["Kvinna", "Man", None], weights=[62, 33, 5])[0]
        age = rng.choice([None] + list(range(19, 86)) * 3) if index % 23 else None
        fodelsear = None if age is None else year - age
        first_day = None
        if index in declined:
            avbojde, retur = contract.declined("ja"), None
        elif index in no_show:
            avbojde = contract.declined("nej")
            missed = day + dt.timedelta(days=rng.randint(7, 20))
            samtal.append(
                [klient, missed, contract.talk_type("forsta_samtal"), contract.outcome("uteblev")]
            )
            retur = missed + dt.timedelta(days=rng.randint(7, 14))
        else:
            avbojde, retur = None, None
            if index in waiting:
                first_day = D(2024, 1, 8) + dt.timedelta(days=index % 4)
            elif index in into_next_year:
                first_day = max(day + dt.timedelta(days=14), D(2023, 1, 9)) + dt.timedelta(
                    days=rng.randint(0, 30)
                )
            else:
                limit = D(2022, 12, 30) if year < 2023 else D(2023, 12, 29)
                first_day = min(day + dt.timedelta(days=rng.randint(5, 25)), limit)
            early_try = first_day - dt.timedelta(days=7)
            if rng.random() < 0.08 and first_day.year < 2024 and early_try >= day:
                samtal.append(
                    [
                        klient,
                        first_day - dt.timedelta(days=7),
                        contract.talk_type("forsta_samtal"),
                        contract.outcome("uteblev"),
                    ]
                )
            samtal.append(
                [
                    klient,
                    first_day,
                    contract.talk_type("forsta_samtal"),
                    contract.outcome("genomfort"),
                ]
            )
            follow = first_day
            for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
                follow = follow + dt.timedelta(days=rng.randint(30, 90))
                if follow > D(2023, 12, 29):
                    break
                outcome = (
                    contract.outcome("uteblev")
                    if rng.random() < 0.1
                    else contract.outcome("genomfort")
                )
                samtal.append([klient, follow, contract.talk_type("uppfoljande_samtal"), outcome])
        remisser.append([klient, day, kanal, remittent, enhet, kon, fodelsear, avbojde, retur])

    for day in (
        D(2022, 5, 3),
        D(2022, 9, 20),
        D(2022, 11, 8),
        D(2023, 2, 14),
        D(2023, 4, 18),
        D(2023, 9, 5),
        D(2023, 11, 21),
    ):
        samtal.append(
            [None, day, contract.talk_type("spontant_besok"), contract.outcome("genomfort")]
        )
    samtal.sort(key=lambda r: (r[1], r[0] or ""))
    return remisser, samtal


ACTIVITIES = [
    ["FaR träningsgrupp", "Fysisk aktivitet", "Grupp", "Personer med FaR", None],
    [
        "LSS träningsgrupp",
        "Fysisk aktivitet",
        "Grupp",
        "LSS/daglig verksamhet",
        "Daglig verksamhet",
    ],
    [
        "Träningsgrupp kvinnor AME",
        "Fysisk aktivitet",
        "Grupp",
        "Kvinnor med utrikes bakgrund",
        "AME",
    ],
    ["Bok och Hopp", "Fysisk aktivitet", "Evenemang", "Barn och föräldrar", "Biblioteket"],
    ["Hälsosamma matvanor, allmänheten", "Matvanor", "Kurs", "Allmänheten", None],
    ["Hälsosamma matvanor, AME", "Matvanor", "Kurs", "Arbetslag på AME", "AME"],
    [
        "Gemensam XRunda",
        "Gemenskap, psykiskt välbefinnande och existentiell hälsa",
        "Evenemang",
        "Allmänheten",
        "Samhällsföreningen",
    ],
    [
        "Att välja livet",
        "Gemenskap, psykiskt välbefinnande och existentiell hälsa",
        "Kurs",
        "Allmänheten",
        "Recovery College",
    ],
    [
        "Föreläsning Jacob Gudiol, kväll",
        "Föreläsningar",
        "Föreläsning",
        "Allmänheten",
        "Biblioteket",
    ],
    ["Föreläsning Jacob Gudiol, skoldag", "Föreläsningar", "Föreläsning", "Elever", "Skolan"],
    ["Seniorveckan", "Föreläsningar", "Evenemang", "Seniorer", "Aktivitetssamordnare"],
]


def _group(rng, aktivitet, days, people, hours, total=None):
    """Attendance rows for a group; with `total`, exactly that many rows (one hour each)."""
    rows = []
    if total is None:
        for day in days:
            for person in people:
                if rng.random() < 0.85 or day == days[0]:
                    rows.append([day, aktivitet, person, None, hours])
        return rows
    # Everyone comes once, then the remaining attendances spread over the sessions.
    slots = [(days[i % len(days)], person) for i, person in enumerate(people)]
    pool = [(day, person) for day in days for person in people if (day, person) not in slots]
    slots += rng.sample(pool, total - len(slots))
    return [[day, aktivitet, person, None, hours] for day, person in sorted(slots)]


def _attendance(rng: random.Random) -> list[list]:
    far_2022 = _weekly(D(2022, 9, 6), D(2022, 12, 13))
    far_2023 = _weekly(D(2023, 1, 10), D(2023, 6, 13), {D(2023, 4, 11)}) + _weekly(
        D(2023, 8, 29), D(2023, 12, 12), {D(2023, 10, 31)}
    )
    rows = _group(rng, "FaR träningsgrupp", far_2022, [f"D{i:03d}" for i in range(1, 8)], 1.0)
    rows += _group(
        rng, "FaR träningsgrupp", far_2023, [f"D{i:03d}" for i in range(1, 13)], 1.0, total=227
    )
    rows += _group(
        rng,
        "LSS träningsgrupp",
        _weekly(D(2023, 9, 6), D(2023, 12, 6)),
        [f"D{i:03d}" for i in range(101, 115)],
        1.0,
    )
    rows += _group(
        rng,
        "Träningsgrupp kvinnor AME",
        _weekly(D(2023, 9, 14), D(2023, 10, 19)),
        [f"D{i:03d}" for i in range(201, 209)],
        1.0,
    )
    rows += _group(
        rng,
        "Hälsosamma matvanor, allmänheten",
        _weekly(D(2023, 3, 2), D(2023, 3, 23)),
        [f"D{i:03d}" for i in range(301, 306)],
        2.0,
    )
    rows += _group(
        rng,
        "Hälsosamma matvanor, AME",
        _weekly(D(2023, 10, 5), D(2023, 10, 26)),
        [f"D{i:03d}" for i in range(311, 317)],
        2.0,
    )
    rows += _group(
        rng,
        "Att välja livet",
        _weekly(D(2023, 10, 10), D(2023, 10, 31)),
        [f"D{i:03d}" for i in range(401, 409)],
        2.5,
    )
    rows += [
        [D(2023, 9, 19), "Föreläsning Jacob Gudiol, kväll", None, 72, 1.5],
        [D(2023, 9, 20), "Föreläsning Jacob Gudiol, skoldag", None, 400, 1.0],
        [D(2023, 10, 3), "Seniorveckan", None, 35, 2.0],
        [D(2023, 3, 15), "Bok och Hopp", None, 15, 1.0],
        [D(2023, 5, 10), "Bok och Hopp", None, 18, 1.0],
        [D(2023, 10, 25), "Bok och Hopp", None, 12, 1.0],
        [D(2023, 5, 21), "Gemensam XRunda", None, 6, 1.5],
        [D(2023, 6, 11), "Gemensam XRunda", None, 3, 1.5],
        [D(2023, 8, 27), "Gemensam XRunda", None, 9, 1.5],
        [D(2023, 9, 24), "Gemensam XRunda", None, 4, 1.5],
    ]
    rows.sort(key=lambda r: (r[0], r[1], r[2] or ""))
    return rows


TEXTER = [
    [
        "Arbetssätt",
        "Samtalen bygger på motiverande samtal (MI): det är invånarens egna skäl till förändring "
        "som lyfts fram, inte coachens.\nVi tar små steg i taget och följer upp dem, och vi "
        "använder Regionens material och Livsmedelsverkets råd om mat och rörelse.",
    ],
    [
        "Samverkan",
        "Hälsocoachen slussar vidare till föreningar, gym och studieförbund så att deltagarna hittar "
        "ett sammanhang som håller efter tiden hos oss.\nBiblioteket och kommunens "
        "aktivitetssamordnare för äldre är viktiga parter, och föreläsningar ordnas tillsammans "
        "med dem.",
    ],
    [
        "Inflöde",
        "Nästan alla som kommer har fått fysisk aktivitet på recept från någon av vårdcentralerna. "
        "Ett fåtal recept har kommit från andra förskrivare, och några personer har hört av sig "
        "själva.",
    ],
    [
        "Styrgrupp",
        "Styrgruppen har träffats fyra gånger under året och driver arbetet framåt. Under året har "
        "invånarnas röst stärkts: tillgänglighetsrådet utser nu en ordinarie ledamot och en "
        "ersättare.",
    ],
    [
        "Lokal beskrivning",
        "Hälsocentret startade hösten 2021. Det första halvåret gick mycket tid till att bygga "
        "nätverk och rutiner och till att samla föreningarnas och näringslivets erbjudanden i en "
        "katalog.\nUteblir någon från det första samtalet skickas receptet tillbaka till "
        "förskrivaren med ett följebrev.\nUnder hösten startade en träningsgrupp för personer inom "
        "LSS/daglig verksamhet, med bidrag från en stiftelse för lokalhyran. Gruppen fortsätter "
        "under våren.",
    ],
    [
        "Övrigt",
        "Coachen vill gärna fortsätta med utbildningar, både länsgemensamma och andra, för att "
        "stärka kompetensen på Hälsocentret.",
    ],
]

PLAN = [
    ["Fysisk aktivitet", "FaR träningsgrupp", "Fungerar bra.", "Fortsätter 2024"],
    [
        "Fysisk aktivitet",
        "LSS träningsgrupp",
        "Fungerar bra. Ska utvärderas.",
        "Fortsätter VT2024, söka nytt stöd för 2 terminer",
    ],
    [
        "Fysisk aktivitet",
        "Promenadgrupper",
        "Har ej startat, men gemensamma X-rundor testat. Ska söka volontärer.",
        "Bör öka 2024",
    ],
    [
        "Matvanor",
        "Hälsosamma matvanor",
        "1 mot allmänheten och 1 med AME",
        "Nya kurser VT 2024, både AME och allmänheten",
    ],
    [
        "Matvanor",
        "Hälsosamma matvanor i samverkan med Familjecentralen",
        "Familjecentralen har inte återkopplat med lämplig målgrupp",
        "Nytt försök början 2024",
    ],
    ["Stress och återhämtning", "Samverkan med Värnamo", "Ej genomfört", "Startar under 2024"],
    ["Stress och återhämtning", "Utbildning Mindfulness", "Ej genomfört", "Nödvändigt 2024"],
    [
        "Gemenskap, psykiskt välbefinnande och existentiell hälsa",
        "More to life - samtalscafé",
        "Ej genomfört",
        "Start 2024",
    ],
    [
        "Gemenskap, psykiskt välbefinnande och existentiell hälsa",
        "Gemensam XRunda",
        "4 försök gjorda, blandat resultat",
        "Fortsätter 2024",
    ],
    [
        "Gemenskap, psykiskt välbefinnande och existentiell hälsa",
        "Recovery College, Suicidprevention – Att välja livet",
        "Gott resultat",
        "Ny kurs VT2024",
    ],
    ["Spontana besök", "Spontana besök", "4 styck", "Fortsätter 2024"],
    [
        "Föreläsningar",
        "Jacob Gudiol september",
        "Drygt 70 deltagare kvällstid, cirka 400 elever dagtid",
        "Ny föreläsare 2024",
    ],
    ["Föreläsningar", "Henrik Widegren", None, "HT2024"],
    ["Föreläsningar", "Seniorveckan 2023", "Lyckat", "Deltar 2024"],
]


def write(target: Path) -> list[Path]:
    """Write the three example workbooks into target; returns their paths."""
    rng = random.Random(2023)
    remisser, samtal = _referrals(rng)
    narvaro = _attendance(rng)
    uppgifter = [
        [FIELD("kommun"), "Vaggeryd"],
        [FIELD("ar"), 2023],
        [FIELD("startdatum"), START],
        [FIELD("invanare"), 14200],
        [FIELD("styrgruppsmoten"), 4],
    ]
    rows = {
        "remisser": remisser,
        "samtal": samtal,
        "aktiviteter": ACTIVITIES,
        "narvaro": narvaro,
        "uppgifter": uppgifter,
        "texter": TEXTER,
        "plan": PLAN,
    }
    return write_input(target, rows)


if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else config.EXAMPLE
    for path in write(folder):
        print(f"Skrev {path}")
