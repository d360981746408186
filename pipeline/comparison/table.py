"""The measures table: every value of the comparison, computed once.

The workbook, the Word report, the long csv (and the region's web page) are views of
this table; none of them computes a value of its own, so they cannot disagree.

Shape (plain frozen dataclasses, ordered as the views show them):

- `series`: what can be compared, in layout order. A `Series` is one of the contract's
  measures (kind `mått`, e.g. `andel_inom_30_dagar`), one category's share of a
  breakdown (kind `andel`, id `andel:arenden_inkomna/kon/Kvinna`), or a count (kind
  `antal`, id `antal:arenden_inkomna` or `antal:deltagartimmar/fokusomrade/Övrigt`); a
  share's count is its numerator, the breakdown's total its denominator.
- `cells`: one `Cell` per municipality (all 13, in the contract's order) × series ×
  year: the value, its numerator and denominator (measures and shares), whether the
  denominator is a small base (under 20), the rank (1 = best; the highest where
  neither direction is better) and the band (quarter) the colours follow, the status
  against the region's target, the change from the year before, and for a
  municipality without figures, why (`state`; its values are then missing).
- `summaries`: one `Summary` per series × year: the county (the ratio of the sums
  over the municipalities with figures, or a lower bound), its numerator and
  denominator, and the unweighted mean, minimum, median and maximum.

`table.cell(kod, series_id, year)`, `table.column(series_id, year)` and
`table.summary(series_id, year)` look values up; `year` defaults to the compared year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from pipeline.comparison import measures as arithmetic
from pipeline.comparison.measures import Band
from pipeline.comparison.reading import Comparison, NoFigures
from pipeline.comparison.targets import Target
from pipeline.comparison.value import MISSING_VALUE, Value
from pipeline.contract import schema as contract
from pipeline.contract.comparison import (
    SMALL_BASE,
    Better,
    CountColumn,
    Measure,
    TargetStatus,
    measures,
    share_groups,
    themes,
)

PEOPLE = "antal:invanare"  # each municipality's inhabitants (a count series)


class Kind(StrEnum):
    MEASURE = "mått"
    SHARE = "andel"
    COUNT = "antal"


@dataclass(frozen=True)
class Series:
    id: str
    kind: Kind
    rubrik: str
    better: Better = Better.NEITHER
    decimals: int | None = 1  # as published; None: a count, shown as it is
    measure: Measure | None = None  # measures and shares
    count: CountColumn | None = None  # counts
    target: Target | None = None


@dataclass(frozen=True)
class Cell:
    kommunkod: str
    kommun: str
    year: int
    series: str
    value: Value = MISSING_VALUE
    numerator: Value = MISSING_VALUE  # missing where the series has none (a count, a median)
    denominator: Value = MISSING_VALUE  # a median's: the count it is taken over
    small_base: bool = False  # the denominator is exact and under 20
    rank: int | None = None
    band: Band | None = None
    status: TargetStatus | None = None
    change: Value = MISSING_VALUE  # from the year before in the table's years
    state: NoFigures | None = None  # why the municipality has no figures for the year


@dataclass(frozen=True)
class Summary:
    series: str
    year: int
    county: Value = MISSING_VALUE  # a ratio of sums; a sum for a count
    numerator: Value = MISSING_VALUE
    denominator: Value = MISSING_VALUE
    small_base: bool = False
    mean: Value = MISSING_VALUE
    minimum: Value = MISSING_VALUE
    median: Value = MISSING_VALUE
    maximum: Value = MISSING_VALUE
    count: int = 0  # municipalities with an exact value
    change: Value = MISSING_VALUE  # the county's, from the year before


@dataclass(frozen=True)
class MeasuresTable:
    year: int
    years: tuple[int, ...]
    series: tuple[Series, ...]
    cells: tuple[Cell, ...]
    summaries: tuple[Summary, ...]
    coverage: dict[int, str]  # the sum row's label per year ("Summa, 12 av 13 kommuner, …")
    people: dict[int, float | None]  # the inhabitants of the municipalities with figures
    _cells: dict = field(default_factory=dict, repr=False, compare=False)
    _summaries: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        self._cells.update({(c.series, c.kommunkod, c.year): c for c in self.cells})
        self._summaries.update({(s.series, s.year): s for s in self.summaries})

    def get(self, series_id: str) -> Series:
        return next(s for s in self.series if s.id == series_id)

    def cell(self, kod: str, series_id: str, year: int | None = None) -> Cell:
        return self._cells[(series_id, kod, self.year if year is None else year)]

    def column(self, series_id: str, year: int | None = None) -> list[Cell]:
        """The 13 municipalities' cells, in the contract's order."""
        return [self.cell(k.kod, series_id, year) for k in contract.kommuner()]

    def summary(self, series_id: str, year: int | None = None) -> Summary:
        return self._summaries[(series_id, self.year if year is None else year)]

    def of_kind(self, kind: Kind) -> list[Series]:
        return [s for s in self.series if s.kind == kind]


def all_series(comparison: Comparison) -> tuple[Series, ...]:
    """The measures, then each breakdown's shares, then the counts: everything compared."""
    result = [
        Series(
            m.id,
            Kind.MEASURE,
            m.rubrik,
            m.battre,
            1,
            measure=m,
            target=comparison.targets.get(m.id),
        )
        for m in measures()
    ]
    for group in share_groups():
        result += [
            Series(m.id, Kind.SHARE, m.rubrik, m.battre, 1, measure=m) for m in group.measures()
        ]
    people = CountColumn(("invanare", "", ""), "Invånare", summeras=False)
    counts: dict[str, CountColumn] = {people.id: people}
    for _, columns in themes():
        counts |= {c.id: c for c in columns}
    result += [Series(c.id, Kind.COUNT, c.rubrik, decimals=None, count=c) for c in counts.values()]
    return tuple(result)


