"""Every published key figure at the edges of its rule (issue 18).

One small year, 2023, whose rows sit on the boundaries: 31 December of the year
before, 1 January and 31 December of the year, 1 January of the next; the day
before Startdatum and Startdatum itself; first conversations 29, 30 and 31 days
after the referral; one age on each side of every age group's limits; months
without a single case. Each figure is counted by hand below, so a rule that moves
by one day, one year or one unit fails here (`make mutation` checks that it does).
"""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.contract import schema as contract
from pipeline.figures.aggregate import compute, previous_year
from pipeline.validation.validate import validate
from tests.conftest import TODAY, Workbooks

D = dt.date
YEAR = 2023
START = D(2022, 3, 1)
FIRST, FOLLOW_UP, DROP_IN = "Första samtal", "Uppföljande samtal", "Spontant besök"
DONE, NO_SHOW = "Genomfört", "Uteblev"
YEAR_ENDS = (D(2022, 12, 31), D(2023, 1, 1), D(2023, 12, 31), D(2024, 1, 1))  # out, in, in, out
AGES = (17, 18, 29, 30, 44, 45, 64, 65, 79, 80)  # each side of every limit of the age groups


def _referral(klient, inkom, kanal="FaR", avbojde=None, retur=None, born=None) -> list:
    remittent = None if kanal == "Egen kontakt" else "Vårdcentral"
    return [klient, inkom, kanal, remittent, None, None, born, avbojde, retur]


REMISSER = [
    _referral("FORE", D(2022, 2, 28), retur=D(2022, 12, 31)),  # the day before Startdatum
    _referral("START", START),
    _referral("NYAR", D(2022, 12, 31), avbojde="Ja", retur=D(2023, 1, 1)),
    _referral("JAN1", D(2023, 1, 1), avbojde="Ja", retur=D(2023, 12, 31)),
    _referral("DEC31", D(2023, 12, 31), avbojde="Ja", retur=D(2024, 1, 1)),
    _referral("NASTA", D(2024, 1, 1), avbojde="Ja"),
    _referral("V29", D(2023, 3, 1)),
    _referral("V30", D(2023, 3, 1), kanal="Remiss"),
    _referral("V31", D(2023, 3, 1)),
    _referral("TVA", D(2023, 5, 1), kanal="Remiss"),  # two first conversations
    *(
        _referral(f"ALDER{age}", D(2023, 11, 15), kanal="Egen kontakt", born=YEAR - age)
        for age in AGES
    ),
]
SAMTAL = [
    ["FORE", D(2022, 2, 28), FIRST, DONE],
    ["START", START, FIRST, DONE],
    ["NYAR", D(2022, 12, 31), FIRST, DONE],
    ["JAN1", D(2023, 1, 1), FIRST, DONE],  # 0 days
    ["DEC31", D(2024, 1, 30), FIRST, DONE],  # 30 days, across the new year
    ["V29", D(2023, 3, 30), FIRST, DONE],
    ["V30", D(2023, 3, 31), FIRST, DONE],
    ["V31", D(2023, 4, 1), FIRST, DONE],
    ["TVA", D(2023, 6, 15), FIRST, DONE],  # 45 days, but ...
    ["TVA", D(2023, 5, 11), FIRST, DONE],  # ... the earliest, 10 days, is the first
    ["NASTA", D(2024, 1, 1), FIRST, DONE],
    ["START", D(2022, 12, 31), FOLLOW_UP, DONE, "Ja"],  # last year
    ["START", D(2023, 1, 1), FOLLOW_UP, DONE, "Nej"],
    ["JAN1", D(2023, 12, 31), FOLLOW_UP, DONE, "Delvis"],  # JAN1's latest in 2023 ...
    ["JAN1", D(2024, 1, 1), FOLLOW_UP, DONE, "Ja"],  # ... this one is next year's
    *(["NYAR", day, FOLLOW_UP, NO_SHOW] for day in YEAR_ENDS),
    *([None, day, DROP_IN, DONE] for day in YEAR_ENDS),
]
NARVARO = [
    *([day, "Gympa", "P1", None, 1] for day in YEAR_ENDS),
    *([day, "Promenad", "P2", None, 1] for day in (YEAR_ENDS[0], YEAR_ENDS[3])),
]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    books = Workbooks(tmp_path_factory.mktemp("kanter") / "raw")
    books.rows["Uppgifter"][2] = ["Startdatum", START]
    books.rows["Remisser"] = REMISSER
    books.rows["Samtal"] = SAMTAL
    books.rows["Närvaro"] = NARVARO
    result = validate(books.write(), today=TODAY)
    assert result.problems == [], [p.line() for p in result.problems]
    return result.dataset


