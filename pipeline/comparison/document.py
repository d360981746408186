"""The comparison as a short Word report (templates/jamforelse.docx): a view of the table.

Numbers are Swedish with one decimal throughout (6,0 beside 6,6), rounded as
published; a value on a small base is marked `*`; with the region's targets, each
value carries its status. Every measure has a chart, its bars sorted from best to
worst (highest first where neither direction is better) with the mean marked; the
trend is small multiples. Imports nothing that reads workbooks.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx.shared import Mm
from docxtpl import DocxTemplate, RichText

from pipeline import config
from pipeline.comparison import charts as compare_charts
from pipeline.comparison.measures import SPREAD_LABELS
from pipeline.comparison.reading import Comparison, FileStatus
from pipeline.comparison.table import Cell, Kind, MeasuresTable, Series
from pipeline.comparison.value import Value
from pipeline.contract import schema as contract
from pipeline.contract.comparison import SMALL_BASE, Better, TargetStatus, trend_measures
from pipeline.publish.docx_fill import AltTextImage, fill_template
from pipeline.publish.ooxml import finalize_docx

STATUS_COLOR = {
    TargetStatus.MET: "0B5394",
    TargetStatus.NEAR: "7F6000",
    TargetStatus.NOT_MET: "A0410D",
}
SMALL_MARK = " *"
CELL_SIZE = 17  # half-points: 8,5 pt
STATUS_SIZE = 14


def cell_text(cell: Cell, series: Series) -> str:
    """A municipality's value as the table shows it: '71,4', '40,0 *' (small base), '..'."""
    return cell.value.text(series.decimals) + (SMALL_MARK if cell.small_base else "")


def _cell(cell: Cell, series: Series) -> RichText:
    text = RichText(cell_text(cell, series), size=CELL_SIZE)
    if cell.status:
        text.add("\n" + cell.status, size=STATUS_SIZE, italic=True, color=STATUS_COLOR[cell.status])
    return text


def _summary_cell(value: Value, series: Series) -> RichText:
    return RichText(value.text(series.decimals), size=CELL_SIZE)


def _table(table: MeasuresTable) -> list[dict]:
    """The municipalities, the county and the spread (mean, minimum, median, maximum)."""
    measures = table.of_kind(Kind.MEASURE)
    result = []
    for kommun in contract.kommuner():
        cells = [table.cell(kommun.kod, s.id) for s in measures]
        if cells[0].state is not None:
            row = [RichText(str(cells[0].state), size=CELL_SIZE, italic=True)]
            row += [RichText("")] * (len(measures) - 1)
        else:
            row = [_cell(c, s) for c, s in zip(cells, measures, strict=True)]
        result.append({"kommun": kommun.namn, "celler": row})
    summaries = [table.summary(s.id) for s in measures]
    result.append(
        {
            "kommun": table.coverage[table.year],
            "celler": [
                _summary_cell(x.county, s) for x, s in zip(summaries, measures, strict=True)
            ],
        }
    )
    for label, attribute in zip(
        SPREAD_LABELS, ("mean", "minimum", "median", "maximum"), strict=True
    ):
        result.append(
            {
                "kommun": label,
                "celler": [
                    _summary_cell(getattr(x, attribute), s)
                    for x, s in zip(summaries, measures, strict=True)
                ],
            }
        )
    return result


def _with_parts(cell: Cell, series: Series) -> str:
    """'71,4 % (35 av 49)', '8,3' or '12,5 dagar (44 ärenden)': a value with what it is of,
    and 'liten bas' where the denominator is under 20."""
    m = series.measure
    text = cell.value.text(series.decimals)
    parts = []
    if m.procent:
        text += " %"
        if cell.numerator.exact and cell.denominator.exact:
            parts.append(f"{cell.numerator.text(0)} av {cell.denominator.text(0)}")
    elif not m.summable:
        text += " dagar"
        if cell.denominator.exact:
            parts.append(f"{cell.denominator.text(0)} ärenden")
    if cell.small_base:
        parts.append("liten bas")
    return text + (f" ({', '.join(parts)})" if parts else "")


def _bars(table: MeasuresTable, series: Series):
    """The measure's bar chart, or None when no municipality has a value (an empty chart
    would say nothing the sentence under the heading does not)."""
    values, left_out, small = {}, {}, set()
    for cell in table.column(series.id):
        if cell.state is not None:
            left_out[cell.kommun] = str(cell.state)
        elif cell.value.suppressed:
            left_out[cell.kommun] = "dolt värde"
        elif cell.value.number is None:
            left_out[cell.kommun] = "uppgift saknas"
        else:
            values[cell.kommun] = cell.value.rounded(series.decimals)
            if cell.small_base:
                small.add(cell.kommun)
    if not values:
        return None
    summary = table.summary(series.id)
    m = series.measure
    return compare_charts.bars_across(
        f"{m.rubrik} {table.year}",
        values,
        summary.mean.rounded(series.decimals) if summary.mean.exact else None,
        series.target.malvarde if series.target else None,
        m.unit,
        left_out,
        lower_first=series.better == Better.LOWER,
        small=small,
    )