def _small(value: Value, denominator: Value) -> bool:
    """A value shown (a number or a bound) over an exact denominator under SMALL_BASE; no
    value, no mark (a missing value over 0 is not a small base, it is none)."""
    return value.number is not None and denominator.exact and denominator.number < SMALL_BASE


def _measure_cells(
    comparison: Comparison, series: Series, year: int, before: dict[str, Value], earlier: Value
) -> tuple[list[Cell], Summary]:
    """One measure's (or share's) cells and summary for a year; `before` and `earlier` are
    the municipalities' and the county's values the year before (for the change)."""
    m = series.measure
    values: dict[str, Value] = {}
    for kommun in contract.kommuner():
        if comparison.has_file(kommun.kod, year):
            values[kommun.kod] = arithmetic.measure_value(comparison, kommun.kod, m, year)
    ranked = arithmetic.ranks(values, series.better)
    cells = []
    for kommun in contract.kommuner():
        if kommun.kod not in values:
            state = comparison.state(kommun.kod, year)
            cells.append(Cell(kommun.kod, kommun.namn, year, series.id, state=state))
            continue
        value = values[kommun.kod]
        below = arithmetic.denominator(comparison, kommun.kod, m, year)
        rank, band = ranked.get(kommun.kod, (None, None))
        cells.append(
            Cell(
                kommun.kod,
                kommun.namn,
                year,
                series.id,
                value=value,
                numerator=arithmetic.numerator(comparison, kommun.kod, m, year),
                denominator=below,
                small_base=_small(value, below),
                rank=rank,
                band=band,
                status=series.target.status(value) if series.target else None,
                change=arithmetic.change([before.get(kommun.kod, MISSING_VALUE), value]),
            )
        )
    mean, least, middle, most = arithmetic.spread(list(values.values()))
    county = arithmetic.county_measure(comparison, m, year)
    county_below = arithmetic.county_denominator(comparison, m, year)
    summary = Summary(
        series.id,
        year,
        county=county,
        numerator=arithmetic.county_numerator(comparison, m, year),
        denominator=county_below,
        small_base=_small(county, county_below),
        mean=mean,
        minimum=least,
        median=middle,
        maximum=most,
        count=sum(1 for v in values.values() if v.exact),
        change=arithmetic.change([earlier, county]),
    )
    return cells, summary


def _count_cells(
    comparison: Comparison, series: Series, year: int, before: dict[str, Value], earlier: Value
) -> tuple[list[Cell], Summary]:
    key = series.count.key
    cells = []
    for kommun in contract.kommuner():
        state = comparison.state(kommun.kod, year)
        value = MISSING_VALUE if state else comparison.figure(kommun.kod, key, year)
        change = arithmetic.change([before.get(kommun.kod, MISSING_VALUE), value])
        cells.append(
            Cell(kommun.kod, kommun.namn, year, series.id, value=value, state=state, change=change)
        )
    county = MISSING_VALUE
    if series.count.summeras:
        county = arithmetic.county_sum(comparison, key, year)
    return cells, Summary(
        series.id, year, county=county, change=arithmetic.change([earlier, county])
    )


def build(comparison: Comparison) -> MeasuresTable:
    """Every value of the comparison, for every year with figures (the compared year too)."""
    years = tuple(sorted({*comparison.years, comparison.year}))
    series = all_series(comparison)
    cells: list[Cell] = []
    summaries: list[Summary] = []
    for s in series:
        make = _count_cells if s.kind == Kind.COUNT else _measure_cells
        before: dict[str, Value] = {}
        earlier = MISSING_VALUE
        for year in years:
            made, summary = make(comparison, s, year, before, earlier)
            before, earlier = {c.kommunkod: c.value for c in made}, summary.county
            cells += made
            summaries.append(summary)
    coverage = {y: arithmetic.coverage_label(comparison, y) for y in years}
    people = {}
    for year in years:
        counted = [comparison.inhabitants(k.kod, year) for k in comparison.present(year)]
        people[year] = sum(counted) if counted and all(counted) else None
    return MeasuresTable(
        comparison.year, years, series, tuple(cells), tuple(summaries), coverage, people
    )
