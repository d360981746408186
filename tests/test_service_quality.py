"""Service quality (issue 14), counted by hand on a small year with the edge cases."""

from __future__ import annotations

import csv
import datetime as dt
import io

import docx
import pytest

from pipeline.figures.aggregate import compute, previous_year, to_csv
from pipeline.report.render import render
from pipeline.validation.validate import validate
from tests.conftest import TODAY
from tests.test_render import _rows, _table_after

D = dt.date


@pytest.fixture
def year(books):
    """conftest's year plus: a no-show before a first talk, a 45-day wait, two follow-ups."""
    books.rows["Remisser"].append(["A8", D(2023, 7, 1), "FaR", "Vårdcentral", None, None, None])
    samtal = books.rows["Samtal"]
    samtal[1].append("Nej")  # A1's follow-up in January: Nej ...
    samtal += [
        ["A1", D(2023, 6, 1), "Uppföljande samtal", "Genomfört", "Delvis"],  # ... the latest
        ["A5", D(2023, 5, 8), "Första samtal", "Uteblev"],  # no-show before the first talk
        ["A5", D(2023, 10, 1), "Uppföljande samtal", "Genomfört", "ja"],
        ["A8", D(2023, 8, 15), "Första samtal", "Genomfört"],  # 45 days
    ]
    return books


def _figures(books, threshold=None):
    result = validate(books.write(), today=TODAY)
    assert result.ok, [p.line() for p in result.errors]
    return compute(result.dataset, threshold=threshold), result.dataset


def test_each_figure_by_hand(year):
    figures, _ = _figures(year, threshold=0)
    # 2023 referrals: A3 (declined, no talk), A4 (only a no-show), A5 (7 days, after a
    # no-show), A6 (7 days), A7 (28 Dec → 9 Jan next year: 12 days), A8 (45 days).
    assert figures.value("arenden_inkomna") == 6
    assert figures.value("arenden_med_forsta_samtal") == 4
    assert figures.value("forsta_samtal_inom_30_dagar") == 3
    assert figures.value("vantetid_dagar_median") == 9.5  # 7, 7, 12, 45
    # A1 twice (the latest, Delvis, counts), A5 once (Ja); A6's follow-up did not happen.
    assert figures.value("klienter_med_uppfoljning") == 2
    answers = {
        f.category: f.value for f in figures.breakdown("klienter_med_uppfoljning", "foljsamhet")
    }
    assert answers == {"Ja": 1, "Delvis": 1, "Nej": 0, "uppgift saknas": 0}


def test_the_december_referral_waits_across_new_year(year):
    figures, dataset = _figures(year, threshold=0)
    last_year = compute(dataset, 2022, threshold=0)
    # A2 came 20 Dec 2022 and was met 10 Jan 2023: 21 days, counted with 2022's referrals.
    assert last_year.value("arenden_med_forsta_samtal") == 2  # A1 (9 days) and A2 (21 days)
    assert last_year.value("vantetid_dagar_median") == 15
    assert figures.value("forsta_samtal") == 4  # A2, A5, A6, A8 were met in 2023


def test_csv_rows_and_suppression(year):
    figures, _ = _figures(year)
    rows = list(csv.DictReader(io.StringIO(to_csv(figures))))
    line = next(r for r in rows if r["nyckeltal"] == "vantetid_dagar_median")
    assert (line["varde"], line["undertryckt"]) == ("9.5", "0")
    follow = [r for r in rows if r["dimension"] == "foljsamhet"]
    # One Ja and one Delvis behind a total of 2: every answer is hidden.
    assert [(r["kategori"], r["varde"], r["undertryckt"]) for r in follow] == [
        ("Delvis", "", "1"),
        ("Ja", "", "1"),
        ("Nej", "", "1"),
        ("uppgift saknas", "", "1"),
    ]


def test_no_median_without_a_first_conversation(books):
    books.rows["Samtal"] = [r for r in books.rows["Samtal"] if r[2] != "Första samtal"]
    figures, _ = _figures(books)
    assert figures.value("arenden_med_forsta_samtal") == 0
    assert "vantetid_dagar_median" not in to_csv(figures)


def test_foljsamhet_only_on_a_follow_up_that_took_place(year):
    year.rows["Samtal"][0].append("Ja")  # A1's first talk
    year.rows["Samtal"][6].append("Nej")  # A6's follow-up that did not happen
    result = validate(year.write(), today=TODAY)
    assert [p.line() for p in result.errors] == [
        f"Fel: remisser.xlsx, flik Samtal, rad {row}, kolumn Följsamhet: Följsamhet får bara "
        "fyllas i när Samtalstyp är Uppföljande samtal och Utfall är Genomfört. Töm cellen, "
        "eller rätta Samtalstyp och Utfall om det var ett sådant samtal."
        for row in (2, 8)
    ]


def test_report_sentences_and_table(year):
    result = validate(year.write(), today=TODAY)
    figures = compute(result.dataset)
    previous = previous_year(result.dataset)
    document = docx.Document(io.BytesIO(render(result.dataset, figures, previous).docx))
    text = [p.text for p in document.paragraphs]
    assert (
        "Hälften av dem som kom till Hälsocenter under 2023 och har haft sitt första samtal "
        "fick det inom 9,5 dagar."
    ) in text
    assert "Av årets 6 ärenden har 4 fått ett första samtal, och 3 fick det inom 30 dagar." in text
    assert (
        "Hur många som följer sin plan redovisas inte i år, eftersom antalen är så små att "
        "enskilda personer skulle kunna pekas ut."
    ) in text
    rows = _rows(_table_after(document, "Hur snabbt och hur väl"))
    assert rows[0] == ["Mått", "2022", "2023"]
    assert rows[1] == ["Väntetid till första samtal (median)", "15 dagar", "9,5 dagar"]
    assert rows[2] == ["Ärenden med första samtal", "100\u00a0% (2 av 2)", "67\u00a0% (4 av 6)"]
    assert rows[3][2] == "50\u00a0% (3 av 6)"
    assert rows[5] == ["Följer sin plan (av dem som svarat)", "–", ".."]


def test_a_visible_yes_is_told_against_all_followed_up(year):
    """Delvis hidden to protect a small count: the share would tell it, the Ja count not."""
    extra = [[f"B{i}", D(2023, 2, 1), "FaR", "Vårdcentral", None, None, None] for i in range(20)]
    year.rows["Remisser"] += extra
    for i, answer in enumerate(["Ja"] * 9 + ["Nej"] * 8 + ["Delvis"] * 1 + [None] * 2):
        year.rows["Samtal"].append(
            [f"B{i}", D(2023, 3, 1), "Uppföljande samtal", "Genomfört", answer]
        )
    result = validate(year.write(), today=TODAY)
    figures = compute(result.dataset)
    document = docx.Document(io.BytesIO(render(result.dataset, figures, None).docx))
    text = [p.text for p in document.paragraphs]
    # Ja 10 (9 + A5), Nej 8, Delvis 2 (+A1), uppgift saknas 2: the small ones and Nej hidden.
    assert (
        "Vid det senaste uppföljande samtalet under året svarade 10 av de 22 klienter som "
        "följdes upp att de följer sin plan eller sitt recept helt."
    ) in text
    rows = _rows(_table_after(document, "Hur snabbt och hur väl"))
    assert rows[5][2] == ".."
