"""What a coach stumbled on (issue 20's frictions in validation), each with its exact message."""

from __future__ import annotations

import pytest

from pipeline.validation.validate import validate
from tests.conftest import TODAY, D


def _lines(books, sheet: str | None = None, row: int | None = None) -> list[str]:
    result = validate(books.write(), today=TODAY)
    return [
        p.line()
        for p in result.problems
        if (sheet is None or p.sheet == sheet) and (row is None or p.row == row)
    ]


@pytest.mark.parametrize(
    ("written", "wrong"),
    [
        (["A1", D(2023, 1, 5), "Uppföljande samtl", "Genomfört", "Ja"], "samtalstyp"),
        (["A1", D(2023, 1, 5), "Uppföljande samtal", "Genomförd", "Ja"], "utfall"),
    ],
    ids=["Samtalstyp misspelt", "Utfall misspelt"],
)
def test_a_rule_that_depends_on_an_invalid_value_waits_for_it(books, written, wrong):
    """Följsamhet may be filled only on a follow-up that took place. With Samtalstyp or
    Utfall misspelt, whether it may is unknown: the coach is told to correct the misspelt
    value, not to delete a Följsamhet that is right."""
    books.rows["Samtal"][1] = written
    expected = {
        "samtalstyp": (
            "Fel: remisser.xlsx, flik Samtal, rad 3, kolumn Samtalstyp: Värdet 'Uppföljande "
            "samtl' är inte tillåtet. Tillåtna värden: Första samtal, Uppföljande samtal, "
            "Spontant besök."
        ),
        "utfall": (
            "Fel: remisser.xlsx, flik Samtal, rad 3, kolumn Utfall: Värdet 'Genomförd' är inte "
            "tillåtet. Tillåtna värden: Genomfört, Uteblev."
        ),
    }
    assert _lines(books, "Samtal", 3) == [expected[wrong]]


def test_foljsamhet_on_a_row_where_it_does_not_belong_is_still_an_error(books):
    books.rows["Samtal"][0] = ["A1", D(2022, 3, 10), "Första samtal", "Genomfört", "Ja"]
    assert _lines(books, "Samtal", 2) == [
        "Fel: remisser.xlsx, flik Samtal, rad 2, kolumn Följsamhet: Följsamhet får bara fyllas "
        "i när Samtalstyp är Uppföljande samtal och Utfall är Genomfört. Töm cellen, eller "
        "rätta Samtalstyp och Utfall om det var ett sådant samtal."
    ]


def test_a_name_that_differs_only_in_case_or_spaces_gets_did_you_mean(books):
    books.rows["Aktiviteter"].append(
        ["Stavgång i Mullsjö", "Fysisk aktivitet", "Grupp", None, None]
    )
    books.rows["Närvaro"].append([D(2023, 5, 2), "Stavgång i  mullsjö", "P1", None, 1])
    books.rows["Närvaro"].append([D(2023, 5, 3), "Stavgång i Mullsjö", "P1", None, 1])
    books.rows["Närvaro"].append([D(2023, 5, 4), "Stavgång", "P1", None, 1])
    assert _lines(books, "Närvaro") == [
        "Fel: aktiviteter.xlsx, flik Närvaro, rad 11, kolumn Aktivitet: 'Stavgång i  mullsjö' "
        "finns inte i fliken Aktiviteter. Menade du 'Stavgång i Mullsjö'? Skriv namnet som i "
        "fliken Aktiviteter, med samma stora och små bokstäver och mellanslag.",
        "Fel: aktiviteter.xlsx, flik Närvaro, rad 13, kolumn Aktivitet: 'Stavgång' finns inte "
        "i fliken Aktiviteter. Lägg till raden i fliken Aktiviteter eller rätta stavningen.",
    ]


@pytest.mark.parametrize(
    ("written", "example"),
    [(85, 1985), (5, 2005), (1885, None)],
    ids=["85", "05", "1885"],
)
def test_a_two_digit_year_gets_the_hint_to_write_four(books, written, example):
    books.rows["Remisser"][0][6] = written
    hint = f" Skriv året med fyra siffror, t.ex. {example}." if example else ""
    assert _lines(books, "Remisser", 2) == [
        f"Fel: remisser.xlsx, flik Remisser, rad 2, kolumn Födelseår: {written} är för litet. "
        f"Minsta tillåtna värde är 1900.{hint}"
    ]


def test_an_id_with_a_trailing_space_is_merged_and_said(books):
    """The README promises it: 'D001 ' is D001, and the program says it merged them."""
    books.rows["Samtal"][0][0] = "A1 "
    result = validate(books.write(), today=TODAY)
    assert result.ok
    samtal = result.sheet("samtal").data
    assert samtal.loc[2, "klient_id"] == "A1"
    assert [p.line() for p in result.problems if "på olika sätt" in p.message] == [
        "Notis: remisser.xlsx: En kod är skriven på olika sätt men räknas som samma person "
        "('A1' = 'A1 '). Stora och små bokstäver, mellanslag och osynliga tecken gör inte två "
        "koder olika. Inget behöver göras; skriv gärna koderna likadant överallt."
    ]
