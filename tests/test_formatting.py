"""Swedish numbers as published."""

from __future__ import annotations

import pytest

from pipeline.publish.formatting import antal, number, percent, plain_number, round_half_away


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (12.5, 0, 13.0),
        (87.5, 0, 88.0),
        (0.5, 0, 1.0),
        (-12.5, 0, -13.0),
        (12.49, 0, 12.0),
        (0.125, 2, 0.13),
        (6.45, 1, 6.5),
        (2.675, 2, 2.68),
    ],
)
def test_halves_are_rounded_away_from_zero(value, decimals, expected):
    assert round_half_away(value, decimals) == expected


@pytest.mark.parametrize(
    ("value", "decimals", "shown"),
    [
        (1234.5, None, "1\u00a0234,5"),
        (81, None, "81"),
        (1254.0, None, "1\u00a0254"),
        (6.125, None, "6,13"),  # halves up at the second decimal too
        (6, 1, "6,0"),  # fixed decimals, as the comparison's measures show them
        (12.5, 0, "13"),
        (-3, None, "\u22123"),  # a true minus sign
        (-0.001, None, "0"),  # never "−0"
        (None, None, "–"),
    ],
)
def test_one_number_format(value, decimals, shown):
    assert number(value, decimals) == shown


def test_a_share_is_rounded_half_up_with_its_base():
    assert percent(5, 40) == "13\u00a0% (5 av 40)"  # 12,5 %: round() would say 12
    assert percent(35, 40) == "88\u00a0% (35 av 40)"
    assert percent(None, 40) == percent(3, 0) == "–"


@pytest.mark.parametrize(
    ("value", "text"),
    [(167, "167"), (12.5, "12.5"), (0.125, "0.13"), (1254.0, "1254"), (-3.5, "-3.5"), (None, "")],
)
def test_plain_numbers_for_csv_files(value, text):
    assert plain_number(value) == text


def test_a_count_of_zero_is_said_in_words():
    assert antal(0, "recept", "recept") == "inga recept"
    assert antal(1, "person", "personer") == "1 person"
