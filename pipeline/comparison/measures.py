"""The arithmetic of the comparison: measures, sums, bounds, spread and rank.

A measure is a ratio of sums of figures (or one figure, a median). A municipality's
value built on a hidden count is hidden; the county's value is the ratio of the
sums over the municipalities with figures, exact when nothing is hidden and a lower
bound ("≥ 48,2") when a hidden count makes it one: a hidden count is at least 0 and
at most what its breakdown's total leaves over. The spread (unweighted mean,
minimum, median, maximum) is hidden when one municipality's value is: the hidden
value could be any of them.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from enum import StrEnum

from pipeline.comparison.reading import Comparison
from pipeline.comparison.value import HIDDEN, MISSING_VALUE, Value
from pipeline.contract import schema as contract
from pipeline.contract.comparison import Better, Key, Measure, share_group
from pipeline.publish.formatting import round_half_away

Bounds = tuple[float, float | None, bool]  # (at least, at most or None, a hidden count in it)


def _sum(parts: Sequence[Value]) -> Value:
    if any(p.number is None and not p.suppressed for p in parts):
        return MISSING_VALUE
    if any(p.suppressed for p in parts):
        return HIDDEN
    return Value(sum(p.number for p in parts))


def ratio(numerator: Value, denominator: Value, scale: float) -> Value:
    if numerator.suppressed or denominator.suppressed:
        return HIDDEN
    if numerator.number is None or not denominator.number:
        return MISSING_VALUE
    return Value(numerator.number / denominator.number * scale, at_least=numerator.at_least)


def _lacks(comparison: Comparison, kod: str, keys: Sequence[Key], year: int | None) -> bool:
    return any(
        (v := comparison.figure(kod, k, year)).number is None and not v.suppressed for k in keys
    )


def denominator_keys(
    comparison: Comparison, kod: str, m: Measure, year: int | None = None
) -> tuple[Key, ...]:
    """The figures a municipality's denominator is the sum of: the measure's own, or (for a
    share whose file lacks the breakdown's total) the sum of the breakdown's categories."""
    if m.namnare_reserv and _lacks(comparison, kod, m.namnare, year):
        return m.namnare_reserv
    return m.namnare if m.summable else ((m.bas,) if m.bas else ())


def numerator(comparison: Comparison, kod: str, m: Measure, year: int | None = None) -> Value:
    """The sum of the numerator's figures; missing for a median (it has none)."""
    if not m.summable:
        return MISSING_VALUE
    return _sum([comparison.figure(kod, k, year) for k in m.taljare])


def denominator(comparison: Comparison, kod: str, m: Measure, year: int | None = None) -> Value:
    """The denominator's sum; for a median, its base (the count it is taken over)."""
    keys = denominator_keys(comparison, kod, m, year)
    return _sum([comparison.figure(kod, k, year) for k in keys]) if keys else MISSING_VALUE


def measure_value(comparison: Comparison, kod: str, m: Measure, year: int | None = None) -> Value:
    """The measure for one municipality; missing when its file lacks a figure."""
    if m.varde is not None:
        return comparison.figure(kod, m.varde, year)
    return ratio(
        numerator(comparison, kod, m, year), denominator(comparison, kod, m, year), m.skala
    )


# --- the county ----------------------------------------------------------------------


def county_sum(comparison: Comparison, key: Key, year: int | None = None) -> Value:
    """The sum over municipalities with a file; a lower bound when a hidden count is in it.

    A hidden count may be 0 (a count can be hidden only to protect another), so the
    bound is the sum of the visible counts. Unknown when a file lacks the figure.
    """
    return _county_total(comparison, year, lambda kod: (key,))


def _county_total(comparison: Comparison, year: int | None, keys_of) -> Value:
    """The sum over the municipalities with figures of each one's `keys_of(kod)`."""
    present = comparison.present(year)
    parts = [_bounds(comparison, k.kod, keys_of(k.kod), year) for k in present]
    if not parts or any(p is None for p in parts):
        return MISSING_VALUE
    return Value(sum(p[0] for p in parts), at_least=any(p[2] for p in parts))


def county_numerator(comparison: Comparison, m: Measure, year: int | None = None) -> Value:
    if not m.summable:
        return MISSING_VALUE
    return _county_total(comparison, year, lambda kod: m.taljare)


def county_denominator(comparison: Comparison, m: Measure, year: int | None = None) -> Value:
    """The county's denominator (for a median: the sum of the bases)."""
    if not denominator_keys(comparison, "", m, year):
        return MISSING_VALUE
    return _county_total(comparison, year, lambda kod: denominator_keys(comparison, kod, m, year))


def _left_over(comparison: Comparison, kod: str, key: Key, year: int | None) -> float | None:
    """At most how much the hidden counts of `key`'s breakdown add up to: the breakdown's
    total less its visible counts. None when the layout gives the breakdown no total."""
    group = share_group(key)
    if group is None or group.total is None:
        return None
    total = comparison.figure(kod, group.total, year)
    if not total.exact:
        return None
    visible = [comparison.figure(kod, group.key(c), year) for c in group.categories()]
    return total.number - sum(v.number for v in visible if v.exact)


def _bounds(
    comparison: Comparison, kod: str, keys: Sequence[Key], year: int | None
) -> Bounds | None:
    """A municipality's sum of `keys` as (at least, at most, hidden); None when its file lacks
    one of them. Without a hidden count both are the sum; at most is None when unbounded."""
    values = [comparison.figure(kod, k, year) for k in keys]
    if any(v.number is None and not v.suppressed for v in values):
        return None
    low = sum(v.number for v in values if not v.suppressed)
    hidden = [k for k, v in zip(keys, values, strict=True) if v.suppressed]
    if not hidden:
        return low, low, False
    high = low
    for group in dict.fromkeys(k[:2] for k in hidden):  # each breakdown's slack once
        left = _left_over(comparison, kod, next(k for k in hidden if k[:2] == group), year)
        if left is None:
            return low, None, True
        high += left
    return low, high, True


def county_measure(comparison: Comparison, m: Measure, year: int | None = None) -> Value:
    """The measure for the municipalities together: the ratio of their sums (none for a
    median). With a hidden count, the least the ratio can be: the visible numerator over
    the largest denominator the breakdowns' totals allow; hidden when that says nothing."""
    present = comparison.present(year)
    if not m.summable or not present:
        return MISSING_VALUE
    low, high, hidden = 0.0, 0.0, False
    for kommun in present:
        keys = denominator_keys(comparison, kommun.kod, m, year)
        top = _bounds(comparison, kommun.kod, m.taljare, year)
        bottom = _bounds(comparison, kommun.kod, keys, year)
        if top is None or bottom is None:
            return MISSING_VALUE
        hidden = hidden or top[2] or bottom[2]
        low += top[0]
        most = _largest_denominator(comparison, kommun.kod, m, keys, top, bottom, year)
        high = None if high is None or most is None else high + most
    if not hidden:  # then `high` is the denominators' exact sum
        return ratio(Value(low), Value(high), m.skala)
    if not high or not low:
        return HIDDEN  # no bound, or only "≥ 0"
    return Value(low / high * m.skala, at_least=True)


def _largest_denominator(
    comparison: Comparison,
    kod: str,
    m: Measure,
    keys: tuple[Key, ...],
    top: Bounds,
    bottom: Bounds,
    year: int | None,
) -> float | None:
    """The denominator that, with the visible numerator, gives the least ratio. For a share
    (the numerator is part of the denominator) the rest of the denominator at its most;
    None when nothing bounds it."""
    if set(m.taljare) <= set(keys):
        rest = _bounds(comparison, kod, [k for k in keys if k not in m.taljare], year)
        return None if rest[1] is None else top[0] + rest[1]
    if set(m.taljare) & set(keys):
        return None
    return bottom[1]


# --- spread, rank and the county's coverage --------------------------------------------


def mean(values: Sequence[Value]) -> Value:
    """The unweighted mean of the municipalities' values; '..' when one is hidden."""
    return spread(values)[0]


def spread(values: Sequence[Value]) -> tuple[Value, Value, Value, Value]:
    """(unweighted mean, minimum, median, maximum) of the municipalities' values: missing ones
    left out, all hidden when one is (it could be the least, the middle or the most)."""
    if any(v.suppressed for v in values):
        return HIDDEN, HIDDEN, HIDDEN, HIDDEN
    numbers = [v.number for v in values if v.number is not None]
    if not numbers:
        return MISSING_VALUE, MISSING_VALUE, MISSING_VALUE, MISSING_VALUE
    return (
        Value(statistics.fmean(numbers)),
        Value(min(numbers)),
        Value(statistics.median(numbers)),
        Value(max(numbers)),
    )


class Band(StrEnum):
    """Where a value stands among the municipalities' (Kolada's quarters): the best (or,
    where neither direction is better, the highest) quarter, the middle, the last."""

    TOP = "översta fjärdedelen"
    MIDDLE = "mitten"
    BOTTOM = "nedersta fjärdedelen"


FEWEST_TO_RANK = 4  # quarters of fewer values say nothing


def ranks(values: dict[str, Value], better: Better) -> dict[str, tuple[int, Band | None]]:
    """Each exact value's rank (1 = best; the highest where neither direction is better;
    equal values share a rank) and its band; hidden, bounded and missing values get none."""
    sign = -1 if better == Better.LOWER else 1
    exact = {k: sign * round(v.number, 9) for k, v in values.items() if v.exact}
    quarter = len(exact) // 4
    result = {}
    for kod, mine in exact.items():
        above = sum(1 for other in exact.values() if other > mine)
        below = sum(1 for other in exact.values() if other < mine)
        band = None
        if len(exact) >= FEWEST_TO_RANK:
            top, bottom = above < quarter, below < quarter
            band = (
                Band.TOP
                if top and not bottom
                else Band.BOTTOM
                if bottom and not top
                else (Band.MIDDLE)
            )
        result[kod] = (above + 1, band)
    return result


def change(values: Sequence[Value]) -> Value:
    """The change from the previous year to the last (both exact), else missing."""
    if len(values) < 2 or not (values[-1].exact and values[-2].exact):
        return MISSING_VALUE
    return Value(values[-1].number - values[-2].number)


def county_population(comparison: Comparison, year: int | None = None) -> float | None:
    """The county's inhabitants: each municipality's figure for the year, else its nearest year."""
    target = comparison.year if year is None else year
    total = 0.0
    for kommun in contract.kommuner():
        known = [
            (abs(y - target), -y, comparison.inhabitants(kommun.kod, y))
            for y in comparison.years
            if comparison.inhabitants(kommun.kod, y)
        ]
        if not known:
            return None
        total += min(known)[2]
    return total


def coverage_label(comparison: Comparison, year: int | None = None) -> str:
    """'Summa, 7 av 13 kommuner, 61 % av länets invånare' (the sum row says what it covers)."""
    present = comparison.present(year)
    label = f"Summa, {len(present)} av {len(contract.kommuner())} kommuner"
    county = county_population(comparison, year)
    people = [comparison.inhabitants(k.kod, year) for k in present]
    if county and all(people):
        label += f", {round_share(sum(people) / county * 100)} % av länets invånare"
    return label


def round_share(percent: float) -> int:
    return int(round_half_away(percent))


MEAN_LABEL = "Ovägt medel"
SPREAD_LABELS = (MEAN_LABEL, "Lägsta", "Median", "Högsta")
