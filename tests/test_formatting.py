"""Swedish numbers as published."""

from __future__ import annotations

import pytest

from pipeline.publish.formatting import round_half_away


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