@pytest.fixture(scope="module")
def figures(dataset):
    """Every count shown (threshold 0): the rules themselves, not the suppression."""
    return compute(dataset, threshold=0)


def _months(figures, nyckeltal) -> dict[str, int]:
    return {f.category: f.value for f in figures.breakdown(nyckeltal, "manad")}


def test_a_year_is_1_january_to_31_december(figures):
    # In 2023: JAN1 and DEC31, V29, V30, V31, TVA and the ten ALDER; not NYAR, not NASTA.
    assert figures.value("arenden_inkomna") == 16
    assert figures.value("far_inkomna") == 4  # JAN1, DEC31, V29, V31
    assert figures.value("avbojda") == 2  # JAN1, DEC31 (NYAR and NASTA are other years)
    # By the Retur date, whatever the Inkom: NYAR's 1 January and JAN1's 31 December.
    assert figures.value("recept_i_retur") == 2
    # JAN1 (1 Jan), V29, V30, V31, TVA twice; not NYAR (31 Dec 2022), not DEC31's or NASTA's
    # (2024): the December referral's talk counts in the year it took place.
    assert figures.value("forsta_samtal") == 6
    assert figures.value("uppfoljande_samtal") == 2  # 1 Jan and 31 Dec
    assert figures.value("uteblivna_samtal") == 2
    assert figures.value("spontana_besok") == 2


def test_since_start_is_startdatum_to_31_december(figures):
    # START (on Startdatum) and NYAR (31 Dec 2022) plus the year's 16; not FORE (the day
    # before Startdatum), not NASTA (1 Jan 2024).
    assert figures.value("arenden_sedan_start") == 18
    assert figures.value("far_sedan_start") == 6  # START, NYAR + the year's 4
    assert figures.value("forsta_samtal_sedan_start") == 8  # START, NYAR + the year's 6


def test_months_without_cases_are_zero(figures):
    zero = dict.fromkeys(contract.categories("manad"), 0)
    assert _months(figures, "arenden_inkomna") == zero | {
        "01": 1,
        "03": 3,
        "05": 1,
        "11": 10,
        "12": 1,
    }
    assert _months(figures, "forsta_samtal") == zero | {
        "01": 1,
        "03": 2,
        "04": 1,
        "05": 1,
        "06": 1,
    }


def test_first_conversation_within_30_days(figures):
    # The year's referrals with a first conversation: JAN1 0 days, V29 29, V30 30, V31 31,
    # TVA 10 (its earliest), DEC31 30 (on 30 January 2024).
    assert figures.value("arenden_med_forsta_samtal") == 6
    assert figures.value("forsta_samtal_inom_30_dagar") == 5  # all but V31
    assert figures.value("vantetid_dagar_median") == 29.5  # 0, 10, 29, 30, 30, 31


def test_the_latest_follow_up_of_the_year_counts(figures):
    # START: Nej on 1 Jan (its Ja of 31 Dec 2022 is last year's). JAN1: Delvis on 31 Dec
    # (its Ja of 1 Jan 2024 is next year's).
    assert figures.value("klienter_med_uppfoljning") == 2
    answers = {
        f.category: f.value for f in figures.breakdown("klienter_med_uppfoljning", "foljsamhet")
    }
    assert answers == {"Ja": 0, "Delvis": 1, "Nej": 1, "uppgift saknas": 0}


def test_age_groups_at_their_limits(figures):
    ages = {f.category: f.value for f in figures.breakdown("arenden_inkomna", "aldersgrupp")}
    # Age = 2023 − Födelseår; the six referrals of the year without one are uppgift saknas.
    assert ages == {
        "0–17": 1,  # 17
        "18–29": 2,  # 18, 29
        "30–44": 2,  # 30, 44
        "45–64": 2,  # 45, 64
        "65–79": 2,  # 65, 79
        "80+": 1,  # 80
        "uppgift saknas": 6,
    }


def test_attendance_of_the_year_only(figures):
    # Gympa on 1 Jan and 31 Dec; Promenad only on 31 Dec 2022 and 1 Jan 2024.
    assert figures.value("tillfallen", "aktivitet", "Gympa") == 2
    assert figures.value("deltagartillfallen", "aktivitet", "Gympa") == 2
    assert figures.value("aktiviteter", "aktivitet", "Promenad") is None
    assert figures.value("aktiviteter", "fokusomrade", "Fysisk aktivitet") == 1
    assert figures.value("tillfallen") == 2


def test_last_year_is_the_year_of_startdatum(dataset):
    previous = previous_year(dataset)
    assert previous.year == 2022
    assert previous.value("arenden_inkomna") == 3  # FORE, START, NYAR (31 Dec)
    assert previous.value("forsta_samtal") == 3  # FORE, START, NYAR
    assert previous.value("uppfoljande_samtal") == 1  # START on 31 Dec 2022