def _trend(table: MeasuresTable, series: Series):
    years = list(table.years)
    series_by_name = {}
    for kommun in contract.kommuner():
        cells = [table.cell(kommun.kod, series.id, y) for y in years]
        series_by_name[kommun.namn] = [
            c.value.rounded(series.decimals) if c.value.exact else None for c in cells
        ]
    county = [table.summary(series.id, y).county for y in years]
    return compare_charts.small_multiples(
        f"{series.measure.rubrik} {years[0]}–{years[-1]}",
        years,
        series_by_name,
        [v.rounded(series.decimals) if v.exact else None for v in county],
        "Kommunerna med fil tillsammans",
    )


def _summary(table: MeasuresTable, series: Series) -> str:
    """One sentence under a chart: the best and the worst (or highest and lowest), the spread."""
    cells = [c for c in table.column(series.id) if c.rank is not None]
    if not cells:
        return "Ingen kommun har ett värde för måttet."
    ordered = sorted(cells, key=lambda c: (c.rank, c.kommun))
    first, last = ordered[0], ordered[-1]
    words = ("Högst", "Lägst") if series.better == Better.NEITHER else ("Bäst", "Sämst")
    summary = table.summary(series.id)
    text = (
        f"{words[0]}: {first.kommun}, {_with_parts(first, series)}. "
        f"{words[1]}: {last.kommun}, {_with_parts(last, series)}. "
    )
    if summary.mean.suppressed:
        text += "Ovägt medel och median visas inte: en kommuns värde är dolt."
    else:
        text += (
            f"Ovägt medel {summary.mean.text(series.decimals)}, median "
            f"{summary.median.text(series.decimals)} ({summary.count} kommuner med värde)."
        )
    if any(c.small_base for c in cells):
        text += f" * Liten bas: nämnaren är under {SMALL_BASE}."
    return text


def _definition(series: Series) -> str:
    m = series.measure
    said = {
        Better.HIGHER: "Högre är bättre.",
        Better.LOWER: "Lägre är bättre.",
        Better.NEITHER: "Inget håll är bättre.",
    }[series.better]
    base = (
        f" Täljare: {m.taljare_rubrik}; nämnare: {m.namnare_rubrik}."
        if m.summable
        else (f" Bas: {m.namnare_rubrik}.")
    )
    return f"{m.definition}{base} {said}"


def render(
    comparison: Comparison, table: MeasuresTable, template: Path = config.COMPARISON_TEMPLATE
) -> tuple[bytes, list[str]]:
    tpl = DocxTemplate(template)
    measures = table.of_kind(Kind.MEASURE)
    bars = [_bars(table, s) for s in measures]
    trend_ids = {m.id for m in trend_measures()} if len(table.years) > 1 else set()
    trends = [_trend(table, s) for s in measures if s.id in trend_ids]

    def image(chart):
        return AltTextImage(tpl, io.BytesIO(chart.png), chart.alt_text, chart.title, width=Mm(165))

    missing = comparison.missing()
    targets = [
        {
            "matt": s.measure.rubrik,
            "mal": f"{s.target.bound_word} {Value(s.target.malvarde).text(1)} {s.measure.unit}",
        }
        for s in measures
        if s.target
    ]
    context = {
        "ar": table.year,
        "antal_med_fil": len(contract.kommuner()) - len(missing),
        "antal_kommuner": len(contract.kommuner()),
        "utan_fil": [f"{k.namn} ({comparison.state(k.kod)})" for k in missing],
        "filer": [f.line() for f in comparison.fates if f.status != FileStatus.USED or f.copy_of],
        "rubriker": [s.measure.kort for s in measures],
        "tabell": _table(table),
        "malvarden": targets,
        "liten_bas": SMALL_BASE,
        "diagram": [
            {
                "rubrik": f"{s.measure.rubrik} {table.year}",
                "bild": image(c) if c else "",
                "text": _summary(table, s),
            }
            for c, s in zip(bars, measures, strict=True)
        ],
        "trender": [{"rubrik": c.title, "bild": image(c)} for c in trends],
        "ar_lista": ", ".join(str(y) for y in table.years),
        "definitioner": [
            {"rubrik": s.measure.rubrik, "id": s.id, "definition": _definition(s)} for s in measures
        ],
    }
    filled = fill_template(tpl, template, context)
    data = finalize_docx(
        filled,
        title=f"Hälsocenter i Jönköpings län – jämförelse {table.year}",
        subject="Hälsocenter i Jönköpings län",
        keywords="Hälsocenter; jämförelse; nyckeltal",
        stamp=f"{table.year + 1}-01-01T00:00:00Z",
    )
    return data, [c.alt_text for c in bars + trends if c]
