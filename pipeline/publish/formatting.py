"""Swedish formatting of numbers, dates and counted nouns: the one place that decides how a
published number looks (`number`, `percent`; `plain_number` for csv files), and the report's
Jinja filters (`tal`, `antal`, `datum`)."""

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
MINUS = "\u2212"
SECONDARY = ".."  # a count hidden so that the small ones cannot be worked out
UNKNOWN = "uppgift saknas"


def round_half_away(value: float, decimals: int = 0) -> float:
    """Rounded as Excel's AVRUNDA and Swedish official statistics round: halves away from
    zero (12.5 → 13, −12.5 → −13), never Python's halves-to-even (round(12.5) == 12).

    The number is taken as written in its shortest form (str), so 0.125 rounds to 0.13.
    """
    exact = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return float(exact)


def number(value, decimals: int | None = None) -> str:
    """The one Swedish number format of everything published: '1 234,5', '6,0', '−3'.

    A no-break space between thousands, a comma as decimal mark, a true minus sign;
    halves rounded away from zero (round_half_away). `decimals` None shows the decimals
    the value has, at most two (81 → '81', 6.25 → '6,25'); a number fixes them
    (number(6, 1) → '6,0'). None is '–'.
    """
    if value is None:
        return MISSING
    places = 2 if decimals is None else decimals
    text = f"{round_half_away(float(value), places):,.{places}f}"
    if decimals is None and "." in text:
        text = text.rstrip("0").rstrip(".")
    text = text.replace(",", " ").replace(".", ",").replace(" ", NBSP)
    return text.replace("-", MINUS) if text.strip("-0,") else text.lstrip("-")


def percent(part, whole) -> str:
    """'13 % (5 av 40)': a share in whole per cent, halves up, with what it is a share of;
    '–' when unknown."""
    if part is None or not whole:
        return MISSING
    return f"{number(part / whole * 100, 0)}{NBSP}% ({number(part)} av {number(whole)})"


def plain_number(value, decimals: int = 2) -> str:
    """A number for a machine-read file (csv): '.' as decimal mark, no thousands separator,
    at most `decimals` decimals (halves away from zero), no trailing zeros; '' for None."""
    if value is None:
        return ""
    text = f"{round_half_away(float(value), decimals):.{decimals}f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text in ("-0", "") else text


def antal(value, singular: str, plural: str) -> str:
    """'1 tillfälle', '2 tillfällen', 'inga tillfällen': running text never says '0 recept'."""
    if value is not None and float(value) == 0:
        return f"inga {plural}"
    word = singular if value is not None and float(value) == 1 else plural
    return f"{number(value)} {word}"


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
    return sign + number(abs(change))


def and_list(items) -> str:
    """'a', 'a och b', 'a, b och c': a Swedish list in running text."""
    items = [str(item) for item in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " och " + items[-1]


def years_text(years) -> str:
    """2021, 2022 och 2023."""
    return and_list(years)
