"""Swedish formatting of numbers, dates and counted nouns, for the report's Jinja filters."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"
MONTHS = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]
MONTHS_SHORT = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
MISSING = "–"
SECONDARY = ".."  # a count hidden so that the small ones cannot be worked out
UNKNOWN = "uppgift saknas"


def round_half_away(value: float, decimals: int = 0) -> float:
    """Rounded as Excel's AVRUNDA and Swedish official statistics round: halves away from
    zero (12.5 → 13, −12.5 → −13), never Python's halves-to-even (round(12.5) == 12).

    The number is taken as written in its shortest form (str), so 0.125 rounds to 0.13.
    """
    exact = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return float(exact)


def tal(value) -> str:
    """1234.5 → '1 234,5' (non-breaking space between thousands, comma as decimal mark)."""
    if value is None:
        return MISSING
    number = float(value)
    whole = number.is_integer()
    text = f"{int(number):,}" if whole else f"{number:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",").replace(" ", NBSP)


def antal(value, singular: str, plural: str) -> str:
    """'1 tillfälle', '2 tillfällen'."""
    word = singular if value is not None and float(value) == 1 else plural
    return f"{tal(value)} {word}"


NUMBER_WORDS = ("noll", "en", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio")


def ord_for(n: int) -> str:
    """A small count in words, as a sentence writes it: 3 → 'tre'; 11 and up as digits."""
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)


def datum(value) -> str:
    """A date as '25 oktober 2021'."""
    if isinstance(value, dt.datetime):
        value = value.date()
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def forandring(previous, current) -> str:
    """The change from last year with its sign, '+12' or '−3'; '–' when either is unknown."""
    if previous is None or current is None:
        return MISSING
    change = float(current) - float(previous)
    if change == 0:
        return "0"
    sign = "+" if change > 0 else "\u2212"
    return sign + tal(abs(change))


def years_text(years) -> str:
    """2021, 2022 och 2023."""
    years = [str(y) for y in years]
    return years[0] if len(years) == 1 else ", ".join(years[:-1]) + " och " + years[-1]
