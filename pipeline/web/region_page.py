"""The region's page as text: the comparison's measures table read out for the templates.

Every value here is a cell or summary of `pipeline.comparison.table.MeasuresTable`,
written as the comparison's Word report writes it (`document.cell_text`: `71,4`, `40,0 *`
for a small base, `..` hidden, `–` missing); nothing is computed. What is added is only
presentation: the rank colours' CSS classes and their words, the map
(`pipeline.publish.county_map`) and a small line per municipality for the trend (inline
SVG with presentation attributes only: the Content-Security-Policy allows no style="").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.comparison.document import SMALL_MARK, cell_text
from pipeline.comparison.measures import SPREAD_LABELS, Band
from pipeline.comparison.reading import Comparison
from pipeline.comparison.table import Cell, Kind, MeasuresTable, Series
from pipeline.comparison.value import Value
from pipeline.contract import schema as contract
from pipeline.contract.comparison import Better, Measure, TargetStatus, measures
from pipeline.publish import county_map
from pipeline.publish.chart_style import BLUE, GREY
from pipeline.web.region import STATE_TEXT

# The rank colours of the comparison's workbook (Kolada's quarters): blue for the best
# quarter, orange for the worst where a direction is better; a purple from light (lowest)
# to dark (highest) where none is. The colours are in portal.css; here their words, for
# those who do not see them.
BAND = {
    (True, Band.TOP): ("band-battre", "bland de 25 % bästa"),
    (True, Band.BOTTOM): ("band-samre", "bland de 25 % sämsta"),
    (False, Band.TOP): ("band-hogst", "bland de 25 % högsta"),
    (False, Band.MIDDLE): ("band-mitten", "mitten"),
    (False, Band.BOTTOM): ("band-lagst", "bland de 25 % lägsta"),
}
STATUS_CLASS = {
    TargetStatus.MET: "status-uppnatt",
    TargetStatus.NEAR: "status-nara",
    TargetStatus.NOT_MET: "status-ej",
}
BETTER_TEXT = {
    Better.HIGHER: "högre är bättre",
    Better.LOWER: "lägre är bättre",
    Better.NEITHER: "inget håll är bättre",
}
SUMMARY_FIELDS = ("mean", "minimum", "median", "maximum")


@dataclass(frozen=True)
class Shown:
    """One value as the page shows it, with its rank colour and target status."""

    text: str
    band: str = ""  # CSS class of the rank colour
    band_text: str = ""  # the colour in words
    status: str = ""
    status_class: str = ""


def shown(cell: Cell, series: Series) -> Shown:
    band, band_text = BAND.get((series.better != Better.NEITHER, cell.band), ("", ""))
    status = str(cell.status) if cell.status else ""
    return Shown(
        cell_text(cell, series), band, band_text, status, STATUS_CLASS.get(cell.status, "")
    )


def count_text(value: Value) -> str:
    """A numerator or denominator: a count as the file has it ('..', '≥ 312', '–')."""
    return value.text(0 if value.number is None or float(value.number).is_integer() else 1)


@dataclass(frozen=True)
class MeasureInfo:
    """A measure of jamforelse.yaml as the page introduces it."""

    measure: Measure
    target: object = None  # comparison.targets.Target

    @property
    def id(self) -> str:
        return self.measure.id

    @property
    def rubrik(self) -> str:
        return self.measure.rubrik

    @property
    def kort(self) -> str:
        return self.measure.kort

    @property
    def definition(self) -> str:
        return self.measure.definition

    @property
    def better(self) -> str:
        return BETTER_TEXT[self.measure.battre]

    @property
    def unit(self) -> str:
        return self.measure.unit

    @property
    def numerator_heading(self) -> str:
        return self.measure.taljare_rubrik if self.measure.summable else ""

    @property
    def denominator_heading(self) -> str:
        prefix = "" if self.measure.summable else "Bas: "
        return prefix + self.measure.namnare_rubrik

    @property
    def target_text(self) -> str:
        """'minst 80,0 %' or '' without a target."""
        if self.target is None:
            return ""
        unit = "\u00a0%" if self.measure.procent else ""
        return f"{self.target.bound_word} {Value(self.target.malvarde).text(1)}{unit}"

    @property
    def change_heading(self) -> str:
        unit = self.measure.change_unit
        return f"Förändring ({unit})" if unit else "Förändring"


def measure_infos(comparison: Comparison | None) -> list[MeasureInfo]:
    targets = comparison.targets if comparison else {}
    return [MeasureInfo(m, targets.get(m.id)) for m in measures()]


@dataclass
class Row:
    kommun: str
    kod: str
    state: str = ""  # why the municipality has no figures
    cells: list = field(default_factory=list)


def _state(comparison: Comparison, kod: str, year: int) -> str:
    state = comparison.state(kod, year)
    return STATE_TEXT[state] if state else ""


def coverage(table: MeasuresTable, year: int) -> tuple[str, str]:
    """The sum row's label ('Summa, 11 av 13 kommuner, 90 % av länets invånare') as a
    short row header and what it covers, so that the header column stays narrow."""
    head, _, covers = table.coverage[year].partition(", ")
    return head, covers


def has_figures(table: MeasuresTable | None, comparison: Comparison, year: int) -> bool:
    """At least one municipality has figures for the year (so the table has the year)."""
    return table is not None and year in table.years and bool(comparison.present(year))


def overview(table: MeasuresTable, comparison: Comparison, year: int) -> dict:
    """The 13 municipalities × the measures for one year, then the county and the spread."""
    series = table.of_kind(Kind.MEASURE)
    rows = []
    for kommun in contract.kommuner():
        state = _state(comparison, kommun.kod, year)
        cells = [] if state else [shown(table.cell(kommun.kod, s.id, year), s) for s in series]
        rows.append(Row(kommun.namn, kommun.kod, state, cells))
    summaries = [table.summary(s.id, year) for s in series]
    spread = [
        (label, [getattr(x, name).text(s.decimals) for x, s in zip(summaries, series, strict=True)])
        for label, name in zip(SPREAD_LABELS, SUMMARY_FIELDS, strict=True)
    ]
    county = [x.county.text(s.decimals) for x, s in zip(summaries, series, strict=True)]
    return {
        "rows": rows,
        "county": (*coverage(table, year), county),
        "spread": spread,
        "small_base": any(c.text.endswith(SMALL_MARK) for r in rows for c in r.cells),
        "hidden": any(c.text == Value(suppressed=True).text() for r in rows for c in r.cells),
    }


@dataclass
class DetailRow:
    kommun: str
    kod: str
    state: str = ""
    value: Shown | None = None
    numerator: str = ""
    denominator: str = ""
    rank: str = ""
    change: str = ""


def detail(table: MeasuresTable, comparison: Comparison, series: Series, year: int) -> dict:
    """One measure for one year: value, numerator, denominator, rank, status and change."""
    summary = table.summary(series.id, year)
    ranked = summary.count
    rows = []
    for kommun in contract.kommuner():
        state = _state(comparison, kommun.kod, year)
        if state:
            rows.append(DetailRow(kommun.namn, kommun.kod, state))
            continue
        cell = table.cell(kommun.kod, series.id, year)
        rows.append(
            DetailRow(
                kommun.namn,
                kommun.kod,
                value=shown(cell, series),
                numerator=count_text(cell.numerator),
                denominator=count_text(cell.denominator),
                rank=f"{cell.rank} av {ranked}" if cell.rank else "–",
                change=cell.change.text(series.decimals),
            )
        )
    earlier = [y for y in table.years if y < year and has_figures(table, comparison, y)]
    return {
        "rows": rows,
        "county": {
            "label": coverage(table, year),
            "value": summary.county.text(series.decimals),
            "numerator": count_text(summary.numerator),
            "denominator": count_text(summary.denominator),
            "change": summary.change.text(series.decimals),
        },
        "spread": [
            (label, getattr(summary, name).text(series.decimals))
            for label, name in zip(SPREAD_LABELS, SUMMARY_FIELDS, strict=True)
        ],
        "since": earlier[-1] if earlier else None,
        # the columns after the municipality's name: value, numerator, denominator, rank, change
        "width": 3 + series.measure.summable + bool(earlier),
    }


def map_svg(table: MeasuresTable, comparison: Comparison, series: Series, year: int) -> str:
    """The county map of one measure for one year (`county_map`: a `<title>` per shape)."""
    values: dict[str, object] = {}
    for cell in table.column(series.id, year):
        if comparison.state(cell.kommunkod, year):
            continue  # no figures: dotted grey
        if cell.value.suppressed:
            values[cell.kommunkod] = county_map.HIDDEN
        else:
            values[cell.kommunkod] = cell.value.number
    m = series.measure
    unit = "%" if m.procent else m.unit
    direction = None if series.better == Better.NEITHER else str(series.better)
    return county_map.county_map(
        values,
        title=f"{m.rubrik}, {year}",
        unit=unit,
        direction=direction,
        decimals=series.decimals,
        id_prefix="karta",
        legend_below=True,
    )


# --- the trend --------------------------------------------------------------------------

SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 112, 28, 4


def sparkline(points: list[float | None], low: float, high: float, emphasis: int | None) -> str:
    """A small line of one municipality's values over the years, on the scale all rows
    share (so that heights compare); a gap where a year has no exact value. Hidden from
    assistive technology: the same values stand in the row."""
    count = len(points)
    span = (high - low) or 1.0

    def xy(index: int, value: float) -> tuple[float, float]:
        x = SPARK_PAD + (SPARK_WIDTH - 2 * SPARK_PAD) * (index / max(count - 1, 1))
        y = SPARK_HEIGHT - SPARK_PAD - (SPARK_HEIGHT - 2 * SPARK_PAD) * ((value - low) / span)
        return round(x, 1), round(y, 1)

    parts, run = [], []
    for index, value in enumerate([*points, None]):
        if value is not None:
            run.append(xy(index, value))
            continue
        if len(run) > 1:
            coords = " ".join(f"{x},{y}" for x, y in run)
            parts.append(
                f'<polyline points="{coords}" fill="none" stroke="{BLUE}" stroke-width="1.5" '
                'stroke-linejoin="round" stroke-linecap="round"/>'
            )
        run = []
    for index, value in enumerate(points):
        if value is None:
            continue
        x, y = xy(index, value)
        big = index == emphasis
        parts.append(
            f'<circle cx="{x}" cy="{y}" r="{2.5 if big else 1.5}" '
            f'fill="{BLUE if big else "#ffffff"}" stroke="{BLUE}" stroke-width="1"/>'
        )
    baseline = SPARK_HEIGHT - SPARK_PAD
    return (
        f'<svg class="spark" xmlns="http://www.w3.org/2000/svg" width="{SPARK_WIDTH}" '
        f'height="{SPARK_HEIGHT}" viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}" aria-hidden="true" '
        f'focusable="false"><line x1="{SPARK_PAD}" y1="{baseline}" x2="{SPARK_WIDTH - SPARK_PAD}" '
        f'y2="{baseline}" stroke="{GREY}" stroke-width="0.5"/>{"".join(parts)}</svg>'
    )


def trend(table: MeasuresTable, comparison: Comparison, series: Series, year: int) -> dict:
    """One measure over every year with figures: the municipalities, then the county."""
    years = [y for y in table.years if has_figures(table, comparison, y)]
    exact = [
        table.cell(k.kod, series.id, y).value
        for k in contract.kommuner()
        for y in years
        if not comparison.state(k.kod, y)
    ]
    exact += [table.summary(series.id, y).county for y in years]
    numbers = [v.rounded(series.decimals) for v in exact if v.exact]
    low, high = (min(numbers), max(numbers)) if numbers else (0.0, 1.0)
    emphasis = years.index(year) if year in years else None

    def line(values: list[Value]) -> str:
        points = [v.rounded(series.decimals) if v.exact else None for v in values]
        return sparkline(points, low, high, emphasis) if any(p is not None for p in points) else ""

    rows = []
    for kommun in contract.kommuner():
        cells, values = [], []
        for y in years:
            state = _state(comparison, kommun.kod, y)
            if state:
                cells.append(Shown(state, band="state"))
                values.append(Value())
            else:
                cell = table.cell(kommun.kod, series.id, y)
                cells.append(shown(cell, series))
                values.append(cell.value)
        rows.append({"kommun": kommun.namn, "cells": cells, "line": line(values)})
    county = [table.summary(series.id, y).county for y in years]
    return {
        "years": years,
        "rows": rows,
        "county": [v.text(series.decimals) for v in county],
        "county_line": line(county),
        "mean": [table.summary(series.id, y).mean.text(series.decimals) for y in years],
        "selected": year,
        "gaps": [y for y in range(years[0], years[-1]) if y not in years] if years else [],
    }
